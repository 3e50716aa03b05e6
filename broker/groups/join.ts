/**
 * JoinGroup on one classic group, after Kafka's coordinator: new members (with the v4+ MEMBER_ID_REQUIRED
 * round trip), known members rejoining, and static members (`groupInstanceId`) replacing their previous
 * incarnation without a rebalance when nothing the assignment depends on changed.
 * The coordinator has already checked the group id, the session timeout bounds and string lengths.
 */
import { utf8ByteLength } from "../../protocol/primitives.ts";
import { ClassicGroup, joinError } from "./group.ts";
import { Member, bytesEqual, ownedProtocols } from "./member.ts";
import type { ClientInfo, Effect, JoinReply, JoinRequest, Ticket } from "./types.ts";

/** First JoinGroup version whose clients handle MEMBER_ID_REQUIRED (KIP-394). */
const MEMBER_ID_REQUIRED_VERSION_MIN = 4;

/** Injected source of member ids: Kafka uses `${clientId or groupInstanceId}-${uuid}`. */
export type MemberIdGenerator = (prefix: string) => string;

/** Everything a join needs besides the group. */
export interface JoinInput {
  readonly request: JoinRequest;
  readonly client: ClientInfo;
  /** The ticket this join parks under if it must wait for the join phase. */
  readonly ticket: Ticket;
  readonly nowMs: number;
  readonly newMemberId: MemberIdGenerator;
}

/** Handles a JoinGroup. Returns the reply now, or null when the join is parked under `input.ticket`. */
export function joinGroup(group: ClassicGroup, input: JoinInput, out: Effect[]): JoinReply | null {
  const req = input.request;
  if (group.state === "Dead") return joinError(req.memberId, "COORDINATOR_NOT_AVAILABLE");
  if (req.memberId === "") return joinNew(group, input, out);
  if (!group.supportsProtocols(req.protocolType, req.protocols, req.memberId)) return joinError(req.memberId, "INCONSISTENT_GROUP_PROTOCOL");
  if (group.pendingMembers.has(req.memberId)) {
    // Pending ids go to dynamic members; one cannot take over an instance id that is in use.
    if (req.groupInstanceId !== null && group.staticMembers.has(req.groupInstanceId)) return joinError(req.memberId, "FENCED_INSTANCE_ID");
    return addAndRebalance(group, req.memberId, input, out);
  }
  return joinKnown(group, input, out);
}

/**
 * A client id cut to at most `maxBytes` UTF-8 bytes (whole code points): header client ids may be up to
 * 32,767 bytes, and the member id built from one must still fit the group record and old responses.
 */
