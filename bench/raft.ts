/**
 * Raft benchmarks: committed entries per second for (1) a 3-node cluster in memory (direct transport, no
 * fsync) and (2) a one-voter metadata quorum on disk with fsync, next to (3) this disk's fdatasync rate
 * measured in the same run, so (2) reads as a ratio: entries per fsync is the group-commit factor.
 * Writes bench/results/raft.json. Run: bun bench/raft.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RaftCore } from "../raft/core.ts";
import { Quorum } from "../raft/quorum.ts";
import { SeededRandom } from "../raft/random.ts";
import type { Message } from "../raft/types.ts";

const DURATION_MS = 2000;

async function inMemoryCluster(): Promise<{ entriesPerSec: number; entries: number }> {
  const ids = [1, 2, 3];
  const cores = ids.map((id) => new RaftCore({ id, bootstrap: { voters: ids, learners: [] }, random: new SeededRandom(id), appendEntriesCountMax: 1024 }));
  const inbox: Message[] = [];
  let applied = 0;
  const pump = () => {
    for (let round = 0; round < 1000; round++) {
      let any = false;
      for (const c of cores) {
        if (!c.hasReady()) continue;
        any = true;
        const rd = c.ready();
        inbox.push(...rd.messages);
        if (c.status().role === "leader") applied += rd.committedEntries.length;
        c.advance(rd);
      }
      while (inbox.length > 0) {
        const m = inbox.shift()!;
        cores[m.to - 1]!.step(m);
        any = true;
      }
      if (!any) return;
    }
  };
  cores[0]!.campaignNow();
  pump();
  const leader = cores.find((c) => c.status().role === "leader")!;
  const data = new Uint8Array(100);
  const start = performance.now();
  applied = 0;
  while (performance.now() - start < DURATION_MS) {
    for (let i = 0; i < 256; i++) leader.propose(data);
    pump();
    for (let i = 0; i < 2; i++) for (const c of cores) c.tick();
  }
  const secs = (performance.now() - start) / 1000;
  return { entriesPerSec: Math.round(applied / secs), entries: applied };
}

async function oneVoterQuorum(): Promise<{ entriesPerSec: number; entries: number }> {
  const dir = mkdtempSync(join(tmpdir(), "raft-bench-"));
  const q = await Quorum.open({ dataDir: dir, nodeId: 1, voters: [1], snapshotEveryEntries: 1_000_000 });
  try {
    await q.propose({ type: "registerBroker", brokerId: 1, host: "h", port: 1, rack: null });
    let done = 0;
    const start = performance.now();
    const worker = async () => {
      let i = 0;
      while (performance.now() - start < DURATION_MS) {
        await q.propose({ type: "alterConfig", resourceType: "broker", resourceName: "1", key: `k${i++ % 100}`, value: "v" });
        done++;
      }
    };
    await Promise.all(Array.from({ length: 256 }, worker));
    return { entriesPerSec: Math.round(done / ((performance.now() - start) / 1000)), entries: done };
  } finally {
    await q.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fdatasyncRate(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "raft-bench-sync-"));
  const fh = await open(join(dir, "f"), "w");
  try {
    const buf = new Uint8Array(64);
    let n = 0;
    let pos = 0;
    const start = performance.now();
    while (performance.now() - start < DURATION_MS / 2) {
      await fh.write(buf, 0, buf.length, pos);
      pos += buf.length;
      await fh.datasync();
      n++;
    }
    return Math.round(n / ((performance.now() - start) / 1000));
  } finally {
    await fh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the three measurements, prints a table, writes bench/results/raft.json, returns the results. */
export async function run() {
  const fsyncPerSec = await fdatasyncRate();
  const memory = await inMemoryCluster();
  const disk = await oneVoterQuorum();
  const result = {
    bench: "raft",
    durationMs: DURATION_MS,
    inMemory3Node: { committedEntriesPerSec: memory.entriesPerSec, entries: memory.entries, entryBytes: 100 },
    oneVoterFsync: { committedEntriesPerSec: disk.entriesPerSec, entries: disk.entries, proposalsInFlight: 256 },
    fdatasyncPerSec: fsyncPerSec,
    oneVoterEntriesPerFsyncRatio: Number((disk.entriesPerSec / fsyncPerSec).toFixed(2)),
    note: "2 vCPU shared machine; one-voter runs one write + one fdatasync per Ready (group commit).",
  };
  console.table({
    "3-node in memory (entries/s)": memory.entriesPerSec,
    "1-voter with fsync (entries/s)": disk.entriesPerSec,
    "fdatasync/s (64 B appends)": fsyncPerSec,
    "1-voter entries/s / fdatasync/s": result.oneVoterEntriesPerFsyncRatio,
  });
  const out = join(import.meta.dir, "results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "raft.json"), JSON.stringify(result, null, 2) + "\n");
  return result;
}

if (import.meta.main) await run();
