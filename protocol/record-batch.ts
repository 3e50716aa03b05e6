/**
 * Encode and decode Kafka RecordBatch v2 (magic 2) with its records. Pure functions over bytes.
 *
 * The broker's hot path never comes here (it only validates headers, batch-header.ts): this codec is for
 * the client SDK, which builds and reads batches, and for tools that inspect them. Offsets, timestamps and
 * producer ids are bigint at this API edge; deltas inside the batch are checked to fit their int32/varlong.
 */
import { crc32c } from "@node-rs/crc32";
import {
  Attr,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD_BYTES,
  type BatchHeader,
  CRC_START_BYTES,
  MAGIC_V2,
  Offsets,
  validateBatch,
} from "./batch-header.ts";
import { Compression, type CompressionCodecs, type CompressionName, compressionName, DEFAULT_CODECS } from "./compression.ts";
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from "./compression-codec.ts";
import { assert, StreamBusError } from "./errors.ts";
import {
  encodeHeaderKeys,
  INT32_DELTA_MAX,
  INT32_DELTA_MIN,
  MIN_RECORD_BYTES,
  readRecord,
  recordBodyBytes,
  type RecordHeader,
  writeRecordFields,
} from "./record.ts";
import { sizeOfVarint } from "./varint.ts";

export type { RecordHeader } from "./record.ts";

/** Where a batch's record timestamps come from (attribute bit 3). */
export type TimestampType = "create" | "logAppend";

/** A record to encode. */
export interface RecordInput {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch; defaults to the batch's `defaultTimestamp` (or -1, Kafka's "no timestamp"). */
  timestamp?: bigint;
  /** Offset relative to the batch's base offset; defaults to the record's index. Must increase. */
  offsetDelta?: number;
}

/** A batch to encode. Defaults are those of a non-idempotent producer's batch. */
export interface RecordBatchInput {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  compression?: CompressionName;
  timestampType?: TimestampType;
  transactional?: boolean;
  control?: boolean;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** Timestamp for records that carry none (the encoder is pure: the caller supplies the clock). */
  defaultTimestamp?: bigint;
  records: readonly RecordInput[];
}

/** A decoded record with absolute offset and timestamp. Key, value and header values alias the decoded buffer. */
export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  attributes: number;
}

/** A decoded batch: its header fields, flags spelled out, and records. */
export interface DecodedRecordBatch extends BatchHeader {
  compression: CompressionName;
  timestampType: TimestampType;
  transactional: boolean;
  control: boolean;
  records: DecodedRecord[];
}

/** Limits every decoder applies to untrusted input. */
export interface RecordBatchLimits {
  /** Largest batch accepted, in bytes on the wire. */
  maxBatchBytes: number;
  /** Largest records section after decompression, in bytes. */
  maxDecompressedBytes: number;
  /** Most records accepted in one batch. */
  maxRecordsPerBatch: number;
  /** Most headers accepted on one record. */
  maxHeadersPerRecord: number;
}

/** Defaults: 64 MiB on the wire and decompressed, 1M records, 10k headers per record. */
export const DEFAULT_RECORD_BATCH_LIMITS: Readonly<RecordBatchLimits> = {
  maxBatchBytes: 64 * 1024 * 1024,
  maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
  maxRecordsPerBatch: 1_000_000,
  maxHeadersPerRecord: 10_000,
};

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** DataView setters wrap out-of-range values silently; header fields are range-checked first instead. */
function checkHeaderFields(input: RecordBatchInput): void {
  const bigs: [string, bigint | undefined][] = [["baseOffset", input.baseOffset], ["producerId", input.producerId], ["defaultTimestamp", input.defaultTimestamp]];
  for (const [name, v] of bigs) {
    if (v !== undefined && (v < INT64_MIN || v > INT64_MAX)) throw new StreamBusError("INVALID_RECORD", `${name} ${v} does not fit int64`);
  }
  const ints: [string, number | undefined, number][] = [
    ["partitionLeaderEpoch", input.partitionLeaderEpoch, 31],
    ["baseSequence", input.baseSequence, 31],
    ["producerEpoch", input.producerEpoch, 15],
  ];
  for (const [name, v, bits] of ints) {
    if (v !== undefined && (!Number.isInteger(v) || v < -(2 ** bits) || v >= 2 ** bits)) {
      throw new StreamBusError("INVALID_RECORD", `${name} ${v} does not fit int${bits + 1}`);
    }
  }
}

