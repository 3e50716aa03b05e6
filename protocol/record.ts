/**
 * One record inside a RecordBatch v2 (Kafka protocol guide, "Record"):
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint | key | valueLength varint | value | headerCount varint |
 *   [headerKeyLength varint | headerKey utf8 | headerValueLength varint | headerValue]
 * Lengths are zigzag varints; -1 means null (key, value, header value), so null and empty stay distinct.
 *
 * Encoding is split into a sizing pass and a write pass so a batch is written into one exactly sized buffer.
 * Decoding reads from a bounded window and returns subarrays of the input (no copies): callers that keep
 * records past the life of the input buffer must copy them.
 */
import { StreamBusError } from "./errors.ts";
import {
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from "./varint.ts";

/** A record header. Kafka allows repeated keys; order is kept. */
export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

/** Fields of one record as they sit on the wire (deltas relative to the batch). */
export interface WireRecord {
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
}

/** A record ready to write: header keys already UTF-8 encoded and the body size known. */
export interface SizedRecord {
  record: WireRecord;
  headerKeys: Uint8Array[];
  bodyBytes: number;
}

/** Smallest possible encoded record: length, attributes, timestampDelta, offsetDelta, key, value, header count. */
export const MIN_RECORD_BYTES = 7;
/** Smallest possible encoded header: key length 0 and value length -1. */
const MIN_HEADER_BYTES = 2;

const utf8Encoder = new TextEncoder();
// Non-fatal, as Kafka's Java client is: an invalid header key decodes with U+FFFD rather than failing the batch.
const utf8Decoder = new TextDecoder();

function sizeOfBytes(b: Uint8Array | null): number {
  return b === null ? 1 : sizeOfVarint(b.byteLength) + b.byteLength;
}

/** Computes a record's body size (everything after its length varint) and encodes its header keys. */
export function sizeRecord(record: WireRecord): SizedRecord {
  const headerKeys = record.headers.map((h) => utf8Encoder.encode(h.key));
  let bodyBytes = 1 + sizeOfVarlong(record.timestampDelta) + sizeOfVarint(record.offsetDelta);
  bodyBytes += sizeOfBytes(record.key) + sizeOfBytes(record.value) + sizeOfVarint(record.headers.length);
  for (let i = 0; i < headerKeys.length; i++) bodyBytes += sizeOfBytes(headerKeys[i]!) + sizeOfBytes(record.headers[i]!.value);
  if (bodyBytes > 0x7fffffff) throw new StreamBusError("MESSAGE_TOO_LARGE", `record of ${bodyBytes} bytes does not fit an int32 length`);
  return { record, headerKeys, bodyBytes };
}

/** Total encoded bytes of a sized record, length prefix included. */
export function encodedRecordBytes(s: SizedRecord): number {
  return sizeOfVarint(s.bodyBytes) + s.bodyBytes;
}

function writeBytes(buf: Uint8Array, pos: number, b: Uint8Array | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.byteLength);
  buf.set(b, pos);
  return pos + b.byteLength;
}

/** Writes a sized record at `pos`; returns the next position. */
export function writeRecord(buf: Uint8Array, pos: number, s: SizedRecord): number {
  const r = s.record;
  pos = writeVarint(buf, pos, s.bodyBytes);
  buf[pos++] = r.attributes & 0xff;
  pos = writeVarlong(buf, pos, r.timestampDelta);
  pos = writeVarint(buf, pos, r.offsetDelta);
  pos = writeBytes(buf, pos, r.key);
  pos = writeBytes(buf, pos, r.value);
  pos = writeVarint(buf, pos, r.headers.length);
  for (let i = 0; i < s.headerKeys.length; i++) {
    pos = writeBytes(buf, pos, s.headerKeys[i]!);
    pos = writeBytes(buf, pos, r.headers[i]!.value);
  }
  return pos;
}

/**
 * The encoder's fast path (record-batch.ts): the same bytes as sizeRecord/writeRecord without a WireRecord
 * and SizedRecord per record. A timestampDelta that fits an int32 is passed as a number: its zigzag varint
 * equals the zigzag varlong of the same value byte for byte, and it needs no bigint arithmetic.
 */
export const INT32_DELTA_MIN = -0x80000000;
export const INT32_DELTA_MAX = 0x7fffffff;

/** Body size (everything after the length varint) of a record; `headerKeys` are the UTF-8 header keys. */
export function recordBodyBytes(
  timestampDelta: number | bigint,
  offsetDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[] | undefined,
  headerKeys: Uint8Array[] | null,
): number {
  let n = 1 + (typeof timestampDelta === "number" ? sizeOfVarint(timestampDelta) : sizeOfVarlong(timestampDelta)) + sizeOfVarint(offsetDelta);
  n += key === null ? 1 : sizeOfVarint(key.byteLength) + key.byteLength;
  n += value === null ? 1 : sizeOfVarint(value.byteLength) + value.byteLength;
  if (headerKeys === null) return n + 1;
  n += sizeOfVarint(headerKeys.length);
  for (let i = 0; i < headerKeys.length; i++) n += sizeOfBytes(headerKeys[i]!) + sizeOfBytes(headers![i]!.value);
  return n;
}

