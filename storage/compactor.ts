/**
 * The cleaner for cleanup.policy=compact. Pass 1 maps every key to its newest offset (closed segments
 * and the active one as far as written). Pass 2 rewrites each closed segment that has something to drop,
 * keeping the newest record per key (tombstones until delete.retention.ms after their batch's timestamp),
 * with every kept record's offset unchanged (gaps are fine). Batches keep their header; only the length,
 * record count and CRC change.
 *
 * Swap protocol per segment (a crash at any point leaves the old or the new file, never a mix):
 * write `<base>.log.cleaned` + datasync; then, with reads excluded: unlink the indexes, fsync dir,
 * rename `.cleaned` over `.log`, fsync dir; then write fresh indexes. Recovery deletes a leftover
 * `.cleaned` and rebuilds missing indexes.
 *
 * Compressed batches are kept whole (not compacted) for now.
 */
import { BATCH_HEADER_BYTES, CRC_START_BYTES, Offsets, type BatchHeader } from "../protocol/batch-header.ts";
import { StreamBusError } from "../protocol/errors.ts";
import { crc32c } from "@node-rs/crc32";
import { scanBatches } from "./batch-scan.ts";
import { SegmentCorruption } from "./segment-read.ts";
import type { PartitionLog } from "./log.ts";
import { CLEANED_SUFFIX } from "./recovery.ts";
import { isUncompressed, readRecords } from "./record-keys.ts";
import { Segment } from "./segment.ts";

export interface CompactionOptions {
  nowMs: number;
  /** Cap on distinct keys held in memory by pass 1. */
  keysMax?: number;
  /** Test hook: called between steps so a crash test can stop the cleaner mid-swap. */
  onStep?: (step: string) => Promise<void> | void;
}

export interface CompactionStats {
  segmentsRewritten: number;
  recordsKept: number;
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
}

const OUT_CHUNK_BYTES = 1 << 20;

