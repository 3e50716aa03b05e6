import { describe, expect, test } from "bun:test";
import { apply, applyAll } from "./apply.ts";
import { EMPTY_IMAGE, topicById } from "./image.ts";
import type { MetadataRecord } from "./records.ts";
import { decodeImage, encodeImage } from "./snapshot.ts";

const ID1 = "00000000-0000-4000-8000-000000000001";
const ID2 = "00000000-0000-4000-8000-000000000002";
const base: MetadataRecord[] = [
  { type: "registerBroker", brokerId: 1, host: "a", port: 9092, rack: null },
  { type: "registerBroker", brokerId: 2, host: "b", port: 9092, rack: "r1" },
  { type: "createTopic", name: "orders", topicId: ID1, partitions: 2, replicationFactor: 2, assignments: [[1, 2], [2, 1]], configs: [{ key: "retention.ms", value: "1000" }] },
];

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return "none";
}

describe("metadata apply", () => {
  const img = applyAll(base);

  test("builds brokers, topics by name and id, partitions and configs", () => {
    expect(img.brokers.size).toBe(2);
    const t = topicById(img, ID1)!;
    expect(t.name).toBe("orders");
    expect(t.partitions[1]).toEqual({ leader: 2, leaderEpoch: 0, isr: [2, 1], replicas: [2, 1] });
    expect(t.configs.get("retention.ms")).toBe("1000");
  });

  test("is pure: the input image never changes", () => {
    const before = encodeImage(img);
    apply(img, { type: "deleteTopic", name: "orders" });
    apply(img, { type: "alterConfig", resourceType: "topic", resourceName: "orders", key: "retention.ms", value: null });
    expect(encodeImage(img)).toEqual(before);
  });

  test("refuses invalid records with stable codes", () => {
    const ct = base[2] as Extract<MetadataRecord, { type: "createTopic" }>;
    expect(code(() => apply(img, ct))).toBe("TOPIC_ALREADY_EXISTS");
    expect(code(() => apply(img, { ...ct, name: "other" }))).toBe("TOPIC_ALREADY_EXISTS"); // same topic id
    expect(code(() => apply(img, { ...ct, name: "x", topicId: ID2, partitions: 0, assignments: [] }))).toBe("INVALID_PARTITIONS");
    expect(code(() => apply(img, { ...ct, name: "x", topicId: ID2, replicationFactor: 3 }))).toBe("INVALID_REPLICATION_FACTOR");
    expect(code(() => apply(img, { ...ct, name: "bad/name", topicId: ID2 }))).toBe("INVALID_TOPIC_EXCEPTION");
    expect(code(() => apply(img, { ...ct, name: "x", topicId: ID2, assignments: [[1, 1], [1, 2]] }))).toBe("INVALID_REPLICA_ASSIGNMENT");
    expect(code(() => apply(img, { type: "deleteTopic", name: "nope" }))).toBe("UNKNOWN_TOPIC_OR_PARTITION");
    expect(code(() => apply(img, { type: "createPartitions", name: "orders", totalPartitions: 2, assignments: [] }))).toBe("INVALID_PARTITIONS");
    expect(code(() => apply(img, { type: "partitionChange", topicId: ID2, partition: 0, leader: 1, leaderEpoch: 1, isr: [1], replicas: [1, 2] }))).toBe("UNKNOWN_TOPIC_ID");
    expect(code(() => apply(img, { type: "partitionChange", topicId: ID1, partition: 5, leader: 1, leaderEpoch: 1, isr: [1], replicas: [1, 2] }))).toBe("UNKNOWN_TOPIC_OR_PARTITION");
    expect(code(() => apply(img, { type: "alterConfig", resourceType: "topic", resourceName: "nope", key: "a", value: "b" }))).toBe("UNKNOWN_TOPIC_OR_PARTITION");
    expect(code(() => apply(img, { type: "alterConfig", resourceType: "topic", resourceName: "orders", key: "", value: "b" }))).toBe("INVALID_CONFIG");
  });

  test("partition change fences older leader epochs", () => {
    const pc = { type: "partitionChange", topicId: ID1, partition: 0, leader: 2, leaderEpoch: 5, isr: [2], replicas: [1, 2] } as const;
    const next = apply(img, pc);
    expect(topicById(next, ID1)!.partitions[0]).toEqual({ leader: 2, leaderEpoch: 5, isr: [2], replicas: [1, 2] });
    expect(code(() => apply(next, { ...pc, leaderEpoch: 4 }))).toBe("FENCED_LEADER_EPOCH");
    expect(code(() => apply(next, { ...pc, leaderEpoch: 6, leader: 1 }))).toBe("INVALID_REQUEST"); // leader outside ISR
  });

  test("delete then re-create gets a fresh topic id", () => {
    let i = apply(img, { type: "deleteTopic", name: "orders" });
    expect(i.topics.size).toBe(0);
    expect(i.topicNamesById.size).toBe(0);
    i = apply(i, { ...(base[2] as Extract<MetadataRecord, { type: "createTopic" }>), topicId: ID2 });
    expect(topicById(i, ID2)?.name).toBe("orders");
  });

  test("snapshot round-trips to an equal image, canonical bytes", () => {
    let i = apply(img, { type: "partitionChange", topicId: ID1, partition: 1, leader: 1, leaderEpoch: 2, isr: [1], replicas: [2, 1] });
    i = apply(i, { type: "alterConfig", resourceType: "broker", resourceName: "", key: "log.retention.ms", value: "5" });
    i = apply(i, { type: "createPartitions", name: "orders", totalPartitions: 3, assignments: [[1, 2]] });
    const bytes = encodeImage(i);
    const back = decodeImage(bytes);
    expect(encodeImage(back)).toEqual(bytes);
    expect(back.topics.get("orders")).toEqual(i.topics.get("orders"));
    expect(back.brokerConfigs).toEqual(i.brokerConfigs);
    expect(encodeImage(EMPTY_IMAGE)).toEqual(new Uint8Array([1, 0, 0, 0, 0]));
  });
});
