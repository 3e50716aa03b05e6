/**
 * A deterministic stream of valid metadata records for crash tests: record `seq` (from 1) is always valid
 * on the image built from records 1..seq-1, and the image stays small (topics are created and deleted in
 * 50 slots). Also digests of prefix images, for comparing a recovered image with what was acknowledged.
 */
import { createHash } from "node:crypto";
import { apply } from "../../raft/metadata/apply.ts";
import { EMPTY_IMAGE, type MetadataImage } from "../../raft/metadata/image.ts";
import type { MetadataRecord } from "../../raft/metadata/records.ts";
import { encodeImage } from "../../raft/metadata/snapshot.ts";

const SLOTS = 50;

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

export function recordAt(seq: number): MetadataRecord {
  if (seq === 1) return { type: "registerBroker", brokerId: 1, host: "localhost", port: 9092, rack: null };
  const u = seq - 2;
  const k = u % 5;
  const slot = Math.floor(u / 5) % SLOTS;
  const cycle = Math.floor(u / (5 * SLOTS));
  const name = `t${slot}`;
  const topicId = uuid(cycle * SLOTS + slot + 1);
  switch (k) {
    case 0:
      return { type: "createTopic", name, topicId, partitions: 1 + (slot % 3), replicationFactor: 1, assignments: Array.from({ length: 1 + (slot % 3) }, () => [1]), configs: [{ key: "cleanup.policy", value: "delete" }] };
    case 1:
      return { type: "alterConfig", resourceType: "topic", resourceName: name, key: "retention.ms", value: String(seq) };
    case 2:
      return { type: "partitionChange", topicId, partition: 0, leader: 1, leaderEpoch: cycle + 1, isr: [1], replicas: [1] };
    case 3:
      return { type: "alterConfig", resourceType: "broker", resourceName: "1", key: `b${slot}`, value: String(seq) };
    default:
      return { type: "deleteTopic", name };
  }
}

export function imageDigest(image: MetadataImage): string {
  return createHash("sha256").update(encodeImage(image)).digest("hex");
}

/** Digests of the images after 0, 1, 2, ... records, computed on demand. */
export class PrefixImages {
  #image: MetadataImage = EMPTY_IMAGE;
  #digests: string[] = [imageDigest(EMPTY_IMAGE)];

  digestAfter(count: number): string {
    while (this.#digests.length <= count) {
      this.#image = apply(this.#image, recordAt(this.#digests.length));
      this.#digests.push(imageDigest(this.#image));
    }
    return this.#digests[count]!;
  }
}