/** Copies `src` to `buf` at `pos`; a byte loop for small fields, where a typed-array `set` costs more than it copies. */
function copyBytes(buf: Uint8Array, pos: number, src: Uint8Array): number {
  const n = src.byteLength;
  if (n <= 32) {
    for (let i = 0; i < n; i++) buf[pos + i] = src[i]!;
  } else {
    buf.set(src, pos);
  }
  return pos + n;
}

function writeField(buf: Uint8Array, pos: number, b: Uint8Array | null): number {
  if (b === null) {
    buf[pos] = 1; // zigzag(-1)
    return pos + 1;
  }
  return copyBytes(buf, writeVarint(buf, pos, b.byteLength), b);
}

/** Writes a record sized by recordBodyBytes at `pos`; returns the next position. Same bytes as writeRecord. */
export function writeRecordFields(
  buf: Uint8Array,
  pos: number,
  bodyBytes: number,
  timestampDelta: number | bigint,
  offsetDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[] | undefined,
  headerKeys: Uint8Array[] | null,
): number {
  pos = writeVarint(buf, pos, bodyBytes);
  buf[pos++] = 0; // attributes: unused in v2 records
  pos = typeof timestampDelta === "number" ? writeVarint(buf, pos, timestampDelta) : writeVarlong(buf, pos, timestampDelta);
  pos = writeVarint(buf, pos, offsetDelta);
  pos = writeField(buf, pos, key);
  pos = writeField(buf, pos, value);
  if (headerKeys === null) {
    buf[pos] = 0;
    return pos + 1;
  }
  pos = writeVarint(buf, pos, headerKeys.length);
  for (let i = 0; i < headerKeys.length; i++) {
    pos = writeField(buf, pos, headerKeys[i]!);
    pos = writeField(buf, pos, headers![i]!.value);
  }
  return pos;
}

/** UTF-8 header keys of a record, or null when it has no headers. */
export function encodeHeaderKeys(headers: readonly RecordHeader[] | undefined): Uint8Array[] | null {
  if (headers === undefined || headers.length === 0) return null;
  const keys: Uint8Array[] = new Array(headers.length);
  for (let i = 0; i < headers.length; i++) keys[i] = utf8Encoder.encode(headers[i]!.key);
  return keys;
}

/** Limits applied while decoding records. */
export interface RecordLimits {
  /** Most headers accepted on one record. */
  maxHeadersPerRecord: number;
}

function corrupt(message: string): StreamBusError {
  return new StreamBusError("CORRUPT_MESSAGE", message);
}

/** Reads a nullable byte field that must end by `end`. */
function readBytes(buf: Uint8Array, pos: number, end: number, what: string): { value: Uint8Array | null; next: number } {
  const len = readVarint(buf, pos);
  if (len.value === -1) return { value: null, next: len.next };
  if (len.value < -1 || len.value > end - len.next) throw corrupt(`record ${what} length ${len.value} is invalid`);
  return { value: buf.subarray(len.next, len.next + len.value), next: len.next + len.value };
}

/**
 * Reads one record at `pos`, which must end by `end`. Every length is checked against the record's own
 * length and the window before use. Returns the record and the position after it.
 */
export function readRecord(buf: Uint8Array, pos: number, end: number, limits: RecordLimits): { record: WireRecord; next: number } {
  const length = readVarint(buf, pos);
  if (length.value < MIN_RECORD_BYTES - 1 || length.value > end - length.next) {
    throw corrupt(`record length ${length.value} at byte ${pos} is invalid (${end - length.next} bytes left)`);
  }
  const recordEnd = length.next + length.value;
  // Varint readers check against the whole buffer; guard the record window by reading from a bounded view.
  const win = buf.subarray(0, recordEnd);
  let p = length.next;
  const attributes = win[p++]!;
  const ts = readVarlong(win, p);
  const od = readVarint(win, ts.next);
  const key = readBytes(win, od.next, recordEnd, "key");
  const value = readBytes(win, key.next, recordEnd, "value");
  const count = readVarint(win, value.next);
  p = count.next;
  if (count.value < 0 || count.value * MIN_HEADER_BYTES > recordEnd - p) throw corrupt(`record header count ${count.value} is invalid`);
  if (count.value > limits.maxHeadersPerRecord) {
    throw new StreamBusError("LIMIT_EXCEEDED", `record has ${count.value} headers, more than maxHeadersPerRecord=${limits.maxHeadersPerRecord}`);
  }
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count.value; i++) {
    const k = readBytes(win, p, recordEnd, "header key");
    if (k.value === null) throw corrupt("record header key is null");
    const v = readBytes(win, k.next, recordEnd, "header value");
    headers.push({ key: utf8Decoder.decode(k.value), value: v.value });
    p = v.next;
  }
  if (p !== recordEnd) throw corrupt(`record declares ${length.value} bytes but its fields take ${p - length.next}`);
  return {
    record: { attributes, timestampDelta: ts.value, offsetDelta: od.value, key: key.value, value: value.value, headers },
    next: recordEnd,
  };
}
