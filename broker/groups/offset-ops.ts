/**
 * OffsetCommit, OffsetFetch, OffsetDelete and DeleteGroups over a coordinator's groups and offsets.
 * Called by coordinator.ts, which owns the state; each returns the reply and pushes `persist` effects
 * (offset records, tombstones) onto `out`.
 */
import { type ErrorCode } from "../../protocol/errors.ts";
import { ClassicGroup, wire } from "./group.ts";
import type { GroupLimits } from "./limits.ts";
import { OffsetStore, checkCommit, checkPartitionCommit, offsetDeleteGroupError, offsetDeleteTopicError } from "./offsets.ts";
import { encodeGroupKey, encodeOffsetKey, encodeOffsetValue } from "./records.ts";
import type { Effect, OffsetsTopicRecord } from "./types.ts";

/** An OffsetCommit request (v0 decodes with generation -1 and member id ""). */
export interface CommitRequest {
  readonly groupId: string;
  readonly generationIdOrMemberEpoch: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly {
      readonly partitionIndex: number;
      readonly committedOffset: bigint;
      readonly committedLeaderEpoch: number;
      readonly committedMetadata: string | null;
    }[];
  }[];
}

/** Per-partition error codes, as OffsetCommitResponse and OffsetDeleteResponse carry them. */
export interface TopicPartitionErrors {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

/** One group of an OffsetFetch (v8+ shape; for v0-7 the handler sends the one group's fields at top level). */
export interface FetchGroupRequest {
  readonly groupId: string;
  /** null: every committed offset of the group. */
  readonly topics: readonly { readonly name: string; readonly partitionIndexes: readonly number[] }[] | null;
}

/** OffsetFetch's answer for one group. */
export interface FetchGroupReply {
  groupId: string;
  errorCode: number;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null; errorCode: number }[];
  }[];
}

/** What offset operations need from the coordinator. */
export interface OffsetContext {
  readonly groups: Map<string, ClassicGroup>;
  readonly offsets: OffsetStore;
  readonly limits: GroupLimits;
  readonly nowMs: number;
  /** Finds or creates the group for a simple (generation -1) commit; null when no more groups fit. */
  readonly groupForSimpleCommit: (groupId: string) => ClassicGroup | null;
}

function everyPartition(req: { topics: readonly { name: string; partitions: readonly { partitionIndex: number }[] }[] }, code: ErrorCode | null): TopicPartitionErrors {
  const errorCode = code === null ? 0 : wire(code);
  return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
}

/** OffsetCommit: checks the group, stores each partition's offset, persists the records. */
export function commitOffsets(ctx: OffsetContext, req: CommitRequest, groupIdError: ErrorCode | null, out: Effect[]): TopicPartitionErrors {
  if (groupIdError !== null) return everyPartition(req, groupIdError);
  let group = ctx.groups.get(req.groupId);
  if (group === undefined) {
    // Without a group only a simple consumer may commit; a member's commit is from a generation long gone.
    if (req.generationIdOrMemberEpoch >= 0) return everyPartition(req, "ILLEGAL_GENERATION");
    const created = ctx.groupForSimpleCommit(req.groupId);
    if (created === null) return everyPartition(req, "COORDINATOR_NOT_AVAILABLE");
    group = created;
  }
  const failed = checkCommit(group, req.generationIdOrMemberEpoch, req.memberId, req.groupInstanceId);
  if (failed !== null) return everyPartition(req, failed);
  const member = group.members.get(req.memberId);
  if (member !== undefined) member.heartbeatMs = ctx.nowMs; // a commit is a sign of life, as in Kafka
  const records: OffsetsTopicRecord[] = [];
  const reply = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      let code = checkPartitionCommit(p.committedMetadata, ctx.limits);
      const isNew = ctx.offsets.get(req.groupId, t.name, p.partitionIndex) === undefined;
      if (code === null && isNew && ctx.offsets.countOf(req.groupId) >= ctx.limits.offsetsPerGroupMax) code = "LIMIT_EXCEEDED";
      if (code === null) {
        const value = { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata ?? "", commitTimestampMs: ctx.nowMs };
        ctx.offsets.set(req.groupId, t.name, p.partitionIndex, value);
        records.push({ key: encodeOffsetKey(req.groupId, t.name, p.partitionIndex), value: encodeOffsetValue(value) });
      }
      return { partitionIndex: p.partitionIndex, errorCode: code === null ? 0 : wire(code) };
    }),
  }));
  if (records.length > 0) out.push({ type: "persist", groupId: req.groupId, records });
  return { topics: reply };
}