/** The records' sizes and deltas, computed once and used by the write pass (no object per record). */
interface RecordsPlan {
  /** Body bytes of each record (everything after its length varint). */
  bodyBytes: Int32Array;
  /** Offset delta of each record. */
  offsetDeltas: Int32Array;
  /** Timestamp delta of each record: a number when it fits an int32 (the common case), else a bigint. */
  timestampDeltas: (number | bigint)[];
  /** UTF-8 header keys per record, or null when no record has headers. */
  headerKeys: (Uint8Array[] | null)[] | null;
  /** Bytes of the records section, length prefixes included. */
  recordsBytes: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  lastOffsetDelta: number;
}

/**
 * Sizes the records and the batch's timestamp range; checks offset deltas and timestamp deltas. Bigint
 * arithmetic runs only when a record's timestamp differs from the previous record's (a producer's records
 * mostly share a millisecond), so the per-record cost is a bigint comparison and small-integer varint sizing.
 */
function planRecords(input: RecordBatchInput): RecordsPlan {
  const records = input.records;
  const count = records.length;
  if (count === 0) throw new StreamBusError("INVALID_RECORD", "a record batch needs at least one record");
  const defaultTs = input.defaultTimestamp ?? -1n;
  // Kafka's producers take the first record's timestamp as the base; deltas may be negative.
  const baseTimestamp = records[0]!.timestamp ?? defaultTs;
  let maxTimestamp = baseTimestamp;
  let lastOffsetDelta = -1;
  const bodyBytes = new Int32Array(count);
  const offsetDeltas = new Int32Array(count);
  const timestampDeltas: (number | bigint)[] = new Array(count);
  let headerKeys: (Uint8Array[] | null)[] | null = null;
  let recordsBytes = 0;
  let prevTs: bigint | undefined;
  let prevDelta: number | bigint = 0;
  for (let i = 0; i < count; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? defaultTs;
    if (ts !== prevTs) {
      const delta = ts - baseTimestamp;
      if (ts < INT64_MIN || ts > INT64_MAX || delta < INT64_MIN || delta > INT64_MAX) {
        throw new StreamBusError("INVALID_TIMESTAMP", `record ${i} timestamp ${ts} is out of range of the batch's base ${baseTimestamp}`);
      }
      if (ts > maxTimestamp) maxTimestamp = ts;
      prevTs = ts;
      prevDelta = delta >= INT32_DELTA_MIN_BIG && delta <= INT32_DELTA_MAX_BIG ? Number(delta) : delta;
    }
    let offsetDelta = r.offsetDelta;
    if (offsetDelta === undefined) offsetDelta = i;
    if (!Number.isInteger(offsetDelta) || offsetDelta <= lastOffsetDelta || offsetDelta > 0x7fffffff) {
      throw new StreamBusError("INVALID_RECORD", `record ${i} offsetDelta ${offsetDelta} must be an int32 above ${lastOffsetDelta}`);
    }
    lastOffsetDelta = offsetDelta;
    const keys = encodeHeaderKeys(r.headers);
    if (keys !== null) (headerKeys ??= new Array<Uint8Array[] | null>(count).fill(null))[i] = keys;
    const body = recordBodyBytes(prevDelta, offsetDelta, r.key, r.value, r.headers, keys);
    if (body > 0x7fffffff) throw new StreamBusError("MESSAGE_TOO_LARGE", `record of ${body} bytes does not fit an int32 length`);
    bodyBytes[i] = body;
    offsetDeltas[i] = offsetDelta;
    timestampDeltas[i] = prevDelta;
    recordsBytes += sizeOfVarint(body) + body;
  }
  return { bodyBytes, offsetDeltas, timestampDeltas, headerKeys, recordsBytes, baseTimestamp, maxTimestamp, lastOffsetDelta };
}

const INT32_DELTA_MIN_BIG = BigInt(INT32_DELTA_MIN);
const INT32_DELTA_MAX_BIG = BigInt(INT32_DELTA_MAX);

