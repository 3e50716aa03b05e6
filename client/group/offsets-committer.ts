/**
 * OffsetCommit and OffsetFetch for one group, shared by the group consumer and the admin. Offsets are
 * "next offset to read", as Kafka stores them. Both OffsetFetch layouts are read (v8+ lists groups).
 */
import { StreamBusError, errorCodeFromKafka } from "../../protocol/errors.ts";
import type { GroupRequester } from "./coordinator-link.ts";
import { tpKey } from "../offsets.ts";
import type { TopicPartition } from "../types.ts";

/** A partition's offset to commit or as committed. */
export interface PartitionOffset extends TopicPartition {
  offset: bigint;
}

/** Who commits: a member of a generation, or (generation -1, no member) an admin of an empty group. */
export interface CommitIdentity {
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** The identity of commits made from outside the group (Kafka accepts them only while it is empty). */
export const ADMIN_COMMIT: CommitIdentity = Object.freeze({ generationId: -1, memberId: "", groupInstanceId: null });

function byTopic<T extends TopicPartition>(list: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of list) {
    let l = out.get(x.topic);
    if (l === undefined) out.set(x.topic, (l = []));
    l.push(x);
  }
  return out;
}

/**
 * Commits offsets at the coordinator; throws the first partition error (retriable ones such as
 * REBALANCE_IN_PROGRESS keep their flag, so callers can tell a stale generation from a broken one).
 *
 * @example
 * await commitOffsets(cluster, coordinatorId, "billing", ADMIN_COMMIT, [{ topic: "orders", partition: 0, offset: 42n }]);
 */
export async function commitOffsets(cluster: GroupRequester, coordinatorId: number, groupId: string, who: CommitIdentity, offsets: readonly PartitionOffset[]): Promise<void> {
  if (offsets.length === 0) return;
  const res = await cluster.request(coordinatorId, "OffsetCommit", {
    groupId, generationIdOrMemberEpoch: who.generationId, memberId: who.memberId, groupInstanceId: who.groupInstanceId,
    topics: [...byTopic(offsets)].map(([name, list]) => ({
      name, partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedMetadata: "" })),
    })),
  });
  for (const t of res.topics) {
    for (const p of t.partitions) {
      const code = errorCodeFromKafka(p.errorCode);
      if (code !== null) throw new StreamBusError(code, `committing ${t.name}/${p.partitionIndex} for group "${groupId}" failed: ${code}`, { groupId, topic: t.name, partition: p.partitionIndex });
    }
  }
}

/**
 * Committed offsets of `partitions` (null: every partition the group has an offset for). Partitions
 * without a committed offset are left out of the result.
 */
export async function fetchCommittedOffsets(cluster: GroupRequester, coordinatorId: number, groupId: string, partitions: readonly TopicPartition[] | null): Promise<Map<string, PartitionOffset>> {
  const topics = partitions === null ? null : [...byTopic(partitions)].map(([name, list]) => ({ name, partitionIndexes: list.map((p) => p.partition) }));
  const res = await cluster.request(coordinatorId, "OffsetFetch", { groupId, topics, groups: [{ groupId, topics }], requireStable: false });
  const group = res.groups[0];
  const errorCode = group !== undefined ? group.errorCode : res.errorCode;
  const code = errorCodeFromKafka(errorCode);
  if (code !== null) throw new StreamBusError(code, `fetching offsets of group "${groupId}" failed: ${code}`, { groupId });
  const out = new Map<string, PartitionOffset>();
  for (const t of group !== undefined ? group.topics : res.topics) {
    for (const p of t.partitions) {
      const pcode = errorCodeFromKafka(p.errorCode);
      if (pcode !== null) throw new StreamBusError(pcode, `fetching the offset of ${t.name}/${p.partitionIndex} for group "${groupId}" failed: ${pcode}`, { groupId, topic: t.name, partition: p.partitionIndex });
      if (p.committedOffset >= 0n) out.set(tpKey(t.name, p.partitionIndex), { topic: t.name, partition: p.partitionIndex, offset: p.committedOffset });
    }
  }
  return out;
}
