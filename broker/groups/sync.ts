/**
 * SyncGroup and Heartbeat on one classic group. Followers' syncs park until the leader's sync brings
 * the assignment; the leader's sync makes the generation Stable, persists it, and answers every parked
 * sync (the shell releases those answers only once the group record is durable).
 */
import { type ErrorCode } from "../../protocol/errors.ts";
import { ClassicGroup, syncError, wire } from "./group.ts";
import { EMPTY_BYTES } from "./member.ts";
import type { Effect, HeartbeatRequest, SyncReply, SyncRequest, Ticket } from "./types.ts";

/** The checks SyncGroup, Heartbeat and OffsetCommit share, in Kafka's order. */
export function checkMember(group: ClassicGroup, generationId: number, memberId: string, groupInstanceId: string | null): ErrorCode | null {
  if (group.state === "Dead") return "COORDINATOR_NOT_AVAILABLE";
  if (group.isFenced(groupInstanceId, memberId)) return "FENCED_INSTANCE_ID";
  if (!group.members.has(memberId)) return "UNKNOWN_MEMBER_ID";
  if (generationId !== group.generationId) return "ILLEGAL_GENERATION";
  return null;
}

/** Handles a SyncGroup. Returns the reply now, or null when parked under `ticket`. */
export function syncGroup(group: ClassicGroup, req: SyncRequest, ticket: Ticket, nowMs: number, out: Effect[]): SyncReply | null {
  const failed = checkMember(group, req.generationId, req.memberId, req.groupInstanceId);
  if (failed !== null) return syncError(failed);
  if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
    return syncError("INCONSISTENT_GROUP_PROTOCOL");
  }
  const m = group.members.get(req.memberId)!;
  switch (group.state) {
    case "Empty":
    case "Dead":
      return syncError("UNKNOWN_MEMBER_ID");
    case "PreparingRebalance":
      return syncError("REBALANCE_IN_PROGRESS");
    case "Stable":
      m.heartbeatMs = nowMs;
      return syncReply(group, m.assignment);
    case "CompletingRebalance":
      break;
  }
  m.heartbeatMs = nowMs;
  if (m.syncTicket !== null) out.push({ type: "sync-reply", ticket: m.syncTicket, reply: syncError("REBALANCE_IN_PROGRESS") });
  m.syncTicket = ticket;
  if (group.isLeader(m.memberId)) completeSync(group, req, nowMs, out);
  return null;
}

function syncReply(group: ClassicGroup, assignment: Uint8Array): SyncReply {
  return { errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment };
}

/** The leader's assignment: members it left out get an empty one; ids not in the group are ignored. */
function completeSync(group: ClassicGroup, req: SyncRequest, nowMs: number, out: Effect[]): void {
  const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment] as const));
  for (const m of group.members.values()) m.assignment = byMember.get(m.memberId)?.slice() ?? EMPTY_BYTES;
  group.state = "Stable";
  group.stateTimestampMs = nowMs;
  // Persist first: the shell holds the replies below until this record is durable.
  out.push(group.persistEffect());
  for (const m of group.members.values()) {
    if (m.syncTicket === null) continue;
    out.push({ type: "sync-reply", ticket: m.syncTicket, reply: syncReply(group, m.assignment) });
    m.syncTicket = null;
  }
}

/** Handles a Heartbeat; returns its Kafka error code (0 when fine). */
export function heartbeat(group: ClassicGroup, req: HeartbeatRequest, nowMs: number): number {
  const failed = checkMember(group, req.generationId, req.memberId, req.groupInstanceId);
  if (failed !== null) return wire(failed);
  const m = group.members.get(req.memberId)!;
  switch (group.state) {
    case "Empty":
    case "Dead":
      return wire("UNKNOWN_MEMBER_ID");
    case "PreparingRebalance":
      m.heartbeatMs = nowMs;
      return wire("REBALANCE_IN_PROGRESS"); // the member must rejoin
    case "CompletingRebalance":
    case "Stable":
      m.heartbeatMs = nowMs;
      return 0;
  }
}
