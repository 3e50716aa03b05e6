import { describe, expect, test } from "bun:test";
import { crc32c } from "@node-rs/crc32";
import { COMPRESSION_NAMES } from "./batch-header.ts";
import { isStreamBusError, StreamBusError } from "./errors.ts";
import {
  DEFAULT_RECORD_BATCH_LIMITS,
  type DecodedRecordBatch,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  type RecordBatchInput,
} from "./record-batch.ts";
import { randomBatchInput, seededRandom } from "./record-batch-testkit.ts";

const INT64_MIN = -(1n << 63n);
const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// Layout from the Kafka protocol guide ("Record Batch", "Record", "Record Header"); CRC computed with an
// independent bitwise CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) over attributes..end.
const GOLDEN_HEX = [
  "0000000000000010", // baseOffset int64 = 16
  "00000046", //         batchLength int32 = 70 (82 bytes total - 12)
  "00000003", //         partitionLeaderEpoch int32 = 3
  "02", //               magic int8 = 2
  "3a73f986", //         crc uint32 = CRC-32C of everything below
  "0000", //             attributes int16: codec none, create time, not transactional, not control
  "00000001", //         lastOffsetDelta int32 = 1
  "0000018bcfe56800", // baseTimestamp int64 = 1700000000000
  "0000018bcfe56805", // maxTimestamp int64 = 1700000000005
  "ffffffffffffffff", // producerId int64 = -1
  "ffff", //             producerEpoch int16 = -1
  "ffffffff", //         baseSequence int32 = -1
  "00000002", //         records count int32 = 2
  // record 0: key "k", value "v1", header h=x
  "1a", //               length varint = 13 (zigzag 26)
  "00", //               attributes int8
  "00", //               timestampDelta varlong = 0
  "00", //               offsetDelta varint = 0
  "026b", //             key: length 1 (zigzag 2), "k"
  "047631", //           value: length 2 (zigzag 4), "v1"
  "02", //               header count varint = 1
  "0268", //             header key: length 1, "h"
  "0278", //             header value: length 1, "x"
  // record 1: null key, empty value, no headers
  "0c", //               length varint = 6 (zigzag 12)
  "00", //               attributes int8
  "0a", //               timestampDelta varlong = 5 (zigzag 10)
  "02", //               offsetDelta varint = 1 (zigzag 2)
  "01", //               key length = -1 (zigzag 1): null
  "00", //               value length = 0: empty
  "00", //               header count = 0
].join("");

const GOLDEN_INPUT: RecordBatchInput = {
  baseOffset: 16n,
  partitionLeaderEpoch: 3,
  compression: "none",
  records: [
    { key: enc("k"), value: enc("v1"), headers: [{ key: "h", value: enc("x") }], timestamp: 1700000000000n },
    { key: null, value: new Uint8Array(0), timestamp: 1700000000005n },
  ],
};

function expectCode(fn: () => unknown, ...codes: string[]): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof StreamBusError)) throw e;
    expect(codes).toContain(e.code);
    return;
  }
  throw new Error(`expected a StreamBusError ${codes.join("|")}`);
}

/** Compares a decoded batch with the input that produced it. */
function expectMatches(d: DecodedRecordBatch, input: RecordBatchInput): void {
  expect(d.records.length).toBe(input.records.length);
  input.records.forEach((r, i) => {
    const got = d.records[i]!;
    expect(got.offset).toBe((input.baseOffset ?? 0n) + BigInt(i));
    expect(got.timestamp).toBe(r.timestamp!);
    expect(got.key === null ? null : hex(got.key)).toEqual(r.key === null ? null : hex(r.key));
    expect(got.value === null ? null : hex(got.value)).toEqual(r.value === null ? null : hex(r.value));
    const wantHeaders = (r.headers ?? []).map((h) => ({ key: h.key, value: h.value === null ? null : hex(h.value) }));
    expect(got.headers.map((h) => ({ key: h.key, value: h.value === null ? null : hex(h.value) }))).toEqual(wantHeaders);
  });
}

