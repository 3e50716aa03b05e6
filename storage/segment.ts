/**
 * One segment of a partition log: `<base>.log` (RecordBatch v2 bytes back to back), `<base>.index` and
 * `<base>.timeindex`. The segment object holds the in-memory indexes and sizes; the log decides when
 * to write, roll, clean or delete it.
 */
import { join } from "node:path";
import { lastOffsetOf, type BatchHeader } from "../protocol/batch-header.ts";
import { assert } from "../protocol/errors.ts";
import { readFully, scanBatches } from "./batch-scan.ts";
import type { FileCache, FileLease } from "./file-cache.ts";
import type { StorageIO } from "./io.ts";
import { OffsetIndex } from "./offset-index.ts";
import { TimeIndex } from "./time-index.ts";
import { VerifiedBytes } from "./verified-bytes.ts";

export const LOG_SUFFIX = ".log";
export const INDEX_SUFFIX = ".index";
export const TIME_INDEX_SUFFIX = ".timeindex";
/** Largest index file we load (2^31 log bytes / smallest sensible interval). */
const INDEX_FILE_BYTES_MAX = 64 << 20;

/** `00000000000000000042` for base offset 42. */
export function segmentFileStem(baseOffset: bigint): string {
  assert(baseOffset >= 0n, "segment base offset must be >= 0");
  return baseOffset.toString().padStart(20, "0");
}

let generationCounter = 0;

export interface SegmentState {
  baseOffset: bigint;
  sizeBytes: number;
  /** Offset after the last batch in this file (its base offset when empty). */
  nextOffset: bigint;
  /** Clock time the segment was created or opened (for segment.ms). */
  createdAtMs: number;
}

/** See module doc. Mutated only by the log's writer (appends) and its structural operations. */
export class Segment {
  readonly baseOffset: bigint;
  readonly logPath: string;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  /** Distinguishes this file's incarnation in the file cache (a cleaned segment reuses the path). */
  readonly cacheKey: string;
  sizeBytes: number;
  nextOffset: bigint;
  createdAtMs: number;
  /** Largest batch max-timestamp seen, -1 when unknown or empty. Valid once indexes are loaded. */
  maxTimestampMs = -1;
  #offsetOfMaxTimestamp = -1;
  #index: OffsetIndex | null = null;
  #timeIndex: TimeIndex | null = null;
  #bytesSinceIndexEntry = 0;
  /** Set when the segment is replaced or deleted: readers holding it must look the segment up again. */
  retired = false;
  /** What this process already knows to be good in the file (reads CRC-check only the rest). */
  readonly verified = new VerifiedBytes();

  constructor(readonly dir: string, state: SegmentState, readonly indexIntervalBytes: number) {
    this.baseOffset = state.baseOffset;
    const stem = join(dir, segmentFileStem(state.baseOffset));
    this.logPath = stem + LOG_SUFFIX;
    this.indexPath = stem + INDEX_SUFFIX;
    this.timeIndexPath = stem + TIME_INDEX_SUFFIX;
    this.cacheKey = `${this.logPath}#${++generationCounter}`;
    this.sizeBytes = state.sizeBytes;
    this.nextOffset = state.nextOffset;
    this.createdAtMs = state.createdAtMs;
  }

