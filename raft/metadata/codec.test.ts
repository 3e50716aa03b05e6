import { describe, expect, test } from "bun:test";
import { decodeRecord, encodeRecord } from "./codec.ts";
import type { MetadataRecord } from "./records.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ID = "0123abcd-4567-89ef-0123-456789abcdef";

/** Golden bytes: a change here breaks every data dir on disk. Add a version instead. */
const GOLDEN: [MetadataRecord, string][] = [
  [{ type: "registerBroker", brokerId: 1, host: "h", port: 9092, rack: null }, "000100" + "00000001" + "000168" + "00002384" + "ffff"],
  [
    { type: "createTopic", name: "t", topicId: ID, partitions: 1, replicationFactor: 1, assignments: [[1]], configs: [{ key: "k", value: "v" }] },
    "000200" + "000174" + "0123abcd456789ef0123456789abcdef" + "00000001" + "00000001" + "00000001" + "0000000100000001" + "00000001" + "00016b" + "000176",
  ],
  [{ type: "createPartitions", name: "t", totalPartitions: 2, assignments: [[1]] }, "000300" + "000174" + "00000002" + "00000001" + "0000000100000001"],
  [
    { type: "partitionChange", topicId: ID, partition: 0, leader: -1, leaderEpoch: 3, isr: [], replicas: [1] },
    "000400" + "0123abcd456789ef0123456789abcdef" + "00000000" + "ffffffff" + "00000003" + "00000000" + "0000000100000001",
  ],
  [{ type: "alterConfig", resourceType: "topic", resourceName: "t", key: "k", value: null }, "000500" + "02" + "000174" + "00016b" + "ffff"],
  [{ type: "alterConfig", resourceType: "broker", resourceName: "", key: "k", value: "1" }, "000500" + "04" + "0000" + "00016b" + "000131"],
  [{ type: "deleteTopic", name: "t" }, "000600" + "000174"],
];

describe("metadata record codec", () => {
  for (const [rec, bytes] of GOLDEN) {
    test(`${rec.type} encodes to golden bytes and back`, () => {
      expect(hex(encodeRecord(rec))).toBe(bytes);
      expect(decodeRecord(Buffer.from(bytes, "hex"))).toEqual(rec);
    });
  }

  test("every truncation of a record is refused, never misread", () => {
    for (const [rec] of GOLDEN) {
      const b = encodeRecord(rec);
      for (let n = 0; n < b.byteLength; n++) expect(() => decodeRecord(b.subarray(0, n))).toThrow(/metadata|MALFORMED|version|type/);
    }
  });

  test("unknown type, unknown version and trailing bytes are refused", () => {
    expect(() => decodeRecord(Buffer.from("001400", "hex"))).toThrow(/unknown metadata record type 20/);
    expect(() => decodeRecord(Buffer.from("000601000174", "hex"))).toThrow(/version 1/);
    expect(() => decodeRecord(Buffer.from("00060000017400", "hex"))).toThrow(/trailing/);
  });

  test("a huge count is refused before allocating", () => {
    expect(() => decodeRecord(Buffer.from("000300" + "000174" + "00000002" + "7fffffff", "hex"))).toThrow(/over the limit/);
  });
});