describe("golden bytes", () => {
  test("the independent CRC-32C check value matches the native one", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });

  test("encodes two records byte for byte as the protocol guide lays them out", () => {
    expect(hex(encodeRecordBatch(GOLDEN_INPUT))).toBe(GOLDEN_HEX);
  });

  test("decodes the golden bytes, keeping null and empty apart", () => {
    const d = decodeRecordBatch(Buffer.from(GOLDEN_HEX, "hex"));
    expect(d.baseOffset).toBe(16n);
    expect(d.partitionLeaderEpoch).toBe(3);
    expect(d.lastOffsetDelta).toBe(1);
    expect(d.maxTimestamp).toBe(1700000000005n);
    expect(d.producerId).toBe(-1n);
    expect(d.compression).toBe("none");
    expect(d.timestampType).toBe("create");
    expect(d.records[0]!.headers).toEqual([{ key: "h", value: enc("x") }]);
    expect(d.records[1]!.key).toBeNull();
    expect(d.records[1]!.value).toEqual(new Uint8Array(0));
    expect(d.records[1]!.offset).toBe(17n);
    expectMatches(d, GOLDEN_INPUT);
  });

  test("flags: log-append time takes maxTimestamp for every record; transactional and control bits", () => {
    const b = encodeRecordBatch({ ...GOLDEN_INPUT, timestampType: "logAppend", transactional: true, control: true });
    expect(b[22]).toBe(0x08 | 0x10 | 0x20);
    const d = decodeRecordBatch(b);
    expect([d.transactional, d.control, d.timestampType]).toEqual([true, true, "logAppend"]);
    expect(d.records.map((r) => r.timestamp)).toEqual([1700000000005n, 1700000000005n]);
  });
});

describe("round trips", () => {
  const seed = Number(process.env.TEST_SEED ?? 20240601);
  for (const compression of COMPRESSION_NAMES) {
    test(`${compression}: seeded random batches decode to their input (seed ${seed})`, () => {
      const rand = seededRandom(seed + compression.length);
      for (let i = 0; i < 30; i++) {
        const input = randomBatchInput(rand, compression, 1 + Math.floor(rand() * 60), i % 5 === 0 ? 40_000 : 300);
        const bytes = encodeRecordBatch(input);
        const d = decodeRecordBatch(bytes);
        expect(d.compression).toBe(compression);
        expect(d.producerId).toBe(input.producerId!);
        expect(d.baseSequence).toBe(input.baseSequence!);
        expect(d.transactional).toBe(input.transactional!);
        expectMatches(d, input);
      }
    });
  }

  test("negative timestamp deltas and explicit offset deltas with gaps", () => {
    const input: RecordBatchInput = {
      records: [
        { key: null, value: enc("a"), timestamp: 1000n, offsetDelta: 0 },
        { key: null, value: enc("b"), timestamp: 400n, offsetDelta: 3 },
      ],
    };
    const d = decodeRecordBatch(encodeRecordBatch(input));
    expect(d.lastOffsetDelta).toBe(3);
    expect(d.maxTimestamp).toBe(1000n);
    expect(d.records.map((r) => [r.offset, r.timestamp])).toEqual([[0n, 1000n], [3n, 400n]]);
  });

  test("rejects bad input to the encoder", () => {
    expectCode(() => encodeRecordBatch({ records: [] }), "INVALID_RECORD");
    const one = [{ key: null, value: null }];
    expectCode(() => encodeRecordBatch({ producerId: 1n << 63n, records: one }), "INVALID_RECORD");
    expectCode(() => encodeRecordBatch({ producerEpoch: 32768, records: one }), "INVALID_RECORD");
    expectCode(() => encodeRecordBatch({ baseSequence: 2 ** 31, records: one }), "INVALID_RECORD");
    expectCode(() => encodeRecordBatch({ records: [{ key: null, value: null, timestamp: 1n << 63n }] }), "INVALID_TIMESTAMP");
    expectCode(() => encodeRecordBatch({ records: [{ key: null, value: null, timestamp: INT64_MIN }, { key: null, value: null, timestamp: 1n }] }), "INVALID_TIMESTAMP");
    expectCode(() => encodeRecordBatch({ records: [{ key: null, value: null, offsetDelta: 1 }, { key: null, value: null, offsetDelta: 1 }] }), "INVALID_RECORD");
  });
});

