/**
 * Reads inside one segment: offset -> index entry -> short scan of batch headers -> a byte range of whole
 * batches, each CRC-checked before it is served unless this process already checked or appended it
 * (`Segment.verified`, verified-bytes.ts). Also the timestamp lookup. Memory per read is bounded by
 * the read chunk (about maxBytes), never the segment. The timestamp lookup decodes only its candidate batch.
 */
import { BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD_BYTES, Offsets, validateBatch } from "../protocol/batch-header.ts";
import { SLAB_CARVE_MAX_BYTES, slabBytes, slabCopy } from "../protocol/byte-slab.ts";
import { isStreamBusError } from "../protocol/errors.ts";
import { DEFAULT_RECORD_BATCH_LIMITS, decodeRecordBatch } from "../protocol/record-batch.ts";
import { readFully, scanBatches } from "./batch-scan.ts";
import type { StorageFile } from "./io.ts";
import type { Segment } from "./segment.ts";

/** Bad bytes found while reading: the log reports the path and position and goes offline. */
export class SegmentCorruption extends Error {
  constructor(readonly path: string, readonly position: number, readonly reason: string) {
    super(`corrupt log file ${path} at byte ${position}: ${reason}`);
    this.name = "SegmentCorruption";
  }
}

/** The index pointed at a position that does not hold the batch it claims; the log rebuilds the index. */
export class IndexMismatch extends Error {
  constructor(path: string) {
    super(`index of ${path} disagrees with the log`);
    this.name = "IndexMismatch";
  }
}

export interface ReadLimits {
  maxBytes: number;
  /** Stop before the first batch whose base offset is at or above this (the HW or LEO). */
  maxOffset: bigint;
  /** Bytes of the segment that may be read (written and visible). */
  endPosition: number;
  /** Offset after the segment: the next segment's base, or the log end for the active one. */
  segmentEndOffset: bigint;
  maxBatchBytes: number;
  verify: boolean;
  /**
   * Bytes at or after this position were appended moments ago (the tail of the active segment), so a
   * small read of them is served from the page cache on the loop (StorageFile.read's `recent`).
   * Infinity for a closed segment.
   */
  recentFromPosition: number;
}

/** How much of the active segment's tail counts as recently written for {@link ReadLimits.recentFromPosition}. */
export const RECENT_TAIL_BYTES = 1024 * 1024;

const CHUNK_BYTES_MIN = 16 << 10;
const CHUNK_BYTES_MAX = 16 << 20;

/** Whole batches from `seg` covering `offset` onwards, or null when the segment holds nothing at or after it. */
export async function readSegment(seg: Segment, file: StorageFile, offset: bigint, lim: ReadLimits): Promise<{ bytes: Uint8Array; lastOffset: bigint } | null> {
  const rel = offset > seg.baseOffset ? Number(offset - seg.baseOffset) : 0;
  const entry = seg.index.lookup(rel);
  let pos = entry.position;
  let checkEntry = entry.relOffset > 0;
  let prevNext = seg.baseOffset + BigInt(entry.relOffset);
  const chunkBytes = Math.min(CHUNK_BYTES_MAX, Math.max(CHUNK_BYTES_MIN, lim.maxBytes + seg.indexIntervalBytes));
  while (pos < lim.endPosition) {
    const buf = readBuffer(Math.min(chunkBytes, lim.endPosition - pos));
    const n = await readFully(file, buf, buf.byteLength, pos, pos >= lim.recentFromPosition);
    let p = 0;
    let start = -1;
    let end = -1;
    let lastOffset = -1n;
    let stoppedAtMax = false;
    while (p + BATCH_HEADER_BYTES <= n) {
      const base = buf.readBigInt64BE(p + Offsets.baseOffset);
      const size = buf.readInt32BE(p + Offsets.batchLength) + 12;
      const last = base + BigInt(buf.readInt32BE(p + Offsets.lastOffsetDelta));
      if (checkEntry) {
        // The index is a cache: if its entry does not point at the batch it names, rebuild it, not fail.
        if (base !== seg.baseOffset + BigInt(entry.relOffset)) throw new IndexMismatch(seg.logPath);
        checkEntry = false;
      }
      if (size < BATCH_HEADER_BYTES || size > lim.maxBatchBytes || pos + p + size > lim.endPosition) {
        throw new SegmentCorruption(seg.logPath, pos + p, `invalid batch length ${size}`);
      }
      // baseOffset is outside the CRC: check it against its neighbours so a damaged one is never served or skipped.
      if (base < prevNext || last < base || last >= lim.segmentEndOffset) {
        throw new SegmentCorruption(seg.logPath, pos + p, `batch offsets ${base}..${last} out of order (expected from ${prevNext}, below ${lim.segmentEndOffset})`);
      }
      prevNext = last + 1n;
      if (base >= lim.maxOffset) {
        stoppedAtMax = true;
        break;
      }
      if (last < offset) {
        p += size;
        continue;
      }
      if (start >= 0 && p + size - start > lim.maxBytes) break;
      if (p + size > n) {
        if (start >= 0) break;
        // The first wanted batch is larger than the chunk: Kafka serves it whole anyway.
        const big = Buffer.allocUnsafe(size);
        if ((await readFully(file, big, size, pos + p, pos + p >= lim.recentFromPosition)) !== size) throw new SegmentCorruption(seg.logPath, pos + p, "short read");
        verifyAll(seg, big, pos + p, lim);
        return { bytes: big, lastOffset: last };
      }
      if (start < 0) start = p;
      end = p + size;
      lastOffset = last;
      p += size;
    }
    if (start >= 0) {
      // A small result is not left pinning a big read buffer; slab memory is shared anyway, so no copy then.
      const out = buf.byteLength > SLAB_CARVE_MAX_BYTES && end - start < buf.byteLength / 2 ? slabCopy(buf.subarray(start, end)) : buf.subarray(start, end);
      verifyAll(seg, out, pos + start, lim);
      return { bytes: out, lastOffset };
    }
    if (stoppedAtMax) return null;
    if (p === 0) throw new SegmentCorruption(seg.logPath, pos, "truncated batch header");
    pos += p;
  }
  return null;
}

