/**
 * RecordBatch v2 header: layout, a cheap validator and the offset rewrite used on the broker's hot path.
 * Nothing here decodes records: produce and fetch treat batches as opaque bytes (DESIGN.md section 4).
 *
 * Layout (Kafka protocol guide, "Record Batch"): every field big-endian.
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8
 *   17 crc uint32 (CRC32C of bytes 21..end) | 21 attributes int16 | 23 lastOffsetDelta int32
 *   27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
 *   53 baseSequence int32 | 57 recordCount int32 | 61 records...
 */
import { crc32c } from "@node-rs/crc32";
import { StreamBusError } from "./errors.ts";

export const BATCH_HEADER_BYTES = 61;
/** Bytes before batchLength's count starts: baseOffset + batchLength. */
export const BATCH_LOG_OVERHEAD_BYTES = 12;
export const CRC_START_BYTES = 21;
export const MAGIC_V2 = 2;

export const Offsets = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof Compression;
export const COMPRESSION_NAMES: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];

export const Attr = {
  compressionMask: 0x07,
  timestampLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

/** What the broker needs to know about a batch without decoding its records. */
export interface BatchHeader {
  baseOffset: bigint;
  /** Total bytes of the batch on the wire and on disk (batchLength + 12). */
  sizeBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface ValidateLimits {
  /** Largest batch accepted, in bytes (Kafka's max.message.bytes). */
  maxBatchBytes: number;
}

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Reads the header fields of the batch at `pos`. Checks only that the header bytes are present. */
export function readBatchHeader(buf: Uint8Array, pos = 0): BatchHeader {
  if (buf.byteLength - pos < BATCH_HEADER_BYTES) {
    throw new StreamBusError("CORRUPT_MESSAGE", `record batch header truncated: ${buf.byteLength - pos} of ${BATCH_HEADER_BYTES} bytes`);
  }
  const dv = view(buf);
  return {
    baseOffset: dv.getBigInt64(pos + Offsets.baseOffset),
    sizeBytes: dv.getInt32(pos + Offsets.batchLength) + BATCH_LOG_OVERHEAD_BYTES,
    partitionLeaderEpoch: dv.getInt32(pos + Offsets.partitionLeaderEpoch),
    magic: dv.getInt8(pos + Offsets.magic),
    crc: dv.getUint32(pos + Offsets.crc),
    attributes: dv.getInt16(pos + Offsets.attributes),
    lastOffsetDelta: dv.getInt32(pos + Offsets.lastOffsetDelta),
    baseTimestamp: dv.getBigInt64(pos + Offsets.baseTimestamp),
    maxTimestamp: dv.getBigInt64(pos + Offsets.maxTimestamp),
    producerId: dv.getBigInt64(pos + Offsets.producerId),
    producerEpoch: dv.getInt16(pos + Offsets.producerEpoch),
    baseSequence: dv.getInt32(pos + Offsets.baseSequence),
    recordCount: dv.getInt32(pos + Offsets.recordCount),
  };
}

/**
 * Validates one batch at `pos` without decoding records: length bounds, magic, CRC32C, and a record count
 * consistent with lastOffsetDelta and the byte length (each record takes at least 7 bytes). Returns the header.
 */
export function validateBatch(buf: Uint8Array, pos: number, limits: ValidateLimits): BatchHeader {
  const h = readBatchHeader(buf, pos);
  if (h.sizeBytes < BATCH_HEADER_BYTES) {
    throw new StreamBusError("CORRUPT_MESSAGE", `record batch length ${h.sizeBytes} is below the header size`);
  }
  if (h.sizeBytes > limits.maxBatchBytes) {
    throw new StreamBusError("MESSAGE_TOO_LARGE", `record batch of ${h.sizeBytes} bytes exceeds the limit of ${limits.maxBatchBytes}`);
  }
  if (h.sizeBytes > buf.byteLength - pos) {
    throw new StreamBusError("CORRUPT_MESSAGE", `record batch claims ${h.sizeBytes} bytes but ${buf.byteLength - pos} remain`);
  }
  if (h.magic !== MAGIC_V2) {
    throw new StreamBusError("CORRUPT_MESSAGE", `unsupported record batch magic ${h.magic} (only v2)`);
  }
  const actual = crc32c(buf.subarray(pos + CRC_START_BYTES, pos + h.sizeBytes) as Buffer);
  if (actual !== h.crc) {
    throw new StreamBusError("CORRUPT_MESSAGE", `record batch CRC mismatch: stored ${h.crc.toString(16)}, computed ${actual.toString(16)}`);
  }
  // Control batches and compacted batches may have fewer records than offsets, never more.
  if (h.recordCount < 0 || h.lastOffsetDelta < 0 || h.recordCount > h.lastOffsetDelta + 1) {
    throw new StreamBusError("CORRUPT_MESSAGE", `record count ${h.recordCount} does not fit lastOffsetDelta ${h.lastOffsetDelta}`);
  }
  if ((h.attributes & Attr.compressionMask) === Compression.none && h.recordCount * 7 > h.sizeBytes - BATCH_HEADER_BYTES) {
    throw new StreamBusError("CORRUPT_MESSAGE", `record count ${h.recordCount} cannot fit in ${h.sizeBytes - BATCH_HEADER_BYTES} bytes`);
  }
  if ((h.attributes & Attr.compressionMask) > Compression.zstd) {
    throw new StreamBusError("UNSUPPORTED_COMPRESSION_TYPE", `unknown compression codec ${h.attributes & Attr.compressionMask}`);
  }
  return h;
}

/**
 * Splits a records blob (one or more batches back to back, as in a Produce request) into validated batches.
 * A trailing partial batch is an error here: producers never send one.
 */
export function validateBatches(buf: Uint8Array, limits: ValidateLimits): BatchHeader[] {
  const out: BatchHeader[] = [];
  let pos = 0;
  while (pos < buf.byteLength) {
    const h = validateBatch(buf, pos, limits);
    out.push(h);
    pos += h.sizeBytes;
  }
  return out;
}

/**
 * Rewrites baseOffset and partitionLeaderEpoch in place. Both lie before the CRC'd range, so the CRC stays valid.
 */
export function rewriteBatchOffsets(buf: Uint8Array, pos: number, baseOffset: bigint, partitionLeaderEpoch: number): void {
  const dv = view(buf);
  dv.setBigInt64(pos + Offsets.baseOffset, baseOffset);
  dv.setInt32(pos + Offsets.partitionLeaderEpoch, partitionLeaderEpoch);
}

/** Sets maxTimestamp and the log-append-time flag; both are inside the CRC'd range, so the CRC is recomputed. */
export function stampLogAppendTime(buf: Uint8Array, pos: number, timestampMs: bigint): void {
  const dv = view(buf);
  const size = dv.getInt32(pos + Offsets.batchLength) + BATCH_LOG_OVERHEAD_BYTES;
  dv.setInt16(pos + Offsets.attributes, dv.getInt16(pos + Offsets.attributes) | Attr.timestampLogAppend);
  dv.setBigInt64(pos + Offsets.maxTimestamp, timestampMs);
  dv.setUint32(pos + Offsets.crc, crc32c(buf.subarray(pos + CRC_START_BYTES, pos + size) as Buffer));
}

/** The last offset a batch covers. */
export function lastOffsetOf(h: Pick<BatchHeader, "baseOffset" | "lastOffsetDelta">): bigint {
  return h.baseOffset + BigInt(h.lastOffsetDelta);
}