describe("limits and corruption", () => {
  const golden = () => new Uint8Array(Buffer.from(GOLDEN_HEX, "hex"));

  test("truncation at every length is CORRUPT_MESSAGE", () => {
    const g = golden();
    for (let n = 0; n < g.length; n++) expectCode(() => decodeRecordBatch(g.subarray(0, n)), "CORRUPT_MESSAGE");
  });

  test("every single bit flip in the CRC'd range is caught", () => {
    for (let bit = 21 * 8; bit < GOLDEN_HEX.length * 4; bit++) {
      const g = golden();
      g[bit >> 3]! ^= 1 << (bit & 7);
      expectCode(() => decodeRecordBatch(g), "CORRUPT_MESSAGE", "UNSUPPORTED_COMPRESSION_TYPE");
    }
  });

  test("a lying record count with a valid CRC is caught before allocation", () => {
    const g = golden();
    new DataView(g.buffer).setInt32(57, 0x7fffffff);
    new DataView(g.buffer).setInt32(23, 0x7ffffffe);
    new DataView(g.buffer).setUint32(17, crc32c(Buffer.from(g.subarray(21))));
    expectCode(() => decodeRecordBatch(g), "CORRUPT_MESSAGE");
    expectCode(() => decodeRecordBatch(g, { ...DEFAULT_RECORD_BATCH_LIMITS, maxRecordsPerBatch: 1 }), "CORRUPT_MESSAGE", "LIMIT_EXCEEDED");
  });

  test("a lying record length with a valid CRC is caught", () => {
    const g = golden();
    g[61] = 0x7e; // record 0 claims 63 bytes
    new DataView(g.buffer).setUint32(17, crc32c(Buffer.from(g.subarray(21))));
    expectCode(() => decodeRecordBatch(g), "CORRUPT_MESSAGE");
  });

  test("maxBatchBytes and maxRecordsPerBatch are enforced", () => {
    expectCode(() => decodeRecordBatch(golden(), { ...DEFAULT_RECORD_BATCH_LIMITS, maxBatchBytes: 81 }), "MESSAGE_TOO_LARGE");
    expectCode(() => decodeRecordBatch(golden(), { ...DEFAULT_RECORD_BATCH_LIMITS, maxRecordsPerBatch: 1 }), "LIMIT_EXCEEDED");
    expectCode(() => decodeRecordBatch(golden(), { ...DEFAULT_RECORD_BATCH_LIMITS, maxHeadersPerRecord: 0 }), "LIMIT_EXCEEDED");
  });

  for (const compression of ["gzip", "snappy", "lz4", "zstd"] as const) {
    test(`${compression}: a batch past maxDecompressedBytes is MESSAGE_TOO_LARGE`, () => {
      const value = new Uint8Array(4 << 20); // 4 MiB of zeros compresses to almost nothing
      const b = encodeRecordBatch({ compression, records: [{ key: null, value, timestamp: 0n }] });
      expect(b.byteLength).toBeLessThan(300_000);
      expectCode(() => decodeRecordBatch(b, { ...DEFAULT_RECORD_BATCH_LIMITS, maxDecompressedBytes: 1 << 20 }), "MESSAGE_TOO_LARGE");
      expect(decodeRecordBatch(b).records[0]!.value!.byteLength).toBe(4 << 20);
    });
  }
});

describe("decodeRecordBatches", () => {
  test("decodes back-to-back batches and leaves out a trailing partial one", () => {
    const rand = seededRandom(7);
    const inputs = COMPRESSION_NAMES.map((c) => randomBatchInput(rand, c, 5));
    const parts = inputs.map((i) => encodeRecordBatch(i));
    const blob = Buffer.concat(parts);
    const all = decodeRecordBatches(blob);
    expect(all.map((b) => b.compression)).toEqual([...COMPRESSION_NAMES]);
    all.forEach((b, i) => expectMatches(b, inputs[i]!));
    const lastStart = blob.length - parts[4]!.length;
    for (const cut of [lastStart, lastStart + 5, lastStart + 11, lastStart + 12, lastStart + 60, blob.length - 1]) {
      expect(decodeRecordBatches(blob.subarray(0, cut)).length).toBe(4);
    }
    expect(decodeRecordBatches(new Uint8Array(0))).toEqual([]);
  });

  test("an impossible declared length is CORRUPT_MESSAGE, an oversized partial batch MESSAGE_TOO_LARGE", () => {
    const g = new Uint8Array(Buffer.from(GOLDEN_HEX, "hex"));
    const small = g.slice();
    new DataView(small.buffer).setInt32(8, 10);
    expectCode(() => decodeRecordBatches(small), "CORRUPT_MESSAGE");
    const huge = g.slice();
    new DataView(huge.buffer).setInt32(8, 0x7fffffff);
    expectCode(() => decodeRecordBatches(huge), "MESSAGE_TOO_LARGE");
    try {
      decodeRecordBatches(huge);
    } catch (e) {
      expect(isStreamBusError(e, "MESSAGE_TOO_LARGE")).toBe(true);
    }
  });
});
