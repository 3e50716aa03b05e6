/**
 * Committed offsets per (group, topic, partition), and the OffsetCommit / OffsetFetch / OffsetDelete
 * rules that involve the group's state, after Kafka's classic coordinator:
 * - a commit with generation -1 (a "simple" consumer that assigns partitions itself) is accepted only
 *   while the group has no members; a member's commit must carry its member id and current generation,
 *   and is refused with REBALANCE_IN_PROGRESS while the group waits for its assignment;
 * - OffsetDelete refuses partitions of topics a live "consumer" group still subscribes to.
 * Topic and partition existence is the handler's check (it knows the metadata); this module does not.
 */
import { type ErrorCode } from "../../protocol/errors.ts";
import { utf8ByteLength } from "../../protocol/primitives.ts";
import type { ClassicGroup } from "./group.ts";
import type { GroupLimits } from "./limits.ts";
import { checkMember } from "./sync.ts";

/** One committed offset. */
export interface CommittedOffset {
  readonly offset: bigint;
  /** -1 when the client did not say. */
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
}

/** The offsets of every group of one coordinator. Insertion-ordered, so fetches list in commit order. */
export class OffsetStore {
  readonly #byGroup = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.#byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  set(groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.#byGroup.get(groupId);
    if (topics === undefined) this.#byGroup.set(groupId, (topics = new Map()));
    let partitions = topics.get(topic);
    if (partitions === undefined) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, value);
  }

  /** Removes one offset; true when it existed. */
  delete(groupId: string, topic: string, partition: number): boolean {
    const topics = this.#byGroup.get(groupId);
    const partitions = topics?.get(topic);
    if (topics === undefined || partitions === undefined || !partitions.delete(partition)) return false;
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.#byGroup.delete(groupId);
    return true;
  }

  /** Every (topic, partition, offset) of a group. */
  *entries(groupId: string): Generator<[topic: string, partition: number, offset: CommittedOffset]> {
    for (const [topic, partitions] of this.#byGroup.get(groupId) ?? []) {
      for (const [partition, offset] of partitions) yield [topic, partition, offset];
    }
  }

  /** How many offsets a group holds. */
  countOf(groupId: string): number {
    let n = 0;
    for (const partitions of this.#byGroup.get(groupId)?.values() ?? []) n += partitions.size;
    return n;
  }

  hasGroup(groupId: string): boolean {
    return this.#byGroup.has(groupId);
  }

  /** Group ids that have offsets. */
  groupIds(): IterableIterator<string> {
    return this.#byGroup.keys();
  }
}

/** The group-level OffsetCommit check (classic groups, Kafka's order). */
export function checkCommit(group: ClassicGroup, generationId: number, memberId: string, groupInstanceId: string | null): ErrorCode | null {
  if (group.state === "Dead") return "COORDINATOR_NOT_AVAILABLE";
  if (generationId < 0 && group.state === "Empty") return null; // the group only stores offsets here
  if (generationId < 0 && memberId === "" && groupInstanceId === null) return "UNKNOWN_MEMBER_ID"; // a simple commit into a live group
  const failed = checkMember(group, generationId, memberId, groupInstanceId);
  if (failed !== null) return failed;
  if (group.state === "CompletingRebalance") return "REBALANCE_IN_PROGRESS";
  return null;
}

/** The per-partition OffsetCommit check. */
export function checkPartitionCommit(metadata: string | null, limits: GroupLimits): ErrorCode | null {
  if (metadata !== null && utf8ByteLength(metadata) > limits.offsetMetadataBytesMax) return "OFFSET_METADATA_TOO_LARGE";
  return null;
}

/**
 * Why OffsetDelete may not delete a topic's offsets now: null when it may. The group-level answer for
 * a non-consumer group with members is NON_EMPTY_GROUP (returned by {@link offsetDeleteGroupError}).
 */
export function offsetDeleteTopicError(group: ClassicGroup, topic: string): ErrorCode | null {
  if (group.state === "Empty") return null;
  const subscribed = group.subscribedTopics;
  // Unknown subscriptions (mid-first-rebalance, or unreadable metadata) count as "subscribed to all".
  if (subscribed === null || subscribed.has(topic)) return "GROUP_SUBSCRIBED_TO_TOPIC";
  return null;
}

/** The group-level OffsetDelete check. */
export function offsetDeleteGroupError(group: ClassicGroup | undefined): ErrorCode | null {
  if (group === undefined || group.state === "Dead") return "GROUP_ID_NOT_FOUND";
  if (group.state === "Empty" || group.protocolType === "consumer") return null;
  return "NON_EMPTY_GROUP";
}
