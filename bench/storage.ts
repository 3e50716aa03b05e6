/**
 * Storage engine benchmark: PartitionLog append throughput (1 KiB records in 16 KiB batches) under the
 * never / interval / fsync flush policies with 1 and 64 concurrent appenders, read throughput cold and
 * warm, and, in the same run on the same directory, the machine's limits it is compared against:
 * buffered sequential write (1 MiB write() calls), write + fdatasync every 1 MiB, and fdatasync/s for
 * 4 KiB appends from one writer. Prints a table; writes bench/results/storage.json.
 *
 * Run: node_modules/.bin/bun bench/storage.ts   (env BENCH_SECONDS per case, default 2)
 */
import { closeSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Table from "cli-table3";
import { RealIO } from "../storage/io.ts";
import { PartitionLog } from "../storage/log.ts";
import type { FlushPolicy } from "../storage/config.ts";
import { makeFilledBatch } from "../storage/testing/make-batch.ts";

const MiB = 1 << 20;
const RECORD_BYTES = 1024;
const RECORDS_PER_BATCH = 16;
const clock = { nowMs: () => Date.now() };

interface Limit { mbps?: number; perSec?: number }
interface AppendResult { policy: FlushPolicy; appenders: number; mbps: number; recordsPerSec: number; batchesPerSec: number; fsyncs: number; ratio: number; ratioTo: string }

function secondsPerCase(): number {
  return Number(process.env.BENCH_SECONDS ?? 2);
}

/** Raw buffered sequential write with 1 MiB write() calls, no sync. */
function bufferedWriteLimit(dir: string, seconds: number): Limit {
  const buf = Buffer.alloc(MiB, 7);
  const path = join(dir, "raw-buffered");
  const fd = openSync(path, "w");
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    writeSync(fd, buf);
    n++;
  }
  const s = (performance.now() - t0) / 1000;
  closeSync(fd);
  rmSync(path);
  return { mbps: n / s };
}

/** Raw write + fdatasync after every 1 MiB. */
function syncedWriteLimit(dir: string, seconds: number): Limit {
  const buf = Buffer.alloc(MiB, 7);
  const path = join(dir, "raw-synced");
  const fd = openSync(path, "w");
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    writeSync(fd, buf);
    fdatasyncSync(fd);
    n++;
  }
  const s = (performance.now() - t0) / 1000;
  closeSync(fd);
  rmSync(path);
  return { mbps: n / s };
}

/** fdatasync per 4 KiB append, one writer, for `seconds`. */
function fsyncRateLimit(dir: string, seconds: number): Limit {
  const buf = Buffer.alloc(4096, 7);
  const path = join(dir, "raw-fsync");
  const fd = openSync(path, "w");
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    writeSync(fd, buf);
    fdatasyncSync(fd);
    n++;
  }
  const s = (performance.now() - t0) / 1000;
  closeSync(fd);
  rmSync(path);
  return { perSec: n / s };
}

async function appendCase(root: string, policy: FlushPolicy, appenders: number, seconds: number): Promise<Omit<AppendResult, "ratio" | "ratioTo">> {
  const dir = join(root, `append-${policy}-${appenders}`);
  const log = await PartitionLog.open({ dir, io: new RealIO(), clock, config: { flushPolicy: policy, segmentBytes: 256 * MiB, flushIntervalBytes: MiB, flushIntervalMs: 1000 } });
  const template = makeFilledBatch(RECORDS_PER_BATCH, RECORD_BYTES - 10, 1);
  let batches = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: appenders }, async () => {
    while (performance.now() < deadline) {
      await log.append(Buffer.from(template)); // a fresh buffer: append rewrites offsets in place
      batches++;
    }
  }));
  await log.flush();
  const s = (performance.now() - t0) / 1000;
  const fsyncs = log.counters.fsyncs;
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  return { policy, appenders, mbps: (batches * template.byteLength) / MiB / s, recordsPerSec: (batches * RECORDS_PER_BATCH) / s, batchesPerSec: batches / s, fsyncs };
}

/** Evicts a directory's files from the page cache (posix_fadvise DONTNEED via libc) so the next read is cold. */
async function dropFromPageCache(dir: string): Promise<boolean> {
  try {
    const { dlopen, FFIType } = await import("bun:ffi");
    const libc = dlopen("libc.so.6", { posix_fadvise: { args: [FFIType.i32, FFIType.i64, FFIType.i64, FFIType.i32], returns: FFIType.i32 } });
    for (const name of readdirSync(dir)) {
      const fd = openSync(join(dir, name), "r");
      fdatasyncSync(fd);
      libc.symbols.posix_fadvise(fd, 0, 0, 4 /* POSIX_FADV_DONTNEED */);
      closeSync(fd);
    }
    libc.close();
    return true;
  } catch {
    return false;
  }
}