/** Runs one cleaning pass over `log`. Only one pass per log at a time (the LogManager serialises them). */
export async function compactLog(log: PartitionLog, opts: CompactionOptions): Promise<CompactionStats> {
  const stats: CompactionStats = { segmentsRewritten: 0, recordsKept: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
  const segments = log.segments();
  if (segments.length < 2) return stats;
  const latest = await buildKeyMap(log, segments, opts.keysMax ?? 4_000_000);
  const horizonMs = opts.nowMs - log.config.deleteRetentionMs;
  for (const seg of segments.slice(0, -1)) {
    if (seg.retired) continue;
    await cleanSegment(log, seg, latest, horizonMs, stats, opts);
  }
  return stats;
}

async function buildKeyMap(log: PartitionLog, segments: Segment[], keysMax: number): Promise<Map<string, number>> {
  const { cache } = log.internals;
  const latest = new Map<string, number>();
  for (const seg of segments) {
    const lease = await seg.lease(cache);
    try {
      const r = await scanBatches(lease.file, { startPosition: 0, endPosition: seg.sizeBytes, minBaseOffset: seg.baseOffset, maxBatchBytes: log.config.maxBatchBytes }, (b) => {
        if (!isUncompressed(b.bytes)) return;
        for (const r of readRecords(b.bytes)) {
          if (!r.key) continue;
          latest.set(Buffer.from(r.key).toString("latin1"), Number(b.header.baseOffset) + r.offsetDelta);
          if (latest.size > keysMax) throw new StreamBusError("LIMIT_EXCEEDED", `compaction of ${log.dir} needs more than ${keysMax} keys in memory`);
        }
      });
      seg.verified.noteChecked(0, r.validEndPosition); // the scan CRC-checked what it passed
    } finally {
      lease.release();
    }
  }
  return latest;
}

/** Whether record `r` of batch `h` survives: newest for its key, and not an expired tombstone. */
function keep(h: BatchHeader, r: { key: Uint8Array | null; offsetDelta: number; tombstone: boolean }, latest: Map<string, number>, horizonMs: number): boolean {
  if (!r.key) return true;
  const offset = Number(h.baseOffset) + r.offsetDelta;
  const newest = latest.get(Buffer.from(r.key).toString("latin1"));
  if (newest !== undefined && newest > offset) return false;
  return !(r.tombstone && Number(h.maxTimestamp) < horizonMs);
}

async function cleanSegment(log: PartitionLog, seg: Segment, latest: Map<string, number>, horizonMs: number, stats: CompactionStats, opts: CompactionOptions): Promise<void> {
  const { io, cache } = log.internals;
  const cleanedPath = seg.logPath + CLEANED_SUFFIX;
  const fresh = new Segment(seg.dir, { baseOffset: seg.baseOffset, sizeBytes: 0, nextOffset: seg.nextOffset, createdAtMs: seg.createdAtMs }, seg.indexIntervalBytes);
  fresh.resetIndexes();
  let removed = 0;
  let kept = 0;
  const out = await io.open(cleanedPath, "create");
  try {
    await out.truncate(0);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let written = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      await out.write(Buffer.concat(pending), written);
      written += pendingBytes;
      pending = [];
      pendingBytes = 0;
    };
    const lease = await seg.lease(cache);
    try {
      const scan = await scanBatches(lease.file, { startPosition: 0, endPosition: seg.sizeBytes, minBaseOffset: seg.baseOffset, maxBatchBytes: log.config.maxBatchBytes }, async (b) => {
        let batch: Buffer = Buffer.from(b.bytes);
        if (isUncompressed(b.bytes)) {
          const records = readRecords(b.bytes);
          const survivors = records.filter((r) => keep(b.header, r, latest, horizonMs));
          removed += records.length - survivors.length;
          kept += survivors.length;
          if (survivors.length === 0) return;
          if (survivors.length < records.length) batch = rebuildBatch(b.bytes, survivors);
        }
        const header = { ...b.header, sizeBytes: batch.byteLength };
        fresh.noteBatch(header, written + pendingBytes);
        pending.push(batch);
        pendingBytes += batch.byteLength;
        if (pendingBytes >= OUT_CHUNK_BYTES) await flush();
      });
      // A bad batch in a closed segment ends the scan early: swapping in what came before it would drop
      // every record after it. Stop instead (the cleaned file is removed below) and report where.
      if (scan.invalidReason !== undefined) throw new SegmentCorruption(seg.logPath, scan.validEndPosition, scan.invalidReason);
    } finally {
      lease.release();
    }
    await flush();
    fresh.sizeBytes = written;
    fresh.nextOffset = seg.nextOffset;
    // Every batch written was CRC-checked by the scan above (kept whole) or got a CRC computed over its new bytes.
    fresh.verified.noteAppended(0, written);
    await out.datasync();
  } catch (e) {
    await out.close();
    await io.unlink(cleanedPath); // the segment itself is untouched; leave no half-cleaned copy behind
    throw e;
  }
  await out.close();
  stats.recordsKept += kept;
  stats.recordsRemoved += removed;
  stats.bytesBefore += seg.sizeBytes;
  stats.bytesAfter += fresh.sizeBytes;
  if (removed === 0) {
    await io.unlink(cleanedPath);
    return;
  }
  await opts.onStep?.("cleaned-written");
  await log.withExclusive(async () => {
    for (const p of [seg.indexPath, seg.timeIndexPath]) if (await io.stat(p)) await io.unlink(p);
    await io.fsyncDir(seg.dir);
    await opts.onStep?.("indexes-removed");
    await io.rename(cleanedPath, seg.logPath);
    await io.fsyncDir(seg.dir);
    log.replaceSegment(seg, fresh);
  });
  await opts.onStep?.("swapped");
  await fresh.writeIndexes(io);
  stats.segmentsRewritten++;
}

/** A copy of `batch` holding only `survivors` (record bytes copied verbatim), with length, count and CRC fixed. */
function rebuildBatch(batch: Uint8Array, survivors: { start: number; end: number }[]): Buffer {
  const first = BATCH_HEADER_BYTES;
  const size = first + survivors.reduce((n, r) => n + (r.end - r.start), 0);
  const out = Buffer.alloc(size);
  Buffer.from(batch.buffer, batch.byteOffset, first).copy(out, 0);
  let p = first;
  for (const r of survivors) {
    out.set(batch.subarray(r.start, r.end), p);
    p += r.end - r.start;
  }
  out.writeInt32BE(size - 12, Offsets.batchLength);
  out.writeInt32BE(survivors.length, Offsets.recordCount);
  out.writeUInt32BE(crc32c(out.subarray(CRC_START_BYTES)), Offsets.crc);
  return out;
}
