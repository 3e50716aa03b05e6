/**
 * Streams the batches of a `.log` file range in bounded chunks (never the whole segment in memory),
 * checking each one: length, magic, CRC32C, and offsets strictly increasing. Recovery, index rebuilds,
 * timestamp lookups and the cleaner all walk segments through this one function.
 */
import { BATCH_LOG_OVERHEAD_BYTES, Offsets, lastOffsetOf, validateBatch, type BatchHeader } from "../protocol/batch-header.ts";
import { isStreamBusError } from "../protocol/errors.ts";
import type { StorageFile } from "./io.ts";

export interface ScanOptions {
  /** First byte to read. */
  startPosition: number;
  /** Stop before this byte (the segment's size). */
  endPosition: number;
  /** Every batch's baseOffset must be at least this (the segment base, then previous lastOffset + 1). */
  minBaseOffset: bigint;
  /** Largest batch accepted; a larger length field is treated as corruption. */
  maxBatchBytes: number;
  /** Read size; batches larger than this get their own buffer. */
  chunkBytes?: number;
}

/** One valid batch. `bytes` is a view into a reused chunk: copy it if you keep it past the callback. */
export interface ScannedBatch {
  position: number;
  header: BatchHeader;
  bytes: Uint8Array;
}

export interface ScanResult {
  /** Where the scan stopped: `endPosition`, or the first byte of the first invalid batch. */
  validEndPosition: number;
  /** Offset after the last valid batch, or `minBaseOffset` when none was found. */
  nextOffset: bigint;
  /** Why the scan stopped early; absent when every byte up to endPosition was valid. */
  invalidReason?: string;
}

const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * Calls `visit` for each valid batch in order; `visit` may return false to stop early (then
 * `validEndPosition` is the position of the batch where it stopped).
 */
export async function scanBatches(
  file: StorageFile,
  opts: ScanOptions,
  visit: (b: ScannedBatch) => boolean | void | Promise<boolean | void>,
): Promise<ScanResult> {
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  let chunk = Buffer.allocUnsafe(chunkBytes);
  let chunkStart = opts.startPosition; // file position of chunk[0]
  let chunkLength = 0;
  let pos = opts.startPosition;
  let nextOffset = opts.minBaseOffset;

  const ensure = async (needBytes: number): Promise<boolean> => {
    if (pos + needBytes > opts.endPosition) return false;
    if (pos >= chunkStart && pos + needBytes <= chunkStart + chunkLength) return true;
    const want = Math.min(Math.max(needBytes, chunkBytes), opts.endPosition - pos);
    if (want > chunk.byteLength) chunk = Buffer.allocUnsafe(want);
    const n = await readFully(file, chunk, want, pos);
    chunkStart = pos;
    chunkLength = n;
    return n >= needBytes;
  };
  const stop = (reason: string): ScanResult => ({ validEndPosition: pos, nextOffset, invalidReason: reason });

  while (pos < opts.endPosition) {
    if (!(await ensure(BATCH_LOG_OVERHEAD_BYTES + 5))) return stop(`truncated batch header at byte ${pos}`);
    const at = pos - chunkStart;
    const sizeBytes = chunk.readInt32BE(at + Offsets.batchLength) + BATCH_LOG_OVERHEAD_BYTES;
    if (sizeBytes <= BATCH_LOG_OVERHEAD_BYTES || sizeBytes > opts.maxBatchBytes) return stop(`invalid batch length ${sizeBytes} at byte ${pos}`);
    if (!(await ensure(sizeBytes))) return stop(`batch of ${sizeBytes} bytes at byte ${pos} runs past the end of the file`);
    const bytes = chunk.subarray(pos - chunkStart, pos - chunkStart + sizeBytes);
    let header: BatchHeader;
    try {
      header = validateBatch(bytes, 0, { maxBatchBytes: opts.maxBatchBytes });
    } catch (e) {
      if (isStreamBusError(e)) return stop(`${e.message} at byte ${pos}`);
      throw e;
    }
    if (header.baseOffset < nextOffset) return stop(`batch base offset ${header.baseOffset} below expected ${nextOffset} at byte ${pos}`);
    if ((await visit({ position: pos, header, bytes })) === false) return { validEndPosition: pos, nextOffset };
    nextOffset = lastOffsetOf(header) + 1n;
    pos += sizeBytes;
  }
  return { validEndPosition: pos, nextOffset };
}

/** Reads until `length` bytes or end of file; returns the bytes read. `recent`: see {@link StorageFile.read}. */
export async function readFully(file: StorageFile, buf: Uint8Array, length: number, position: number, recent = false): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await file.read(buf, done, length - done, position + done, recent);
    if (n <= 0) break;
    done += n;
  }
  return done;
}
