/**
 * One classic consumer group as a pure state machine (Kafka's JoinGroup/SyncGroup protocol):
 *
 *   Empty --join--> PreparingRebalance --all rejoined or rebalance timeout--> CompletingRebalance
 *   CompletingRebalance --leader's SyncGroup--> Stable --join/leave/expiry/metadata change--> PreparingRebalance
 *   PreparingRebalance --no member left--> Empty;  Empty --DeleteGroups--> Dead
 *
 * This file holds the state and the transitions shared by every request; the requests themselves are
 * in join.ts, sync.ts and leave.ts. Nothing here reads a clock: every entry point takes `nowMs`, and
 * work for the shell (replies to parked requests, records to persist) is pushed onto `out`.
 *
 * Invariants (asserted): a parked ticket belongs to exactly one member and is answered exactly once;
 * members park joins only while PreparingRebalance and syncs only while CompletingRebalance; the leader
 * is a member whenever there are members.
 */
import { type ErrorCode, assert, kafkaCodeOf } from "../../protocol/errors.ts";
import type { GroupLimits } from "./limits.ts";
import { EMPTY_BYTES, Member } from "./member.ts";
import { encodeGroupKey, encodeGroupValue, type GroupValue } from "./records.ts";
import { subscriptionTopics } from "./subscribed-topics.ts";
import type { Effect, GroupState, JoinReply, SyncReply, Ticket } from "./types.ts";

/** Kafka's wire number for an error code. */
export function wire(code: ErrorCode): number {
  return kafkaCodeOf(code);
}

/** A JoinGroup reply carrying only an error. */
export function joinError(memberId: string, code: ErrorCode): JoinReply {
  return { errorCode: wire(code), generationId: -1, protocolType: null, protocolName: null, leader: "", skipAssignment: false, memberId, members: [] };
}

