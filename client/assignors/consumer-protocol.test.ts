import { describe, expect, test } from "bun:test";
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from "./consumer-protocol.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));

describe("ConsumerProtocol Subscription", () => {
  const sub = { topics: ["t"], userData: null, ownedPartitions: [{ topic: "t", partitions: [0] }], generationId: 5, rackId: null };

  test("v0: topics and user data only", () => {
    const golden = "0000 00000001 0001 74 00000002 abcd";
    expect(hex(encodeSubscription({ ...sub, userData: unhex("abcd") }, 0))).toBe(golden.replace(/ /g, ""));
    expect(decodeSubscription(unhex(golden))).toEqual({ version: 0, topics: ["t"], userData: unhex("abcd"), ownedPartitions: [], generationId: -1, rackId: null });
  });

  test("v1: owned partitions", () => {
    const golden = "0001 00000001 0001 74 ffffffff 00000001 0001 74 00000001 00000000";
    expect(hex(encodeSubscription(sub, 1))).toBe(golden.replace(/ /g, ""));
    expect(decodeSubscription(unhex(golden))).toEqual({ ...sub, version: 1, generationId: -1 });
  });

  test("v2 and v3: generation id, rack id", () => {
    const v2 = "0002 00000001 0001 74 ffffffff 00000001 0001 74 00000001 00000000 00000005";
    expect(hex(encodeSubscription(sub, 2))).toBe(v2.replace(/ /g, ""));
    expect(decodeSubscription(unhex(v2))).toEqual({ ...sub, version: 2 });
    const v3 = encodeSubscription({ ...sub, rackId: "r1" }, 3);
    expect(hex(v3)).toBe(v2.replace(/ /g, "").replace(/^0002/, "0003") + "00027231");
    expect(decodeSubscription(v3)).toEqual({ ...sub, rackId: "r1", version: 3 });
  });

  test("a newer version is read with the newest known layout, extra bytes ignored", () => {
    const v9 = unhex("0009 00000001 0001 74 ffffffff 00000000 00000007 ffff 1234");
    expect(decodeSubscription(v9)).toMatchObject({ version: 9, topics: ["t"], generationId: 7, rackId: null });
  });

  test("truncated bytes fail, they do not read past the end", () => {
    expect(() => decodeSubscription(unhex("0001 00000001 0001"))).toThrow();
    expect(() => decodeSubscription(unhex("0001 7fffffff"))).toThrow();
  });
});

describe("ConsumerProtocol Assignment", () => {
  test("v0", () => {
    const golden = "0000 00000001 0001 74 00000002 00000000 00000001 ffffffff";
    const a = { partitions: [{ topic: "t", partitions: [0, 1] }], userData: null };
    expect(hex(encodeAssignment(a))).toBe(golden.replace(/ /g, ""));
    expect(decodeAssignment(unhex(golden))).toEqual({ ...a, version: 0 });
  });

  test("empty bytes (a member the leader left out) mean nothing assigned", () => {
    expect(decodeAssignment(new Uint8Array(0))).toEqual({ version: 0, partitions: [], userData: null });
  });
});
