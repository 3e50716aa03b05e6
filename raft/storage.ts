/**
 * Durable Raft state under a data dir, through the StorageIO port:
 * - `raft.log`: append-only frames of entries and hard states. An entry at an index already written
 *   replaces that index and all after it on replay, so a follower's truncation is just an append. One
 *   write and one datasync per Ready, before its messages go out.
 * - `raft.snapshot`: the newest snapshot, replaced atomically (tmp, datasync, rename, fsync dir). After a
 *   snapshot the log is rewritten the same way with only what follows it.
 * Recovery reads the snapshot, replays the log, cuts a torn tail, and keeps log entries after the
 * snapshot only if they continue it (Raft's rule for a log that matches the snapshot's last entry).
 * Owner: one RaftNode; calls are awaited one at a time (asserted).
 */
import { join } from "node:path";
import { assert, StreamBusError } from "../protocol/errors.ts";
import type { StorageFile, StorageIO } from "../storage/io.ts";
import type { PersistedState } from "./options.ts";
import { decodeSnapshotFile, encodeEntryFrame, encodeHardStateFrame, encodeSnapshotFile, readLogFrame } from "./storage-format.ts";
import type { Entry, HardState, Ready, Snapshot } from "./types.ts";

const LOG_FILE = "raft.log";
const SNAPSHOT_FILE = "raft.snapshot";
/** A log (or snapshot) file larger than this is refused at recovery rather than read into memory. */
export const RAFT_FILE_BYTES_MAX = 1024 * 1024 * 1024;

export class RaftStorage {
  #io: StorageIO;
  #dir: string;
  #log: StorageFile;
  #logBytes: number;
  #hardState: HardState;
  #snapshot: Snapshot | null;
  /** Mirror of the entries after the snapshot (needed to rewrite the log after compaction). */
  #entries: Entry[];
  #busy = false;
  /** Counters for benches and metrics. */
  syncCount = 0;

  private constructor(io: StorageIO, dir: string, log: StorageFile, logBytes: number, st: PersistedState) {
    this.#io = io;
    this.#dir = dir;
    this.#log = log;
    this.#logBytes = logBytes;
    this.#hardState = st.hardState;
    this.#snapshot = st.snapshot;
    this.#entries = st.entries.slice();
  }

  /** Opens (creating if absent) the Raft state in `dir` and recovers it. */
  static async open(io: StorageIO, dir: string): Promise<RaftStorage> {
    await io.mkdir(dir);
    const snapshot = await readSnapshot(io, join(dir, SNAPSHOT_FILE));
    const log = await io.open(join(dir, LOG_FILE), "create");
    const bytes = await readAll(log);
    let hardState: HardState = { term: 0, vote: 0, commit: 0 };
    let entries: Entry[] = [];
    let pos = 0;
    for (;;) {
      const f = readLogFrame(bytes, pos);
      if (!f) break;
      pos = f.next;
      if (f.record.kind === "hardState") {
        hardState = f.record.hardState;
        continue;
      }
      const e = f.record.entry;
      const first = entries.length === 0 ? e.index : entries[0]!.index;
      if (entries.length > 0 && e.index <= entries[entries.length - 1]!.index) entries.length = Math.max(0, e.index - first);
      if (entries.length > 0 && e.index !== entries[entries.length - 1]!.index + 1) {
        throw new StreamBusError("CORRUPT_MESSAGE", `raft log ${log.path}: entry ${e.index} leaves a gap at byte ${pos}`);
      }
      entries.push(e);
    }
    if (pos < bytes.byteLength) {
      // A torn or corrupt tail: what follows was never acknowledged (every ack waits for datasync).
      await log.truncate(pos);
      await log.datasync();
    }
    entries = continuing(entries, snapshot);
    const last = entries.length > 0 ? entries[entries.length - 1]!.index : (snapshot?.index ?? 0);
    assert(hardState.commit <= last, `raft state in ${dir}: commit ${hardState.commit} beyond last entry ${last}`);
    return new RaftStorage(io, dir, log, pos, { hardState, snapshot, entries });
  }

