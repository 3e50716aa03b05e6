import { describe, expect, test } from "bun:test";
import { isStreamBusError } from "../../protocol/errors.ts";
import {
  decodeGroupValue, decodeKey, decodeOffsetValue, encodeGroupKey, encodeGroupValue, encodeOffsetKey, encodeOffsetValue,
  offsetsPartitionFor, type GroupValue,
} from "./records.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));

describe("__consumer_offsets records (golden bytes, both ways)", () => {
  test("offset key v1", () => {
    const golden = "0001 0001 67 0001 74 00000003";
    expect(hex(encodeOffsetKey("g", "t", 3))).toBe(golden.replace(/ /g, ""));
    expect(decodeKey(unhex(golden))).toEqual({ kind: "offset", groupId: "g", topic: "t", partition: 3 });
  });

  test("group key v2", () => {
    expect(hex(encodeGroupKey("g"))).toBe("0002000167");
    expect(decodeKey(unhex("0002000167"))).toEqual({ kind: "group", groupId: "g" });
  });

  test("newer record types are recognised as other", () => {
    expect(decodeKey(unhex("0003 0001 67"))).toEqual({ kind: "other", version: 3 });
  });

  test("offset value v3", () => {
    const golden = "0003 0000000000000005 ffffffff 0001 6d 00000000000003e8";
    const v = { offset: 5n, leaderEpoch: -1, metadata: "m", commitTimestampMs: 1000 };
    expect(hex(encodeOffsetValue(v))).toBe(golden.replace(/ /g, ""));
    expect(decodeOffsetValue(unhex(golden))).toEqual(v);
  });

  test("offset values v0 and v1 (Kafka's older layouts) still load", () => {
    expect(decodeOffsetValue(unhex("0000 0000000000000007 0000 00000000000003e8"))).toEqual({ offset: 7n, leaderEpoch: -1, metadata: "", commitTimestampMs: 1000 });
    expect(decodeOffsetValue(unhex("0001 0000000000000007 0000 00000000000003e8 ffffffffffffffff"))).toEqual({ offset: 7n, leaderEpoch: -1, metadata: "", commitTimestampMs: 1000 });
  });

  const group: GroupValue = {
    protocolType: "consumer", generation: 2, protocol: "range", leader: "m", currentStateTimestampMs: 16,
    members: [{
      memberId: "m", groupInstanceId: null, clientId: "c", clientHost: "h", rebalanceTimeoutMs: 1, sessionTimeoutMs: 2,
      subscription: new Uint8Array([0xaa]), assignment: new Uint8Array([0xbb, 0xcc]),
    }],
  };
  const groupGolden = [
    "0003", "0008 636f6e73756d6572", "00000002", "0005 72616e6765", "0001 6d", "0000000000000010",
    "00000001", "0001 6d", "ffff", "0001 63", "0001 68", "00000001", "00000002", "00000001 aa", "00000002 bbcc",
  ].join("");

  test("group value v3", () => {
    expect(hex(encodeGroupValue(group))).toBe(groupGolden.replace(/ /g, ""));
    expect(decodeGroupValue(unhex(groupGolden))).toEqual(group);
  });

  test("group value v0 (no rebalance timeout, timestamp or instance id)", () => {
    const v0 = ["0000", "0008 636f6e73756d6572", "00000002", "ffff", "ffff", "00000001", "0001 6d", "0001 63", "0001 68", "00000002", "00000000", "00000000"].join("");
    expect(decodeGroupValue(unhex(v0))).toEqual({
      protocolType: "consumer", generation: 2, protocol: null, leader: null, currentStateTimestampMs: -1,
      members: [{ memberId: "m", groupInstanceId: null, clientId: "c", clientHost: "h", rebalanceTimeoutMs: 2, sessionTimeoutMs: 2, subscription: new Uint8Array(0), assignment: new Uint8Array(0) }],
    });
  });

  test("corrupt values fail loudly, never half-decode", () => {
    for (const bad of ["0004", "0003 00", groupGolden + "00", "0003 0000000000000005 ffffffff 0001"]) {
      let thrown: unknown;
      try {
        const b = unhex(bad);
        if (bad.startsWith("0003 0000")) decodeOffsetValue(b);
        else decodeGroupValue(b);
      } catch (e) { thrown = e; }
      expect(isStreamBusError(thrown, "CORRUPT_MESSAGE", "MALFORMED_FRAME")).toBe(true);
    }
  });

  test("partition of a group follows Java's String.hashCode, as Kafka", () => {
    // Java's definition: s[0]*31^(n-1) + ... + s[n-1], wrapped to int32. "my-group".hashCode() = -1906497762,
    // negative, so the sign bit is cleared (Kafka's Utils.abs is x & 0x7fffffff), not negated.
    expect(offsetsPartitionFor("my-group", 50)).toBe((-1906497762 & 0x7fffffff) % 50);
    expect(offsetsPartitionFor("my-group", 50)).toBe(36);
    expect(offsetsPartitionFor("a", 50)).toBe(97 % 50);
  });
});
