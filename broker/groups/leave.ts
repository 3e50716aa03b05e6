/**
 * LeaveGroup on one classic group: one member (v0-2, by member id) or a batch (v3+, by member id or
 * by group instance id for static members). Each leaving member is removed at once and the group
 * rebalances as its state requires.
 */
import { ClassicGroup, wire } from "./group.ts";
import type { Effect, LeaveReply, LeavingMember } from "./types.ts";

/** Handles a LeaveGroup; per-member errors as in v3+. */
export function leaveGroup(group: ClassicGroup, leaving: readonly LeavingMember[], nowMs: number, out: Effect[]): LeaveReply {
  if (group.state === "Dead") return { errorCode: wire("COORDINATOR_NOT_AVAILABLE"), members: [] };
  const members = leaving.map((l) => ({ memberId: l.memberId, groupInstanceId: l.groupInstanceId, errorCode: leaveOne(group, l, nowMs, out) }));
  return { errorCode: 0, members };
}

function leaveOne(group: ClassicGroup, l: LeavingMember, nowMs: number, out: Effect[]): number {
  if (l.groupInstanceId !== null) {
    const current = group.staticMembers.get(l.groupInstanceId);
    if (current === undefined) return wire("UNKNOWN_MEMBER_ID");
    // An empty member id is an admin removing the instance (kafka-consumer-groups --delete by instance id).
    if (l.memberId !== "" && l.memberId !== current) return wire("FENCED_INSTANCE_ID");
    group.removeMember(current, "UNKNOWN_MEMBER_ID", nowMs, out);
    return 0;
  }
  if (group.pendingMembers.delete(l.memberId)) {
    group.maybeCompleteJoin(nowMs, out);
    return 0;
  }
  if (!group.members.has(l.memberId)) return wire("UNKNOWN_MEMBER_ID");
  group.removeMember(l.memberId, "UNKNOWN_MEMBER_ID", nowMs, out);
  return 0;
}