async function readCase(root: string, totalBytes: number): Promise<{ coldMBps: number; warmMBps: number; coldIsCold: boolean; bytes: number }> {
  const dir = join(root, "read");
  const log = await PartitionLog.open({ dir, io: new RealIO(), clock, config: { flushPolicy: "never", segmentBytes: 128 * MiB } });
  const template = makeFilledBatch(RECORDS_PER_BATCH, RECORD_BYTES - 10, 2);
  const pending: Promise<unknown>[] = [];
  for (let n = 0; n < totalBytes; n += template.byteLength) {
    pending.push(log.append(Buffer.from(template)));
    if (pending.length >= 256) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await log.close();
  const coldIsCold = await dropFromPageCache(dir);
  const readAll = async (): Promise<{ mbps: number; bytes: number }> => {
    const l = await PartitionLog.open({ dir, io: new RealIO(), clock });
    const t0 = performance.now();
    let bytes = 0;
    for (let at = l.logStartOffset; at < l.highWatermark; ) {
      const r = await l.read(at, MiB);
      bytes += r.bytes.byteLength;
      at = r.nextOffset;
    }
    const s = (performance.now() - t0) / 1000;
    await l.close();
    return { mbps: bytes / MiB / s, bytes };
  };
  const cold = await readAll();
  await readAll(); // settle
  const warm = await readAll();
  rmSync(dir, { recursive: true, force: true });
  return { coldMBps: cold.mbps, warmMBps: warm.mbps, coldIsCold, bytes: cold.bytes };
}

/** Runs the whole benchmark; returns (and writes) the results object. */
export async function run(): Promise<object> {
  const seconds = secondsPerCase();
  const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), "sb-bench-storage-"));
  try {
    // Limits run as long as each case and on the same directory, so both see the same writeback pressure.
    const buffered = bufferedWriteLimit(root, seconds);
    const synced = syncedWriteLimit(root, seconds);
    const fsyncRate = fsyncRateLimit(root, Math.min(2, seconds));
    const appends: AppendResult[] = [];
    for (const policy of ["never", "interval", "fsync"] as const) {
      for (const appenders of [1, 64]) {
        const r = await appendCase(root, policy, appenders, seconds);
        const ratio = policy === "never" ? r.mbps / buffered.mbps! : policy === "interval" ? r.mbps / synced.mbps! : r.recordsPerSec / fsyncRate.perSec!;
        const ratioTo = policy === "never" ? "buffered write MB/s" : policy === "interval" ? "write+fdatasync/1MiB MB/s" : "single-writer fdatasync/s (records/s over fsyncs/s)";
        appends.push({ ...r, ratio, ratioTo });
      }
    }
    const reads = await readCase(root, 512 * MiB);
    const find = (p: FlushPolicy, a: number) => appends.find((r) => r.policy === p && r.appenders === a)!;
    const results = {
      machine: { bufferedWriteMBps: buffered.mbps, syncedWrite1MiBMBps: synced.mbps, fdatasyncPerSec4KiB: fsyncRate.perSec },
      appends,
      reads: { ...reads, coldRatioToBufferedWrite: reads.coldMBps / buffered.mbps!, warmGBps: reads.warmMBps / 1024 },
      ratios: {
        neverVsBufferedWrite: find("never", 64).mbps / buffered.mbps!,
        intervalVsSyncedWrite: find("interval", 64).mbps / synced.mbps!,
        groupCommit64VsSingleFsync: find("fsync", 64).recordsPerSec / fsyncRate.perSec!,
      },
      cachedReadGBps: reads.warmMBps / 1024,
      notes: {
        records: `${RECORD_BYTES} B records, ${RECORDS_PER_BATCH} per batch (${makeFilledBatch(RECORDS_PER_BATCH, RECORD_BYTES - 10, 1).byteLength} B batches)`,
        ratioBasis: "never and interval ratios use the 64-appender runs; secondsPerCase=" + seconds,
        coldRead: reads.coldIsCold ? "files evicted with posix_fadvise(DONTNEED) before the cold pass" : "could not evict the page cache: cold read is not cold",
        machine: "shared 2-vCPU VM; other work runs concurrently, so numbers are noisy",
      },
      when: new Date().toISOString(),
    };
    printTable(results);
    const outDir = join(import.meta.dir, "results");
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "storage.json"), JSON.stringify(results, null, 2) + "\n");
    return results;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function printTable(r: { machine: Record<string, number | undefined>; appends: AppendResult[]; reads: { coldMBps: number; warmMBps: number }; ratios: Record<string, number> }): void {
  const plain = !process.stdout.isTTY;
  const t = new Table({ head: ["case", "MB/s", "records/s", "fsyncs", "ratio", "to"], ...(plain ? { style: { head: [], border: [] } } : {}) });
  const f = (n: number, d = 1) => n.toFixed(d);
  t.push(["limit: buffered write 1 MiB", f(r.machine.bufferedWriteMBps!), "", "", "", ""]);
  t.push(["limit: write+fdatasync/1 MiB", f(r.machine.syncedWrite1MiBMBps!), "", "", "", ""]);
  t.push(["limit: fdatasync/s 4 KiB", "", f(r.machine.fdatasyncPerSec4KiB!, 0), "", "", "(per second)"]);
  for (const a of r.appends) t.push([`append ${a.policy} x${a.appenders}`, f(a.mbps), f(a.recordsPerSec, 0), String(a.fsyncs), f(a.ratio, 2), a.ratioTo]);
  t.push(["read cold (1 MiB fetches)", f(r.reads.coldMBps), "", "", "", ""]);
  t.push(["read warm (page cache)", f(r.reads.warmMBps), "", "", "", ""]);
  console.log(t.toString());
  console.log("ratios:", JSON.stringify(r.ratios));
}

if (import.meta.main) await run();