/**
 * Encodes one RecordBatch v2, compressing the records section with `input.compression` (default none).
 *
 * @example
 * const bytes = encodeRecordBatch({ compression: "zstd", records: [{ key: null, value: enc("hi"), timestamp: 1700000000000n }] });
 */
export function encodeRecordBatch(input: RecordBatchInput, codecs: CompressionCodecs = DEFAULT_CODECS): Uint8Array {
  checkHeaderFields(input);
  const plan = planRecords(input);
  const compression = input.compression ?? "none";
  const recordsBytes = plan.recordsBytes;
  let out: Uint8Array;
  if (compression === "none") {
    out = new Uint8Array(BATCH_HEADER_BYTES + recordsBytes);
    writeAll(out, BATCH_HEADER_BYTES, input.records, plan);
  } else {
    const plain = new Uint8Array(recordsBytes);
    writeAll(plain, 0, input.records, plan);
    const packed = codecs[compression].compress(plain);
    out = new Uint8Array(BATCH_HEADER_BYTES + packed.byteLength);
    out.set(packed, BATCH_HEADER_BYTES);
  }
  if (out.byteLength > 0x7fffffff) throw new StreamBusError("MESSAGE_TOO_LARGE", `record batch of ${out.byteLength} bytes does not fit an int32 length`);
  let attributes = Compression[compression];
  if (input.timestampType === "logAppend") attributes |= Attr.timestampLogAppend;
  if (input.transactional) attributes |= Attr.transactional;
  if (input.control) attributes |= Attr.control;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setBigInt64(Offsets.baseOffset, input.baseOffset ?? 0n);
  dv.setInt32(Offsets.batchLength, out.byteLength - BATCH_LOG_OVERHEAD_BYTES);
  dv.setInt32(Offsets.partitionLeaderEpoch, input.partitionLeaderEpoch ?? -1);
  dv.setInt8(Offsets.magic, MAGIC_V2);
  dv.setInt16(Offsets.attributes, attributes);
  dv.setInt32(Offsets.lastOffsetDelta, plan.lastOffsetDelta);
  dv.setBigInt64(Offsets.baseTimestamp, plan.baseTimestamp);
  dv.setBigInt64(Offsets.maxTimestamp, plan.maxTimestamp);
  dv.setBigInt64(Offsets.producerId, input.producerId ?? -1n);
  dv.setInt16(Offsets.producerEpoch, input.producerEpoch ?? -1);
  dv.setInt32(Offsets.baseSequence, input.baseSequence ?? -1);
  dv.setInt32(Offsets.recordCount, input.records.length);
  dv.setUint32(Offsets.crc, crc32c(out.subarray(CRC_START_BYTES) as Buffer));
  return out;
}

function writeAll(buf: Uint8Array, pos: number, records: readonly RecordInput[], plan: RecordsPlan): void {
  const start = pos;
  const { bodyBytes, offsetDeltas, timestampDeltas, headerKeys } = plan;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    pos = writeRecordFields(buf, pos, bodyBytes[i]!, timestampDeltas[i]!, offsetDeltas[i]!, r.key, r.value, r.headers, headerKeys === null ? null : headerKeys[i]!);
  }
  assert(pos - start === plan.recordsBytes, `record sizing mismatch: wrote ${pos - start}, planned ${plan.recordsBytes}`);
}

/**
 * Decodes the batch at `pos` of `buf`: validates length, magic and CRC (batch-header.ts), decompresses the
 * records under `limits.maxDecompressedBytes` and decodes every record. Any malformed input gives a
 * StreamBusError (CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, LIMIT_EXCEEDED or UNSUPPORTED_COMPRESSION_TYPE).
 */