/**
 * A Buffer to read `n` bytes into. Small ones (a tail read for a waiting consumer) are views of slab memory:
 * a fresh Buffer per fetch would create an ArrayBuffer per fetch, which paces the collector (byte-slab.ts).
 */
function readBuffer(n: number): Buffer {
  const bytes = slabBytes(n);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * CRC-checks the whole batches in `bytes` (read from `filePosition`) that this process has not checked or
 * appended yet, then records them as checked. The caller has already bounded each batch length.
 */
function verifyAll(seg: Segment, bytes: Uint8Array, filePosition: number, lim: ReadLimits): void {
  if (!lim.verify) return;
  const end = filePosition + bytes.byteLength;
  if (seg.verified.covers(filePosition, end)) return;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  while (p < bytes.byteLength) {
    const size = dv.getInt32(p + Offsets.batchLength) + BATCH_LOG_OVERHEAD_BYTES;
    if (seg.verified.covers(filePosition + p, filePosition + p + size)) {
      p += size;
      continue;
    }
    try {
      p += validateBatch(bytes, p, { maxBatchBytes: lim.maxBatchBytes }).sizeBytes;
    } catch (e) {
      if (isStreamBusError(e)) throw new SegmentCorruption(seg.logPath, filePosition + p, e.message);
      throw e;
    }
  }
  seg.verified.noteChecked(filePosition, end);
}

/**
 * First record in `seg` with timestamp >= `timestampMs` and offset >= `minOffset` (Kafka's ListOffsets by
 * time), with that record's own timestamp. The time index finds where to start; batches whose max timestamp
 * is below the target are skipped on their headers, and only a candidate batch is decoded (any codec) to
 * pick the record. With log-append time every record of a batch carries its maxTimestamp. A candidate whose
 * records cannot be decoded (a CRC-valid batch with a bad compressed payload: the broker checks headers
 * only on produce) is answered at batch granularity rather than failing the lookup.
 */
export async function findByTimestamp(
  seg: Segment, file: StorageFile, timestampMs: number, minOffset: bigint, endPosition: number, maxBatchBytes: number,
): Promise<{ offset: bigint; timestampMs: number } | null> {
  const rel = seg.timeIndex.lookup(timestampMs);
  const startPosition = seg.index.lookup(rel).position;
  let found: { offset: bigint; timestampMs: number } | null = null;
  const target = BigInt(timestampMs);
  const limits = { ...DEFAULT_RECORD_BATCH_LIMITS, maxBatchBytes };
  const r = await scanBatches(file, { startPosition, endPosition, minBaseOffset: seg.baseOffset, maxBatchBytes }, (b) => {
    const last = b.header.baseOffset + BigInt(b.header.lastOffsetDelta);
    if (last < minOffset || b.header.maxTimestamp < target) return true;
    let records;
    try {
      records = decodeRecordBatch(b.bytes, limits).records;
    } catch (e) {
      if (!isStreamBusError(e)) throw e;
      found = { offset: b.header.baseOffset > minOffset ? b.header.baseOffset : minOffset, timestampMs: Number(b.header.maxTimestamp) };
      return false;
    }
    for (const rec of records) {
      if (rec.offset >= minOffset && rec.timestamp >= target) {
        found = { offset: rec.offset, timestampMs: Number(rec.timestamp) };
        return false;
      }
    }
    // The records at or after the target all sit below minOffset: the next batch may hold the answer.
    return true;
  });
  if (!found && r.invalidReason) throw new SegmentCorruption(seg.logPath, r.validEndPosition, r.invalidReason);
  return found;
}
