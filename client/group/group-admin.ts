/**
 * Consumer group administration: list, describe (members and decoded assignments), committed
 * offsets with lag, offset resets for empty groups, and deletion. `Admin` exposes these as methods.
 */
import { StreamBusError, errorCodeFromKafka } from "../../protocol/errors.ts";
import { decodeAssignment, decodeSubscription, type TopicPartitions } from "../assignors/consumer-protocol.ts";
import type { Cluster } from "../cluster.ts";
import { listOffsets, tpKey, type OffsetSpec } from "../offsets.ts";
import { findCoordinator, withCoordinator } from "./coordinator.ts";
import { ADMIN_COMMIT, commitOffsets, fetchCommittedOffsets, type PartitionOffset } from "./offsets-committer.ts";

/** A group as ListGroups reports it. `state` is empty from brokers older than ListGroups v4. */
export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
}

/** A group member as DescribeGroups reports it; subscription and assignment decoded for consumer groups. */
export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Subscribed topics (consumer groups only). */
  topics: string[];
  assignment: TopicPartitions[];
}

/** A group as DescribeGroups reports it. */
export interface GroupDescription {
  groupId: string;
  /** "Empty", "PreparingRebalance", "CompletingRebalance", "Stable" or "Dead". */
  state: string;
  protocolType: string;
  /** The assignor in use. */
  protocol: string;
  members: GroupMemberDescription[];
}

/** A committed offset with the partition's end and the lag between them. */
export interface GroupOffset extends PartitionOffset {
  logEndOffset: bigint;
  lag: bigint;
}

/** Where `resetGroupOffsets` moves a group: a log end, a timestamp (ms), an offset, or "this long ago". */
export type ResetTarget = "earliest" | "latest" | { timestamp: bigint | number } | { offset: bigint } | { durationMs: number };

/** Groups of every broker (each broker lists the groups it coordinates), sorted by id. */
export async function listGroups(cluster: Cluster): Promise<GroupListing[]> {
  await cluster.refreshMetadata();
  const brokers = cluster.metadata.brokers();
  const all = await Promise.all(brokers.map(async (b) => {
    const res = await cluster.request(b.nodeId, "ListGroups", { statesFilter: [], typesFilter: [] });
    const code = errorCodeFromKafka(res.errorCode);
    if (code !== null) throw new StreamBusError(code, `ListGroups on broker ${b.nodeId} failed: ${code}`, { nodeId: b.nodeId });
    return res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState }));
  }));
  const byId = new Map(all.flat().map((g) => [g.groupId, g]));
  return [...byId.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

/** Describes groups; a group that does not exist comes back with state "Dead" and no members, as in Kafka. */
export async function describeGroups(cluster: Cluster, groupIds: readonly string[]): Promise<GroupDescription[]> {
  return Promise.all(groupIds.map((groupId) => withCoordinator(cluster, groupId, async (nodeId) => {
    const res = await cluster.request(nodeId, "DescribeGroups", { groups: [groupId], includeAuthorizedOperations: false });
    const g = res.groups[0];
    if (g === undefined) throw new StreamBusError("UNKNOWN_SERVER_ERROR", `DescribeGroups returned nothing for "${groupId}"`);
    const code = errorCodeFromKafka(g.errorCode);
    if (code !== null) throw new StreamBusError(code, `describing group "${groupId}" failed: ${code}`, { groupId });
    const consumer = g.protocolType === "consumer";
    return {
      groupId: g.groupId, state: g.groupState, protocolType: g.protocolType, protocol: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        topics: consumer && m.memberMetadata.length > 0 ? [...decodeSubscription(m.memberMetadata).topics] : [],
        assignment: consumer ? [...decodeAssignment(m.memberAssignment).partitions] : [],
      })),
    };
  })));
}