/** OffsetFetch for one group: -1 and "" for partitions without a committed offset, as Kafka answers. */
export function fetchOffsets(ctx: OffsetContext, req: FetchGroupRequest, groupIdError: ErrorCode | null): FetchGroupReply {
  if (groupIdError !== null) return { groupId: req.groupId, errorCode: wire(groupIdError), topics: [] };
  if (req.topics === null) {
    const byTopic = new Map<string, FetchGroupReply["topics"][number]>();
    for (const [topic, partition, o] of ctx.offsets.entries(req.groupId)) {
      let t = byTopic.get(topic);
      if (t === undefined) byTopic.set(topic, (t = { name: topic, partitions: [] }));
      t.partitions.push({ partitionIndex: partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: 0 });
    }
    return { groupId: req.groupId, errorCode: 0, topics: [...byTopic.values()] };
  }
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => {
      const o = ctx.offsets.get(req.groupId, t.name, partitionIndex);
      return o === undefined
        ? { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", errorCode: 0 }
        : { partitionIndex, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: 0 };
    }),
  }));
  return { groupId: req.groupId, errorCode: 0, topics };
}

/** OffsetDelete: a group-level error, or per-partition results with tombstones persisted. */
export function deleteOffsets(
  ctx: OffsetContext,
  req: { groupId: string; topics: readonly { name: string; partitions: readonly { partitionIndex: number }[] }[] },
  groupIdError: ErrorCode | null,
  out: Effect[],
): TopicPartitionErrors & { errorCode: number } {
  const group = ctx.groups.get(req.groupId);
  const groupError = groupIdError ?? offsetDeleteGroupError(group);
  if (groupError !== null) return { errorCode: wire(groupError), topics: [] };
  const records: OffsetsTopicRecord[] = [];
  const topics = req.topics.map((t) => {
    const topicError = offsetDeleteTopicError(group!, t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (topicError === null && ctx.offsets.delete(req.groupId, t.name, p.partitionIndex)) {
          records.push({ key: encodeOffsetKey(req.groupId, t.name, p.partitionIndex), value: null });
        }
        return { partitionIndex: p.partitionIndex, errorCode: topicError === null ? 0 : wire(topicError) };
      }),
    };
  });
  if (records.length > 0) out.push({ type: "persist", groupId: req.groupId, records });
  return { errorCode: 0, topics };
}

/** Deletes one Empty group with its offsets (tombstones for each, then for the group). */
export function deleteGroup(ctx: OffsetContext, groupId: string, out: Effect[]): ErrorCode | null {
  const group = ctx.groups.get(groupId);
  if (group === undefined || group.state === "Dead") return "GROUP_ID_NOT_FOUND";
  if (group.state !== "Empty") return "NON_EMPTY_GROUP";
  out.push({ type: "persist", groupId, records: tombstonesFor(ctx, groupId) });
  group.markDead(ctx.nowMs);
  ctx.groups.delete(groupId);
  return null;
}

/** Tombstones for every offset of a group and its metadata; removes the offsets from the store. */
export function tombstonesFor(ctx: Pick<OffsetContext, "offsets">, groupId: string): OffsetsTopicRecord[] {
  const records: OffsetsTopicRecord[] = [];
  for (const [topic, partition] of [...ctx.offsets.entries(groupId)]) {
    ctx.offsets.delete(groupId, topic, partition);
    records.push({ key: encodeOffsetKey(groupId, topic, partition), value: null });
  }
  records.push({ key: encodeGroupKey(groupId), value: null });
  return records;
}
