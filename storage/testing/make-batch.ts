/**
 * Test helper: encodes an uncompressed RecordBatch v2 (Kafka layout) with real records, so storage tests
 * do not depend on the full codec. Not used by production code.
 */
import { crc32c } from "@node-rs/crc32";
import { BATCH_HEADER_BYTES, CRC_START_BYTES, Offsets } from "../../protocol/batch-header.ts";
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from "../../protocol/varint.ts";

export interface TestRecord {
  key: Uint8Array | string | null;
  value: Uint8Array | string | null;
  /** Offset delta within the batch; defaults to the record's index. */
  offsetDelta?: number;
  timestampDelta?: number;
}

export interface TestBatchOptions {
  baseOffset?: bigint;
  baseTimestampMs?: number;
  producerId?: bigint;
  /** Defaults to the largest offsetDelta. */
  lastOffsetDelta?: number;
}

const bytesOf = (v: Uint8Array | string | null): Uint8Array | null => (v === null ? null : typeof v === "string" ? Buffer.from(v) : v);

/** Encodes one record body (without its length prefix). */
function recordBody(r: TestRecord, index: number): Buffer {
  const key = bytesOf(r.key);
  const value = bytesOf(r.value);
  const offsetDelta = r.offsetDelta ?? index;
  const tsDelta = BigInt(r.timestampDelta ?? 0);
  const size = 1 + sizeOfVarlong(tsDelta) + sizeOfVarint(offsetDelta) + sizeOfVarint(key ? key.byteLength : -1) + (key?.byteLength ?? 0) +
    sizeOfVarint(value ? value.byteLength : -1) + (value?.byteLength ?? 0) + sizeOfVarint(0);
  const out = Buffer.alloc(size);
  let p = 1; // attributes = 0
  p = writeVarlong(out, p, tsDelta);
  p = writeVarint(out, p, offsetDelta);
  p = writeVarint(out, p, key ? key.byteLength : -1);
  if (key) p += Buffer.from(key).copy(out, p);
  p = writeVarint(out, p, value ? value.byteLength : -1);
  if (value) p += Buffer.from(value).copy(out, p);
  p = writeVarint(out, p, 0); // no headers
  return out;
}

/** Builds a valid, uncompressed RecordBatch v2. */
export function makeBatch(records: TestRecord[], opts: TestBatchOptions = {}): Buffer {
  const bodies = records.map((r, i) => recordBody(r, i));
  const recordsBytes = bodies.reduce((n, b) => n + sizeOfVarint(b.byteLength) + b.byteLength, 0);
  const out = Buffer.alloc(BATCH_HEADER_BYTES + recordsBytes);
  let p = BATCH_HEADER_BYTES;
  for (const b of bodies) {
    p = writeVarint(out, p, b.byteLength);
    p += b.copy(out, p);
  }
  const lastDelta = opts.lastOffsetDelta ?? Math.max(0, ...records.map((r, i) => r.offsetDelta ?? i));
  const baseTs = BigInt(opts.baseTimestampMs ?? 0);
  const maxTs = baseTs + BigInt(Math.max(0, ...records.map((r) => r.timestampDelta ?? 0)));
  out.writeBigInt64BE(opts.baseOffset ?? 0n, Offsets.baseOffset);
  out.writeInt32BE(out.byteLength - 12, Offsets.batchLength);
  out.writeInt32BE(0, Offsets.partitionLeaderEpoch);
  out.writeInt8(2, Offsets.magic);
  out.writeInt16BE(0, Offsets.attributes);
  out.writeInt32BE(lastDelta, Offsets.lastOffsetDelta);
  out.writeBigInt64BE(baseTs, Offsets.baseTimestamp);
  out.writeBigInt64BE(maxTs, Offsets.maxTimestamp);
  out.writeBigInt64BE(opts.producerId ?? -1n, Offsets.producerId);
  out.writeInt16BE(-1, Offsets.producerEpoch);
  out.writeInt32BE(-1, Offsets.baseSequence);
  out.writeInt32BE(records.length, Offsets.recordCount);
  out.writeUInt32BE(crc32c(out.subarray(CRC_START_BYTES)), Offsets.crc);
  return out;
}

/** A batch of `count` records of `valueBytes` each, values filled from `seed` (cheap, deterministic). */
export function makeFilledBatch(count: number, valueBytes: number, seed: number, baseTimestampMs = 0): Buffer {
  const records: TestRecord[] = [];
  for (let i = 0; i < count; i++) {
    const v = Buffer.alloc(valueBytes, (seed + i) & 0xff);
    records.push({ key: null, value: v });
  }
  return makeBatch(records, { baseTimestampMs });
}

/** Manual clock for tests. */
export class ManualClock {
  constructor(public ms = 1_700_000_000_000) {}
  nowMs(): number { return this.ms; }
  advance(ms: number): void { this.ms += ms; }
}