export function memberIdPrefix(clientId: string, maxBytes: number): string {
  if (utf8ByteLength(clientId) <= maxBytes) return clientId;
  let out = "";
  let bytes = 0;
  for (const ch of clientId) {
    bytes += utf8ByteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

function newMember(memberId: string, input: JoinInput): Member {
  const req = input.request;
  return new Member({
    memberId, groupInstanceId: req.groupInstanceId, clientId: input.client.clientId, clientHost: input.client.clientHost,
    sessionTimeoutMs: req.sessionTimeoutMs, rebalanceTimeoutMs: rebalanceTimeoutOf(req), protocolType: req.protocolType,
    protocols: ownedProtocols(req.protocols), nowMs: input.nowMs,
  });
}

/** JoinGroup v0 has no rebalance timeout (-1): Kafka then uses the session timeout. */
function rebalanceTimeoutOf(req: JoinRequest): number {
  return req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
}

function joinNew(group: ClassicGroup, input: JoinInput, out: Effect[]): JoinReply | null {
  const req = input.request;
  if (!group.supportsProtocols(req.protocolType, req.protocols)) return joinError("", "INCONSISTENT_GROUP_PROTOCOL");
  const instanceId = req.groupInstanceId;
  const prefix = instanceId ?? memberIdPrefix(input.client.clientId, group.limits.joinStringBytesMax);
  if (instanceId !== null && group.staticMembers.has(instanceId)) return replaceStatic(group, input.newMemberId(prefix), input, out);
  if (group.members.size + group.pendingMembers.size >= group.limits.groupMembersMax) return joinError("", "GROUP_MAX_SIZE_REACHED");
  const memberId = input.newMemberId(prefix);
  if (instanceId === null && input.client.apiVersion >= MEMBER_ID_REQUIRED_VERSION_MIN) {
    // The client must come back with this id: a join it never completes then costs no rebalance.
    group.pendingMembers.set(memberId, input.nowMs + req.sessionTimeoutMs);
    return joinError(memberId, "MEMBER_ID_REQUIRED");
  }
  return addAndRebalance(group, memberId, input, out);
}

function addAndRebalance(group: ClassicGroup, memberId: string, input: JoinInput, out: Effect[]): null {
  const m = newMember(memberId, input);
  m.joinTicket = input.ticket;
  group.addMember(m);
  if (group.state === "PreparingRebalance") group.maybeCompleteJoin(input.nowMs, out);
  else group.prepareRebalance(input.nowMs, out);
  return null;
}

function joinKnown(group: ClassicGroup, input: JoinInput, out: Effect[]): JoinReply | null {
  const req = input.request;
  if (group.isFenced(req.groupInstanceId, req.memberId)) return joinError(req.memberId, "FENCED_INSTANCE_ID");
  const m = group.members.get(req.memberId);
  if (m === undefined) return joinError(req.memberId, "UNKNOWN_MEMBER_ID");
  if (req.groupInstanceId !== null && !group.staticMembers.has(req.groupInstanceId)) return joinError(req.memberId, "UNKNOWN_MEMBER_ID");
  switch (group.state) {
    case "PreparingRebalance":
      return updateAndRebalance(group, m, input, out);
    case "CompletingRebalance":
      // A retried join of the current generation: answer it again instead of starting over.
      if (m.matches(req.protocols)) return refresh(m, input, group.currentJoinReply(m.memberId));
      return updateAndRebalance(group, m, input, out);
    case "Stable":
      // The leader rejoining means it wants a new assignment (e.g. metadata changed); so does new metadata.
      if (group.isLeader(m.memberId) || !m.matches(req.protocols)) return updateAndRebalance(group, m, input, out);
      return refresh(m, input, group.currentJoinReply(m.memberId));
    case "Empty":
    case "Dead":
      return joinError(req.memberId, "UNKNOWN_MEMBER_ID");
  }
}

function refresh(m: Member, input: JoinInput, reply: JoinReply): JoinReply {
  m.heartbeatMs = input.nowMs;
  return reply;
}

function updateAndRebalance(group: ClassicGroup, m: Member, input: JoinInput, out: Effect[]): null {
  const req = input.request;
  // A second join while one is parked: the client gave up on the first, so answer it now.
  if (m.joinTicket !== null) out.push({ type: "join-reply", ticket: m.joinTicket, reply: joinError(m.memberId, "REBALANCE_IN_PROGRESS") });
  m.protocols = ownedProtocols(req.protocols);
  m.sessionTimeoutMs = req.sessionTimeoutMs;
  m.rebalanceTimeoutMs = rebalanceTimeoutOf(req);
  m.clientId = input.client.clientId;
  m.clientHost = input.client.clientHost;
  m.joinTicket = input.ticket;
  m.heartbeatMs = input.nowMs;
  if (group.state === "PreparingRebalance") group.maybeCompleteJoin(input.nowMs, out);
  else group.prepareRebalance(input.nowMs, out);
  return null;
}

/**
 * A static member restarted (known instance id, no member id): the new id replaces the old one, which is
 * fenced. In a Stable group whose selected protocol and this member's metadata for it are unchanged
 * there is no rebalance: the member gets the current generation back and keeps its assignment
 * (the leader gets the members with skipAssignment, KIP-814). Otherwise the group rebalances.
 */
function replaceStatic(group: ClassicGroup, memberId: string, input: JoinInput, out: Effect[]): JoinReply | null {
  const req = input.request;
  const oldId = group.staticMembers.get(req.groupInstanceId!)!;
  const old = group.members.get(oldId)!;
  const m = newMember(memberId, input);
  group.replaceStaticMember(oldId, m, out);
  if (group.state === "Stable") {
    const protocol = group.protocolName!;
    const before = old.metadataFor(protocol);
    const after = m.metadataFor(protocol);
    if (group.selectProtocol() === protocol && before !== undefined && after !== undefined && bytesEqual(before, after)) {
      out.push(group.persistEffect());
      return group.currentJoinReply(memberId, group.isLeader(memberId));
    }
    m.joinTicket = input.ticket;
    group.prepareRebalance(input.nowMs, out);
    return null;
  }
  m.joinTicket = input.ticket;
  if (group.state === "CompletingRebalance") group.prepareRebalance(input.nowMs, out);
  else group.maybeCompleteJoin(input.nowMs, out);
  return null;
}