/** Committed offsets of a group with each partition's log end offset and lag, sorted by topic and partition. */
export async function listGroupOffsets(cluster: Cluster, groupId: string): Promise<GroupOffset[]> {
  const committed = await withCoordinator(cluster, groupId, (nodeId) => fetchCommittedOffsets(cluster, nodeId, groupId, null));
  const list = [...committed.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  if (list.length === 0) return [];
  const ends = await listOffsets(cluster, list.map((o) => ({ topic: o.topic, partition: o.partition, spec: "latest" as const })));
  return list.map((o, i) => {
    const logEndOffset = ends[i]!.offset;
    return { ...o, logEndOffset, lag: logEndOffset > o.offset ? logEndOffset - o.offset : 0n };
  });
}

/**
 * Moves the committed offsets of every partition of `topic` for an empty group (members would
 * overwrite them, so a group with members is refused with NON_EMPTY_GROUP). Returns the new offsets.
 * With `dryRun` it only computes them (the plan `streambus group reset-offsets` prints without --execute).
 */
export async function resetGroupOffsets(cluster: Cluster, groupId: string, topic: string, to: ResetTarget, nowMs = cluster.nowMs(), dryRun = false): Promise<PartitionOffset[]> {
  const [group] = await describeGroups(cluster, [groupId]);
  if (group !== undefined && group.state !== "Empty" && group.state !== "Dead") {
    throw new StreamBusError("NON_EMPTY_GROUP", `group "${groupId}" is ${group.state}; stop its consumers before resetting offsets`, { groupId });
  }
  const info = await cluster.topic(topic);
  const partitions = info.partitions.map((p) => p.partition);
  let offsets: bigint[];
  if (typeof to === "object" && "offset" in to) {
    // Clamp into the kept range, as kafka-consumer-groups --to-offset does.
    const [earliest, latest] = await Promise.all((["earliest", "latest"] as const).map((spec) => listOffsets(cluster, partitions.map((partition) => ({ topic, partition, spec })))));
    offsets = partitions.map((_, i) => (to.offset < earliest![i]!.offset ? earliest![i]!.offset : to.offset > latest![i]!.offset ? latest![i]!.offset : to.offset));
  } else {
    const spec: OffsetSpec = typeof to === "object" && "durationMs" in to ? { timestamp: nowMs - to.durationMs } : to;
    const found = await listOffsets(cluster, partitions.map((partition) => ({ topic, partition, spec })));
    const missing = found.filter((r) => r.offset < 0n);
    // A timestamp after the last record means "the end", as Kafka's reset tool does.
    const ends = missing.length > 0 ? await listOffsets(cluster, missing.map((r) => ({ topic, partition: r.partition, spec: "latest" as const }))) : [];
    const endOf = new Map(ends.map((r) => [tpKey(topic, r.partition), r.offset]));
    offsets = found.map((r) => (r.offset >= 0n ? r.offset : endOf.get(tpKey(topic, r.partition))!));
  }
  const result = partitions.map((partition, i) => ({ topic, partition, offset: offsets[i]! }));
  if (dryRun) return result;
  await withCoordinator(cluster, groupId, (nodeId) => commitOffsets(cluster, nodeId, groupId, ADMIN_COMMIT, result));
  return result;
}

/** Deletes empty groups and their offsets; every failure is reported (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, ...). */
export async function deleteGroups(cluster: Cluster, groupIds: readonly string[]): Promise<void> {
  const failures: StreamBusError[] = [];
  await Promise.all(groupIds.map(async (groupId) => {
    const nodeId = await findCoordinator(cluster, groupId);
    const res = await cluster.request(nodeId, "DeleteGroups", { groupsNames: [groupId] });
    for (const r of res.results) {
      const code = errorCodeFromKafka(r.errorCode);
      if (code !== null) failures.push(new StreamBusError(code, `deleting group "${r.groupId}" failed: ${code}`, { groupId: r.groupId }));
    }
  }));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new StreamBusError("PARTIAL_FAILURE", failures.map((f) => f.message).join("; "), { failures: failures.map((f) => f.toJSON()) });
}
