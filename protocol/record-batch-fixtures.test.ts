/**
 * Batches captured from independent clients, pinned as files in protocol/testdata/ so they are checked
 * without the clients installed: kafka-python 2.0.2 (none, gzip, lz4 via python3-lz4) and kafkajs 2.2.4 with
 * kafkajs-snappy (raw snappy). All hold the same three records (kafkajs cannot express a null header value,
 * so its third record has only header a=2).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeRecordBatch, encodeRecordBatch } from "./record-batch.ts";

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dir, "testdata", name)));
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

const EXPECTED = [
  { offset: 0n, timestamp: 1700000000000n, key: "key-1", value: "hello ".repeat(50), headers: [["trace", "abc"]] },
  { offset: 1n, timestamp: 1700000000007n, key: null, value: "", headers: [] },
  { offset: 2n, timestamp: 1699999999990n, key: "", value: null, headers: [["a", null], ["a", "2"]] },
];

describe("fixtures from other clients", () => {
  for (const [file, compression] of [
    ["record-batch-kafka-python-none.bin", "none"],
    ["record-batch-kafka-python-gzip.bin", "gzip"],
    ["record-batch-kafka-python-lz4.bin", "lz4"],
    ["record-batch-kafkajs-snappy.bin", "snappy"],
  ] as const) {
    test(`${file} decodes to the three records`, () => {
      const d = decodeRecordBatch(fixture(file));
      expect(d.compression).toBe(compression);
      expect([d.baseTimestamp, d.maxTimestamp, d.lastOffsetDelta, d.producerId]).toEqual([1700000000000n, 1700000000007n, 2, -1n]);
      const want = compression === "snappy" ? EXPECTED.map((r, i) => (i === 2 ? { ...r, headers: [["a", "2"]] } : r)) : EXPECTED;
      expect(d.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: text(r.key), value: text(r.value), headers: r.headers.map((h) => [h.key, text(h.value)]) }))).toEqual(want);
    });
  }

  test("our encoding of the same records is byte-identical to kafka-python's uncompressed batch", () => {
    const enc = (s: string | null) => (s === null ? null : new TextEncoder().encode(s));
    const ours = encodeRecordBatch({
      partitionLeaderEpoch: 0,
      records: EXPECTED.map((r) => ({ key: enc(r.key), value: enc(r.value), timestamp: r.timestamp, headers: r.headers.map(([k, v]) => ({ key: k as string, value: enc(v ?? null) })) })),
    });
    const theirs = fixture("record-batch-kafka-python-none.bin");
    // kafka-python writes partitionLeaderEpoch 0 where we default to -1; it lies outside the CRC'd range.
    expect(Buffer.from(ours).toString("hex")).toBe(Buffer.from(theirs).toString("hex"));
  });
});