export function decodeRecordBatch(
  buf: Uint8Array,
  limits: RecordBatchLimits = DEFAULT_RECORD_BATCH_LIMITS,
  pos = 0,
  codecs: CompressionCodecs = DEFAULT_CODECS,
): DecodedRecordBatch {
  const h = validateBatch(buf, pos, limits);
  const compression = compressionName(h.attributes & Attr.compressionMask);
  if (h.recordCount > limits.maxRecordsPerBatch) {
    throw new StreamBusError("LIMIT_EXCEEDED", `record batch holds ${h.recordCount} records, more than maxRecordsPerBatch=${limits.maxRecordsPerBatch}`);
  }
  const section = buf.subarray(pos + BATCH_HEADER_BYTES, pos + h.sizeBytes);
  const plain = codecs[compression].decompress(section, limits.maxDecompressedBytes);
  const logAppend = (h.attributes & Attr.timestampLogAppend) !== 0;
  return {
    ...h,
    compression,
    timestampType: logAppend ? "logAppend" : "create",
    transactional: (h.attributes & Attr.transactional) !== 0,
    control: (h.attributes & Attr.control) !== 0,
    records: decodeRecords(plain, h, logAppend, limits),
  };
}

function decodeRecords(plain: Uint8Array, h: BatchHeader, logAppend: boolean, limits: RecordBatchLimits): DecodedRecord[] {
  // Checked before the loop so a lying count cannot make us spin: every record takes at least 7 bytes.
  if (h.recordCount * MIN_RECORD_BYTES > plain.byteLength) {
    throw new StreamBusError("CORRUPT_MESSAGE", `record count ${h.recordCount} cannot fit in ${plain.byteLength} record bytes`);
  }
  const records: DecodedRecord[] = [];
  let pos = 0;
  try {
    for (let i = 0; i < h.recordCount; i++) {
      const { record: r, next } = readRecord(plain, pos, plain.byteLength, limits);
      if (r.offsetDelta < 0 || r.offsetDelta > h.lastOffsetDelta) {
        throw new StreamBusError("CORRUPT_MESSAGE", `record offsetDelta ${r.offsetDelta} is outside 0..${h.lastOffsetDelta}`);
      }
      records.push({
        offset: h.baseOffset + BigInt(r.offsetDelta),
        // With log-append time every record takes the broker's stamp, which is the batch's maxTimestamp.
        timestamp: logAppend ? h.maxTimestamp : BigInt.asIntN(64, h.baseTimestamp + r.timestampDelta),
        key: r.key,
        value: r.value,
        headers: r.headers,
        attributes: r.attributes,
      });
      pos = next;
    }
  } catch (e) {
    // Varint readers report MALFORMED_FRAME; inside a batch that is a corrupt batch.
    if (e instanceof StreamBusError && e.code === "MALFORMED_FRAME") {
      throw new StreamBusError("CORRUPT_MESSAGE", `record ${records.length}: ${e.message}`, undefined, { cause: e });
    }
    throw e;
  }
  if (pos !== plain.byteLength) {
    throw new StreamBusError("CORRUPT_MESSAGE", `record batch has ${plain.byteLength - pos} bytes after its ${h.recordCount} records`);
  }
  return records;
}

/**
 * Decodes every whole batch in a records blob (a Fetch response's records, a log segment slice). A trailing
 * partial batch is not an error (Fetch responses may end mid-batch): it is left out, and its bytes are not
 * counted in the returned batches' `sizeBytes`. A batch whose declared length is impossible is CORRUPT_MESSAGE.
 */
export function decodeRecordBatches(
  buf: Uint8Array,
  limits: RecordBatchLimits = DEFAULT_RECORD_BATCH_LIMITS,
  codecs: CompressionCodecs = DEFAULT_CODECS,
): DecodedRecordBatch[] {
  const out: DecodedRecordBatch[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  while (buf.byteLength - pos >= BATCH_LOG_OVERHEAD_BYTES) {
    const sizeBytes = dv.getInt32(pos + Offsets.batchLength) + BATCH_LOG_OVERHEAD_BYTES;
    if (sizeBytes < BATCH_HEADER_BYTES) throw new StreamBusError("CORRUPT_MESSAGE", `record batch at byte ${pos} declares ${sizeBytes} bytes`);
    // A trailing partial batch ends the blob, unless it could never be accepted whole (then decode reports it).
    if (sizeBytes > buf.byteLength - pos && sizeBytes <= limits.maxBatchBytes) break;
    const batch = decodeRecordBatch(buf, limits, pos, codecs);
    out.push(batch);
    pos += batch.sizeBytes;
  }
  return out;
}