  /** What the core restarts from. */
  state(): PersistedState {
    return { hardState: this.#hardState, snapshot: this.#snapshot, entries: this.#entries.slice() };
  }

  /** Step 1 of a Ready: snapshot, entries and hard state made durable. */
  async persist(rd: Ready): Promise<void> {
    this.#enter();
    try {
      if (rd.snapshot) await this.#installSnapshot(rd.snapshot);
      if (rd.entries.length === 0 && !rd.hardState) return;
      const frames: Uint8Array[] = rd.entries.map(encodeEntryFrame);
      if (rd.hardState) frames.push(encodeHardStateFrame(rd.hardState));
      await this.#appendDurably(frames);
      this.#mirror(rd.entries);
      if (rd.hardState) this.#hardState = rd.hardState;
    } finally {
      this.#busy = false;
    }
  }

  /** Saves a snapshot the node took (core.compact) and rewrites the log without the entries it covers. */
  async saveSnapshot(s: Snapshot): Promise<void> {
    this.#enter();
    try {
      await this.#writeSnapshotFile(s);
      this.#snapshot = s;
      this.#entries = this.#entries.filter((e) => e.index > s.index);
      await this.#rewriteLog();
    } finally {
      this.#busy = false;
    }
  }

  logBytes(): number {
    return this.#logBytes;
  }

  async close(): Promise<void> {
    await this.#log.close();
  }

  async #installSnapshot(s: Snapshot): Promise<void> {
    await this.#writeSnapshotFile(s);
    this.#snapshot = s;
    this.#entries = [];
    this.#hardState = { ...this.#hardState, commit: Math.max(this.#hardState.commit, s.index) };
    await this.#rewriteLog();
  }

  async #appendDurably(frames: Uint8Array[]): Promise<void> {
    const total = frames.reduce((n, f) => n + f.byteLength, 0);
    const buf = new Uint8Array(total);
    let at = 0;
    for (const f of frames) {
      buf.set(f, at);
      at += f.byteLength;
    }
    await this.#log.write(buf, this.#logBytes);
    await this.#log.datasync();
    this.#logBytes += total;
    this.syncCount++;
  }

  #mirror(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    const base = this.#snapshot?.index ?? 0;
    const keep = Math.max(0, first - base - 1);
    assert(keep <= this.#entries.length, `entries from ${first} leave a gap after ${base + this.#entries.length}`);
    this.#entries.length = keep;
    for (const e of entries) this.#entries.push(e);
  }

  async #writeSnapshotFile(s: Snapshot): Promise<void> {
    const path = join(this.#dir, SNAPSHOT_FILE);
    await writeAtomically(this.#io, this.#dir, path, [encodeSnapshotFile(s)]);
  }

  /** Replaces the log with the current hard state and entries: tmp file, datasync, rename, fsync dir. */
  async #rewriteLog(): Promise<void> {
    const frames = [encodeHardStateFrame(this.#hardState), ...this.#entries.map(encodeEntryFrame)];
    const path = join(this.#dir, LOG_FILE);
    await this.#log.close();
    await writeAtomically(this.#io, this.#dir, path, frames);
    this.#log = await this.#io.open(path, "rw");
    this.#logBytes = frames.reduce((n, f) => n + f.byteLength, 0);
    this.syncCount++;
  }

  #enter(): void {
    assert(!this.#busy, "raft storage used concurrently");
    this.#busy = true;
  }
}

/** Entries that continue the snapshot: all of them when they start right after it or match its last entry. */
function continuing(entries: Entry[], s: Snapshot | null): Entry[] {
  if (!s || entries.length === 0) return entries;
  const first = entries[0]!.index;
  if (first > s.index + 1) throw new StreamBusError("CORRUPT_MESSAGE", `raft log starts at ${first}, after snapshot ${s.index}`);
  if (first === s.index + 1) return entries;
  const atSnap = entries[s.index - first];
  if (!atSnap || atSnap.term !== s.term) return [];
  return entries.slice(s.index - first + 1);
}

async function readAll(f: StorageFile): Promise<Uint8Array> {
  const size = await f.sizeBytes();
  if (size > RAFT_FILE_BYTES_MAX) throw new StreamBusError("LIMIT_EXCEEDED", `${f.path} is ${size} bytes, over ${RAFT_FILE_BYTES_MAX}`);
  const buf = new Uint8Array(size);
  let at = 0;
  while (at < size) {
    const n = await f.read(buf, at, size - at, at);
    if (n === 0) break;
    at += n;
  }
  return buf.subarray(0, at);
}

async function readSnapshot(io: StorageIO, path: string): Promise<Snapshot | null> {
  if (!(await io.stat(path))) return null;
  const f = await io.open(path, "r");
  try {
    return decodeSnapshotFile(await readAll(f), path);
  } finally {
    await f.close();
  }
}

async function writeAtomically(io: StorageIO, dir: string, path: string, frames: Uint8Array[]): Promise<void> {
  const tmp = path + ".tmp";
  const f = await io.open(tmp, "create");
  try {
    await f.truncate(0);
    let at = 0;
    for (const fr of frames) {
      await f.write(fr, at);
      at += fr.byteLength;
    }
    await f.datasync();
  } finally {
    await f.close();
  }
  await io.rename(tmp, path);
  await io.fsyncDir(dir);
}