  get indexesLoaded(): boolean { return this.#index !== null; }
  get index(): OffsetIndex {
    assert(this.#index, `index of ${this.logPath} not loaded`);
    return this.#index;
  }
  get timeIndex(): TimeIndex {
    assert(this.#timeIndex, `time index of ${this.logPath} not loaded`);
    return this.#timeIndex;
  }

  /** Starts empty indexes (a new segment, or one about to be rebuilt by a scan). */
  resetIndexes(): void {
    this.#index = new OffsetIndex();
    this.#timeIndex = new TimeIndex();
    this.#bytesSinceIndexEntry = 0;
    this.maxTimestampMs = -1;
    this.#offsetOfMaxTimestamp = -1;
  }

  /** Records a batch written (or found by a scan) at `position`. Batches arrive in file order. */
  noteBatch(h: BatchHeader, position: number): void {
    const rel = Number(h.baseOffset - this.baseOffset);
    assert(rel >= 0 && rel <= 0x7fffffff, "relative offset out of int32 range");
    const ts = Number(h.maxTimestamp);
    if (ts > this.maxTimestampMs) {
      this.maxTimestampMs = ts;
      this.#offsetOfMaxTimestamp = rel;
    }
    if (position > 0 && this.#bytesSinceIndexEntry >= this.indexIntervalBytes) {
      this.index.append(rel, position);
      this.timeIndex.maybeAppend(this.maxTimestampMs, rel);
      this.#bytesSinceIndexEntry = 0;
    }
    this.#bytesSinceIndexEntry += h.sizeBytes;
    this.nextOffset = lastOffsetOf(h) + 1n;
  }

  /** Loads `.index`/`.timeindex`, or rebuilds both from the log when missing or inconsistent. */
  async loadIndexes(io: StorageIO, cache: FileCache, maxBatchBytes: number): Promise<"loaded" | "rebuilt"> {
    if (this.#index) return "loaded";
    const offsetBytes = await readSmall(io, this.indexPath);
    const timeBytes = await readSmall(io, this.timeIndexPath);
    const relEnd = Number(this.nextOffset - this.baseOffset);
    const index = offsetBytes && OffsetIndex.fromBytes(offsetBytes, this.sizeBytes);
    const timeIndex = timeBytes && relEnd > 0 ? TimeIndex.fromBytes(timeBytes, relEnd) : null;
    if (index && timeIndex) {
      if (this.#index) return "loaded"; // a concurrent load won
      this.#index = index;
      this.#timeIndex = timeIndex;
      this.maxTimestampMs = timeIndex.lastTimestampMs;
      return "loaded";
    }
    await this.rebuildIndexes(cache, maxBatchBytes);
    return "rebuilt";
  }

  /** Rebuilds the indexes by scanning the whole (already validated) file. */
  async rebuildIndexes(cache: FileCache, maxBatchBytes: number): Promise<void> {
    const lease = await this.lease(cache);
    try {
      this.resetIndexes();
      const r = await scanBatches(lease.file, { startPosition: 0, endPosition: this.sizeBytes, minBaseOffset: this.baseOffset, maxBatchBytes }, (b) => {
        this.noteBatch(b.header, b.position);
      });
      assert(r.invalidReason === undefined || this.sizeBytes === r.validEndPosition, `index rebuild found bad bytes in ${this.logPath}: ${r.invalidReason}`);
      // The scan CRC-checked every batch it passed.
      this.verified.noteChecked(0, r.validEndPosition);
    } finally {
      lease.release();
    }
  }

  /** Writes both index files (with a closing time-index entry for the largest timestamp) and syncs them. */
  async writeIndexes(io: StorageIO): Promise<void> {
    if (!this.#index || !this.#timeIndex) return;
    if (this.#offsetOfMaxTimestamp >= 0) this.#timeIndex.maybeAppend(this.maxTimestampMs, this.#offsetOfMaxTimestamp);
    await writeWhole(io, this.indexPath, this.#index.toBytes());
    await writeWhole(io, this.timeIndexPath, this.#timeIndex.toBytes());
  }

  lease(cache: FileCache): Promise<FileLease> {
    return cache.acquire(this.cacheKey, this.logPath, "rw");
  }
}

async function readSmall(io: StorageIO, path: string): Promise<Buffer | null> {
  const st = await io.stat(path);
  if (!st || st.sizeBytes > INDEX_FILE_BYTES_MAX) return null;
  const f = await io.open(path, "r");
  try {
    const buf = Buffer.alloc(st.sizeBytes);
    const n = await readFully(f, buf, buf.byteLength, 0);
    return n === buf.byteLength ? buf : null;
  } finally {
    await f.close();
  }
}

async function writeWhole(io: StorageIO, path: string, bytes: Uint8Array): Promise<void> {
  const f = await io.open(path, "create");
  try {
    await f.truncate(0);
    if (bytes.byteLength > 0) await f.write(bytes, 0);
    await f.datasync();
  } finally {
    await f.close();
  }
}
