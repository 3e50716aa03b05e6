/**
 * Rebuilds a coordinator's state from the records of its `__consumer_offsets` partition, read from the
 * start: later records win, a null value (tombstone) deletes. Pure: the shell reads the log and
 * passes the (key, value) pairs in log order.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import { ClassicGroup } from "./group.ts";
import type { GroupLimits } from "./limits.ts";
import { Member } from "./member.ts";
import { OffsetStore } from "./offsets.ts";
import { decodeGroupValue, decodeKey, decodeOffsetValue, type GroupValue } from "./records.ts";
import type { OffsetsTopicRecord } from "./types.ts";

/** What a partition's records say: the last metadata of each group and every live offset. */
export interface LoadedGroups {
  readonly groups: Map<string, GroupValue>;
  readonly offsets: OffsetStore;
  /** Records of types we do not use (the newer coordinator's), skipped. */
  readonly skippedRecordCount: number;
}

/**
 * Replays records in log order.
 *
 * @example
 * const loaded = loadGroups(recordsOfPartition);
 * const coordinator = new GroupCoordinator({ nowMs, newMemberId, loaded });
 */
export function loadGroups(records: Iterable<OffsetsTopicRecord>): LoadedGroups {
  const groups = new Map<string, GroupValue>();
  const offsets = new OffsetStore();
  let skippedRecordCount = 0;
  for (const { key, value } of records) {
    const k = decodeKey(key);
    if (k.kind === "other") {
      skippedRecordCount++;
    } else if (k.kind === "group") {
      if (value === null) groups.delete(k.groupId);
      else groups.set(k.groupId, decodeGroupValue(value));
    } else if (value === null) {
      offsets.delete(k.groupId, k.topic, k.partition);
    } else {
      offsets.set(k.groupId, k.topic, k.partition, decodeOffsetValue(value));
    }
  }
  return { groups, offsets, skippedRecordCount };
}

/**
 * A group as stored: Stable with its members when it had any (their sessions restart now, as after a
 * coordinator failover in Kafka), else Empty.
 */
export function restoreGroup(groupId: string, value: GroupValue, limits: GroupLimits, nowMs: number): ClassicGroup {
  const g = new ClassicGroup(groupId, limits, nowMs);
  g.generationId = value.generation;
  g.protocolType = value.protocolType === "" ? null : value.protocolType;
  if (value.members.length === 0) return g;
  if (value.protocol === null) throw new StreamBusError("CORRUPT_MESSAGE", `group ${groupId}: members without a protocol`);
  g.protocolName = value.protocol;
  for (const v of value.members) {
    const m = new Member({
      memberId: v.memberId, groupInstanceId: v.groupInstanceId, clientId: v.clientId, clientHost: v.clientHost,
      sessionTimeoutMs: v.sessionTimeoutMs, rebalanceTimeoutMs: v.rebalanceTimeoutMs, protocolType: value.protocolType,
      protocols: [{ name: value.protocol, metadata: v.subscription }], nowMs,
    });
    m.assignment = v.assignment;
    m.isNew = false;
    g.members.set(m.memberId, m);
    if (m.groupInstanceId !== null) g.staticMembers.set(m.groupInstanceId, m.memberId);
  }
  g.leaderId = value.leader !== null && g.members.has(value.leader) ? value.leader : g.members.keys().next().value!;
  g.state = "Stable";
  g.stateTimestampMs = value.currentStateTimestampMs >= 0 ? value.currentStateTimestampMs : nowMs;
  g.refreshSubscribedTopics();
  return g;
}