/** A SyncGroup reply carrying only an error. */
export function syncError(code: ErrorCode): SyncReply {
  return { errorCode: wire(code), protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}

export class ClassicGroup {
  readonly groupId: string;
  readonly limits: GroupLimits;
  state: GroupState = "Empty";
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** In join order: the first member becomes leader when the leader goes. */
  members = new Map<string, Member>();
  /** groupInstanceId -> memberId, for static members. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, with the time by which they must join. */
  readonly pendingMembers = new Map<string, number>();
  /** When the current join phase ends at the latest (PreparingRebalance only). */
  joinDeadlineMs = 0;
  /** Set while the first rebalance of an Empty group is held back (group.initial.rebalance.delay.ms). */
  initialDelay: { capMs: number; newMemberAdded: boolean } | null = null;
  stateTimestampMs: number;
  /** Topics the members subscribe to, for "consumer" groups; null when unknown (treated as "all"). */
  subscribedTopics: Set<string> | null = null;

  constructor(groupId: string, limits: GroupLimits, nowMs: number) {
    this.groupId = groupId;
    this.limits = limits;
    this.stateTimestampMs = nowMs;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** A static member whose instance id now belongs to another member id is fenced. */
  isFenced(groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  /**
   * Whether a member with these protocols may be in the group: same protocol type and one protocol
   * every other member supports. `self` is left out of the count so a lone member can switch protocol
   * names (not the protocol type).
   */
  supportsProtocols(protocolType: string, protocols: readonly { name: string }[], self?: string): boolean {
    if (protocolType === "" || protocols.length === 0) return false;
    // A group with members keeps its protocol type (Kafka's rule), even for its lone member rejoining:
    // the type is set by the first member and SyncGroup checks it.
    if (this.members.size > 0 && protocolType !== this.protocolType) return false;
    const others = [...this.members.values()].filter((m) => m.memberId !== self);
    if (others.length === 0) return true;
    return protocols.some((p) => others.every((m) => m.metadataFor(p.name) !== undefined));
  }

  /** Kafka's vote: among protocols all members support, each member votes its most preferred; most votes wins. */
  selectProtocol(): string {
    const all = [...this.members.values()];
    assert(all.length > 0, "selectProtocol needs members");
    const candidates = all[0]!.protocols.map((p) => p.name).filter((n) => all.every((m) => m.metadataFor(n) !== undefined));
    assert(candidates.length > 0, `group ${this.groupId}: members share a protocol`);
    const votes = new Map<string, number>();
    for (const m of all) {
      const choice = m.protocols.find((p) => candidates.includes(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    // Ties go to the first member's preference, so the choice is deterministic.
    let best = candidates[0]!;
    for (const c of candidates) if ((votes.get(c) ?? 0) > (votes.get(best) ?? 0)) best = c;
    return best;
  }

  #transition(to: GroupState, nowMs: number): void {
    this.state = to;
    this.stateTimestampMs = nowMs;
  }

  /** Adds a member; the caller decides whether that starts a rebalance. */
  addMember(m: Member): void {
    assert(!this.members.has(m.memberId), `member ${m.memberId} is new`);
    assert(this.members.size + this.pendingMembers.size < this.limits.groupMembersMax || this.pendingMembers.has(m.memberId), "group below its member cap");
    if (this.members.size === 0) this.protocolType = m.protocolType;
    this.pendingMembers.delete(m.memberId);
    this.members.set(m.memberId, m);
    if (m.groupInstanceId !== null) this.staticMembers.set(m.groupInstanceId, m.memberId);
    if (this.leaderId === null) this.leaderId = m.memberId;
    if (this.initialDelay !== null) this.initialDelay.newMemberAdded = true;
  }

  /** Removes a member, answering its parked requests with `code`, and rebalances as its state requires. */
  removeMember(memberId: string, code: ErrorCode, nowMs: number, out: Effect[]): void {
    this.#dropMember(memberId, code, out);
    if (this.state === "Stable" || this.state === "CompletingRebalance") this.prepareRebalance(nowMs, out);
    else if (this.state === "PreparingRebalance") this.maybeCompleteJoin(nowMs, out);
  }

  #dropMember(memberId: string, code: ErrorCode, out: Effect[]): void {
    const m = this.members.get(memberId);
    assert(m !== undefined, `member ${memberId} exists`);
    if (m.joinTicket !== null) out.push({ type: "join-reply", ticket: m.joinTicket, reply: joinError(memberId, code) });
    if (m.syncTicket !== null) out.push({ type: "sync-reply", ticket: m.syncTicket, reply: syncError(code) });
    m.joinTicket = m.syncTicket = null;
    this.members.delete(memberId);
    if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === memberId) this.staticMembers.delete(m.groupInstanceId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /**
   * Puts `replacement` where the static member `oldId` was (same instance id, same join position,
   * same assignment), fencing the old id: its parked requests get FENCED_INSTANCE_ID.
   */
  replaceStaticMember(oldId: string, replacement: Member, out: Effect[]): void {
    const old = this.members.get(oldId);
    assert(old !== undefined && old.groupInstanceId === replacement.groupInstanceId, "replacing a known static member");
    if (old.joinTicket !== null) out.push({ type: "join-reply", ticket: old.joinTicket, reply: joinError(oldId, "FENCED_INSTANCE_ID") });
    if (old.syncTicket !== null) out.push({ type: "sync-reply", ticket: old.syncTicket, reply: syncError("FENCED_INSTANCE_ID") });
    replacement.assignment = old.assignment;
    replacement.isNew = old.isNew;
    const next = new Map<string, Member>();
    for (const [id, m] of this.members) next.set(id === oldId ? replacement.memberId : id, id === oldId ? replacement : m);
    this.members = next;
    this.staticMembers.set(replacement.groupInstanceId!, replacement.memberId);
    if (this.leaderId === oldId) this.leaderId = replacement.memberId;
  }

  /** Starts a join phase. From CompletingRebalance, parked syncs learn they must rejoin. */
  prepareRebalance(nowMs: number, out: Effect[]): void {
    assert(this.state !== "Dead" && this.state !== "PreparingRebalance", `prepareRebalance from ${this.state}`);
    if (this.state === "CompletingRebalance") {
      for (const m of this.members.values()) {
        m.assignment = EMPTY_BYTES;
        if (m.syncTicket !== null) out.push({ type: "sync-reply", ticket: m.syncTicket, reply: syncError("REBALANCE_IN_PROGRESS") });
        m.syncTicket = null;
      }
    }
    const rebalanceTimeoutMs = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    const delayMs = Math.min(this.limits.initialRebalanceDelayMs, rebalanceTimeoutMs);
    if (this.state === "Empty" && delayMs > 0) {
      this.initialDelay = { capMs: nowMs + rebalanceTimeoutMs, newMemberAdded: false };
      this.joinDeadlineMs = nowMs + delayMs;
    } else {
      this.initialDelay = null;
      this.joinDeadlineMs = nowMs + rebalanceTimeoutMs;
    }
    this.#transition("PreparingRebalance", nowMs);
    this.maybeCompleteJoin(nowMs, out);
  }

  /** Completes the join phase early when every member (and no pending one) has rejoined. */
  maybeCompleteJoin(nowMs: number, out: Effect[]): void {
    if (this.state !== "PreparingRebalance" || this.initialDelay !== null) return;
    if (this.pendingMembers.size > 0) return;
    for (const m of this.members.values()) if (m.joinTicket === null) return;
    this.completeJoin(nowMs, out);
  }

  /** Ends the join phase: drops members that did not rejoin, starts the next generation, answers the joins. */
  completeJoin(nowMs: number, out: Effect[]): void {
    assert(this.state === "PreparingRebalance", `completeJoin from ${this.state}`);
    this.initialDelay = null;
    for (const m of [...this.members.values()]) if (m.joinTicket === null) this.#dropMember(m.memberId, "UNKNOWN_MEMBER_ID", out);
    this.generationId++;
    if (this.members.size === 0) {
      this.protocolName = null;
      this.subscribedTopics = null;
      this.#transition("Empty", nowMs);
      out.push(this.persistEffect());
      return;
    }
    this.protocolName = this.selectProtocol();
    this.refreshSubscribedTopics();
    this.#transition("CompletingRebalance", nowMs);
    for (const m of this.members.values()) {
      assert(m.joinTicket !== null, "every remaining member rejoined");
      out.push({ type: "join-reply", ticket: m.joinTicket, reply: this.currentJoinReply(m.memberId) });
      m.joinTicket = null;
      m.isNew = false;
      m.heartbeatMs = nowMs;
    }
  }

  /** The join answer for the current generation; only the leader gets the members' metadata. */
  currentJoinReply(memberId: string, skipAssignment = false): JoinReply {
    const protocol = this.protocolName;
    assert(protocol !== null, "a generation with members has a protocol");
    const members = this.isLeader(memberId)
      ? [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol)! }))
      : [];
    return {
      errorCode: 0, generationId: this.generationId, protocolType: this.protocolType, protocolName: protocol,
      leader: this.leaderId ?? "", skipAssignment, memberId, members,
    };
  }

  /** Recomputes {@link subscribedTopics} from the members' metadata for the selected protocol. */
  refreshSubscribedTopics(): void {
    this.subscribedTopics = null;
    if (this.protocolType !== "consumer" || this.protocolName === null) return;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const list = subscriptionTopics(m.metadataFor(this.protocolName) ?? new Uint8Array(0));
      if (list === null) return;
      for (const t of list) topics.add(t);
    }
    this.subscribedTopics = topics;
  }

  /** Ends the join phase at its deadline, expires pending ids and dead members. */
  tick(nowMs: number, out: Effect[]): void {
    for (const [id, deadlineMs] of [...this.pendingMembers]) {
      if (nowMs >= deadlineMs) this.pendingMembers.delete(id);
    }
    for (const m of [...this.members.values()]) {
      // A removal may end the join phase and drop other members: skip those.
      if (this.members.get(m.memberId) !== m) continue;
      if (!m.isAlive(nowMs, this.limits.newMemberJoinTimeoutMs)) this.removeMember(m.memberId, "UNKNOWN_MEMBER_ID", nowMs, out);
    }
    if (this.state !== "PreparingRebalance") return;
    if (nowMs < this.joinDeadlineMs) return this.maybeCompleteJoin(nowMs, out);
    const delay = this.initialDelay;
    if (delay !== null && delay.newMemberAdded && this.joinDeadlineMs < delay.capMs) {
      // Members are still arriving: wait one more delay (bounded by the rebalance timeout), as Kafka does.
      delay.newMemberAdded = false;
      this.joinDeadlineMs = Math.min(this.joinDeadlineMs + this.limits.initialRebalanceDelayMs, delay.capMs);
      return;
    }
    this.completeJoin(nowMs, out);
  }

  /** Marks the group deleted; only an Empty group may die. */
  markDead(nowMs: number): void {
    assert(this.state === "Empty" && this.members.size === 0, "only an Empty group is deleted");
    this.pendingMembers.clear();
    this.#transition("Dead", nowMs);
  }

  /** The group's metadata record (written when a generation becomes Stable, or the group Empty). */
  toValue(): GroupValue {
    const protocol = this.protocolName;
    return {
      protocolType: this.protocolType ?? "",
      generation: this.generationId,
      protocol,
      leader: this.leaderId,
      currentStateTimestampMs: this.stateTimestampMs,
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs, sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: protocol === null ? EMPTY_BYTES : (m.metadataFor(protocol) ?? EMPTY_BYTES), assignment: m.assignment,
      })),
    };
  }

  /** A persist effect carrying the group's current metadata. */
  persistEffect(): Effect {
    return { type: "persist", groupId: this.groupId, records: [{ key: encodeGroupKey(this.groupId), value: encodeGroupValue(this.toValue()) }] };
  }

  /** Parked tickets, for checkers: each must belong to one member. */
  parkedTickets(): Ticket[] {
    const t: Ticket[] = [];
    for (const m of this.members.values()) {
      if (m.joinTicket !== null) t.push(m.joinTicket);
      if (m.syncTicket !== null) t.push(m.syncTicket);
    }
    return t;
  }

  /** Asserts the invariants; cheap enough to run after every step in tests. */
  checkInvariants(): void {
    for (const m of this.members.values()) {
      if (m.joinTicket !== null) assert(this.state === "PreparingRebalance", `join parked only while PreparingRebalance (${this.state})`);
      if (m.syncTicket !== null) assert(this.state === "CompletingRebalance", `sync parked only while CompletingRebalance (${this.state})`);
      if (m.groupInstanceId !== null) assert(this.staticMembers.get(m.groupInstanceId) === m.memberId, "static map points at the member");
    }
    assert(this.staticMembers.size <= this.members.size, "static map has no strays");
    assert((this.members.size === 0) === (this.leaderId === null), "leader exists iff members do");
    if (this.leaderId !== null) assert(this.members.has(this.leaderId), "leader is a member");
    if (this.state === "Empty" || this.state === "Dead") assert(this.members.size === 0, `${this.state} group has no members`);
    assert(new Set(this.parkedTickets()).size === this.parkedTickets().length, "tickets unique");
  }
}
