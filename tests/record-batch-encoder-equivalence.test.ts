/**
 * The batch encoder's fast path (number timestamp deltas, no per-record objects) must write exactly the
 * bytes of the straightforward encoder it replaced: sizeRecord/writeRecord over bigint deltas. This test
 * keeps that reference encoder and compares the two on seeded random batches and on edge cases (equal
 * timestamps, int32-boundary and int64-sized deltas, explicit offset deltas, headers on some records).
 */
import { describe, expect, test } from "bun:test";
import { crc32c } from "@node-rs/crc32";
import { Attr, BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD_BYTES, CRC_START_BYTES, MAGIC_V2, Offsets } from "../protocol/batch-header.ts";
import { Compression } from "../protocol/compression.ts";
import { StreamBusError } from "../protocol/errors.ts";
import { encodeRecordBatch, type RecordBatchInput, type RecordInput } from "../protocol/record-batch.ts";
import { randomBatchInput, randInt, seededRandom } from "../protocol/record-batch-testkit.ts";
import { encodedRecordBytes, sizeRecord, writeRecord, type SizedRecord } from "../protocol/record.ts";

/** The previous encoder, uncompressed only (compression sits after the records section and is unchanged). */
function referenceEncode(input: RecordBatchInput): Uint8Array {
  const records = input.records;
  const defaultTs = input.defaultTimestamp ?? -1n;
  const baseTimestamp = records[0]!.timestamp ?? defaultTs;
  let maxTimestamp = baseTimestamp;
  let lastOffsetDelta = -1;
  const sized: SizedRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? defaultTs;
    if (ts > maxTimestamp) maxTimestamp = ts;
    const offsetDelta = r.offsetDelta ?? i;
    lastOffsetDelta = offsetDelta;
    sized.push(sizeRecord({ attributes: 0, timestampDelta: ts - baseTimestamp, offsetDelta, key: r.key, value: r.value, headers: r.headers ? [...r.headers] : [] }));
  }
  let recordsBytes = 0;
  for (const s of sized) recordsBytes += encodedRecordBytes(s);
  const out = new Uint8Array(BATCH_HEADER_BYTES + recordsBytes);
  let pos = BATCH_HEADER_BYTES;
  for (const s of sized) pos = writeRecord(out, pos, s);
  let attributes = Compression.none;
  if (input.timestampType === "logAppend") attributes |= Attr.timestampLogAppend;
  if (input.transactional) attributes |= Attr.transactional;
  if (input.control) attributes |= Attr.control;
  const dv = new DataView(out.buffer);
  dv.setBigInt64(Offsets.baseOffset, input.baseOffset ?? 0n);
  dv.setInt32(Offsets.batchLength, out.byteLength - BATCH_LOG_OVERHEAD_BYTES);
  dv.setInt32(Offsets.partitionLeaderEpoch, input.partitionLeaderEpoch ?? -1);
  dv.setInt8(Offsets.magic, MAGIC_V2);
  dv.setInt16(Offsets.attributes, attributes);
  dv.setInt32(Offsets.lastOffsetDelta, lastOffsetDelta);
  dv.setBigInt64(Offsets.baseTimestamp, baseTimestamp);
  dv.setBigInt64(Offsets.maxTimestamp, maxTimestamp);
  dv.setBigInt64(Offsets.producerId, input.producerId ?? -1n);
  dv.setInt16(Offsets.producerEpoch, input.producerEpoch ?? -1);
  dv.setInt32(Offsets.baseSequence, input.baseSequence ?? -1);
  dv.setInt32(Offsets.recordCount, records.length);
  dv.setUint32(Offsets.crc, crc32c(out.subarray(CRC_START_BYTES) as Buffer));
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const enc = (s: string) => new TextEncoder().encode(s);

function expectSameBytes(input: RecordBatchInput): void {
  expect(hex(encodeRecordBatch(input))).toBe(hex(referenceEncode(input)));
}

describe("encodeRecordBatch fast path", () => {
  test("writes the reference encoder's bytes for 300 seeded random batches", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = seededRandom(seed);
      expectSameBytes(randomBatchInput(rand, "none", 1 + randInt(rand, 40), seed % 10 === 0 ? 2000 : 200));
    }
  });

  test("shared timestamps, defaults, explicit offset deltas and headers on some records", () => {
    const ts = 1_700_000_000_000n;
    const records: RecordInput[] = [];
    for (let i = 0; i < 500; i++) {
      records.push({
        key: i % 3 === 0 ? null : enc(`k${i}`), value: i % 7 === 0 ? new Uint8Array(0) : new Uint8Array(i % 200).fill(i & 0xff),
        timestamp: i % 50 === 49 ? undefined : ts + BigInt(Math.floor(i / 100)),
        offsetDelta: i * 2 + 1,
        headers: i % 11 === 0 ? [{ key: "trace", value: enc(String(i)) }, { key: "é", value: null }] : i % 2 === 0 ? [] : undefined,
      });
    }
    expectSameBytes({ records, defaultTimestamp: ts - 5n, baseOffset: 7n });
    expectSameBytes({ records, timestampType: "logAppend", transactional: true, control: true });
  });

  test("timestamp deltas at and past the int32 boundary, and int64-sized ones", () => {
    const base = 0n;
    for (const d of [0n, 1n, -1n, 63n, 64n, -64n, -65n, 0x7fffffffn, 0x80000000n, -0x80000000n, -0x80000001n, 1n << 40n, -(1n << 40n), (1n << 62n), -(1n << 62n)]) {
      expectSameBytes({ records: [{ key: null, value: enc("a"), timestamp: base }, { key: null, value: enc("b"), timestamp: base + d }, { key: null, value: null, timestamp: base + d }] });
    }
    expectSameBytes({ records: [{ key: null, value: null, timestamp: -(1n << 62n) }, { key: null, value: null, timestamp: (1n << 62n) - 1n }] });
  });

  test("values of every length around the small-copy threshold and varint steps", () => {
    for (const n of [0, 1, 31, 32, 33, 63, 64, 127, 128, 8191, 8192, 16384]) {
      expectSameBytes({ records: [{ key: new Uint8Array(n % 40).fill(1), value: new Uint8Array(n).fill(2), timestamp: 5n }, { key: null, value: new Uint8Array(n).fill(3), timestamp: 5n }] });
    }
  });

  test("still rejects out-of-range timestamps and non-increasing offset deltas, naming the record", () => {
    const code = (input: RecordBatchInput) => {
      try {
        encodeRecordBatch(input);
      } catch (e) {
        return e instanceof StreamBusError ? `${e.code}: ${e.message}` : String(e);
      }
      return "ok";
    };
    expect(code({ records: [{ key: null, value: null, timestamp: 0n }, { key: null, value: null, timestamp: 0n }, { key: null, value: null, timestamp: 1n << 63n }] }))
      .toBe("INVALID_TIMESTAMP: record 2 timestamp 9223372036854775808 is out of range of the batch's base 0");
    expect(code({ records: [{ key: null, value: null, offsetDelta: 0 }, { key: null, value: null, offsetDelta: 2 }, { key: null, value: null }] }))
      .toBe("INVALID_RECORD: record 2 offsetDelta 2 must be an int32 above 2");
    expect(code({ records: [{ key: null, value: null, offsetDelta: 0.5 }] })).toBe("INVALID_RECORD: record 0 offsetDelta 0.5 must be an int32 above -1");
  });
});
