/**
 * The group coordinator core for one `__consumer_offsets` partition: every classic group whose id
 * hashes to that partition (see `offsetsPartitionFor` in records.ts) and their committed offsets.
 * Pure and synchronous: no clock, no timers, no I/O; member ids come from the injected generator.
 *
 * ## Contract for the shell (broker/groups/driver.ts)
 *
 * 1. **Create** one coordinator per `__consumer_offsets` partition this broker leads, after replaying
 *    that partition from its start: `new GroupCoordinator({ nowMs, newMemberId, loaded: loadGroups(records) })`.
 *    Until then answer group requests with COORDINATOR_LOAD_IN_PROGRESS; for groups of partitions this
 *    broker does not lead, NOT_COORDINATOR. Drop the instance when leadership goes.
 * 2. **Call** `handleJoin/handleSync/handleHeartbeat/handleLeave/handleCommit/handleFetch/handleOffsetDelete/
 *    handleDeleteGroups(request, ..., nowMs)` one at a time (the core is not re-entrant), and `tick(nowMs)`
 *    periodically (every ~100-500 ms; expiries are detected at the first tick past them).
 *    Each returns an {@link Outcome}: `{ response?, parked?, effects }`.
 *    - `response` set: this request's answer.
 *    - `parked` set (JoinGroup, SyncGroup only): keep the request's responder under that ticket; a later
 *      call's or tick's `join-reply` / `sync-reply` effect with that ticket answers it. Every parked
 *      ticket is answered exactly once, as long as the coordinator lives. If the coordinator is dropped
 *      (leadership lost), answer all parked tickets with NOT_COORDINATOR. If a client's connection closes,
 *      its parked reply is simply discarded when it comes (the member then expires or rejoins).
 * 3. **Effects**, in order:
 *    - `persist`: append `records` (key/value bytes, null value = tombstone) as one RecordBatch to the
 *      `__consumer_offsets` partition of `groupId`, acks=all.
 *    - `join-reply` / `sync-reply`: answer the parked request `ticket`.
 *    **Durability rule:** if an outcome has any `persist` effect, release its `response` and all of its
 *    replies only after every append of that outcome is durable (the in-memory state is already
 *    updated: a client must not act on state the log might lose). Outcomes without persist may be
 *    answered at once, but still after earlier outcomes' gated answers to the same clients.
 *    **If an append fails**, answer the gated response and replies with NOT_COORDINATOR and drop this
 *    coordinator and reload the partition (the log is the truth; memory may be ahead of it), as Kafka does
 *    when it loses a partition. Clients then find the coordinator again and retry.
 * 4. **Errors** in replies are Kafka numbers (`errorCode`), ready for the wire. Replies use the
 *    response schemas' field names; version-specific shaping (v0-2 LeaveGroup's single error, v0-7
 *    OffsetFetch's top-level layout, fields absent from old versions) is the handler's job.
 *    Topic existence and authorization are the handler's checks, done before calling in.
 */
import { type ErrorCode, assert } from "../../protocol/errors.ts";
import { utf8ByteLength } from "../../protocol/primitives.ts";
import { ClassicGroup, joinError, syncError, wire } from "./group.ts";
import { joinGroup, type MemberIdGenerator } from "./join.ts";
import { leaveGroup } from "./leave.ts";
import { type GroupLimits, groupLimits } from "./limits.ts";
import { type LoadedGroups, restoreGroup } from "./load.ts";
import {
  type CommitRequest, type FetchGroupReply, type FetchGroupRequest, type OffsetContext, type TopicPartitionErrors,
  commitOffsets, deleteGroup, deleteOffsets, fetchOffsets, tombstonesFor,
} from "./offset-ops.ts";
import { OffsetStore } from "./offsets.ts";
import { encodeOffsetKey } from "./records.ts";
import { heartbeat, syncGroup } from "./sync.ts";
import type { ClientInfo, Effect, HeartbeatRequest, JoinReply, JoinRequest, LeaveReply, LeavingMember, Outcome, SyncReply, SyncRequest, Ticket } from "./types.ts";
import { type DescribedGroup, type ListedGroup, describeError, describedGroup, listedGroup, matchesFilters } from "./views.ts";

export interface CoordinatorOptions {
  /** The clock reading at load: restored members' sessions start here. */
  readonly nowMs: number;
  readonly newMemberId: MemberIdGenerator;
  readonly limits?: Partial<GroupLimits>;
  /** State replayed from the partition; none for a fresh partition. */
  readonly loaded?: LoadedGroups;
}

/** The pure group coordinator of one `__consumer_offsets` partition. See the file comment for the contract. */
export class GroupCoordinator {
  readonly limits: GroupLimits;
  readonly #groups = new Map<string, ClassicGroup>();
  readonly #offsets: OffsetStore;
  readonly #newMemberId: MemberIdGenerator;
  #nextTicket: Ticket = 1;

  constructor(options: CoordinatorOptions) {
    this.limits = groupLimits(options.limits);
    this.#newMemberId = options.newMemberId;
    this.#offsets = options.loaded?.offsets ?? new OffsetStore();
    for (const [id, value] of options.loaded?.groups ?? []) this.#groups.set(id, restoreGroup(id, value, this.limits, options.nowMs));
    // Groups known only by their offsets (simple consumers, or metadata deleted) come back Empty.
    for (const id of this.#offsets.groupIds()) {
      if (!this.#groups.has(id)) this.#groups.set(id, new ClassicGroup(id, this.limits, options.nowMs));
    }
  }

  /** INVALID_GROUP_ID for empty or over-long ids, else null. */
  #groupIdError(groupId: string): ErrorCode | null {
    return groupId === "" || utf8ByteLength(groupId) > this.limits.groupIdBytesMax ? "INVALID_GROUP_ID" : null;
  }

  #createGroup(groupId: string, nowMs: number): ClassicGroup | null {
    if (this.#groups.size >= this.limits.groupsMax) return null;
    const g = new ClassicGroup(groupId, this.limits, nowMs);
    this.#groups.set(groupId, g);
    return g;
  }

  /** Turns "parked and already answered in the same call" into a plain response. */
  #settle<R>(ticket: Ticket, reply: R | null, effects: Effect[]): Outcome<R> {
    if (reply !== null) return { response: reply, effects };
    const i = effects.findIndex((e) => e.type !== "persist" && e.ticket === ticket);
    if (i < 0) return { parked: ticket, effects };
    const own = effects.splice(i, 1)[0] as Extract<Effect, { reply: unknown }>;
    return { response: own.reply as R, effects };
  }

  /** JoinGroup. May park; see the contract. */
  handleJoin(request: JoinRequest, client: ClientInfo, nowMs: number): Outcome<JoinReply> {
    const idError = this.#groupIdError(request.groupId);
    if (idError !== null) return { response: joinError(request.memberId, idError), effects: [] };
    const { sessionTimeoutMsMin, sessionTimeoutMsMax } = this.limits;
    if (request.sessionTimeoutMs < sessionTimeoutMsMin || request.sessionTimeoutMs > sessionTimeoutMsMax) {
      return { response: joinError(request.memberId, "INVALID_SESSION_TIMEOUT"), effects: [] };
    }
    // Strings the group record would have to store must fit it; refuse them before any state changes.
    const tooLong = (x: string | null) => x !== null && utf8ByteLength(x) > this.limits.joinStringBytesMax;
    if (tooLong(request.protocolType) || tooLong(request.groupInstanceId) || request.protocols.some((p) => tooLong(p.name))) {
      return { response: joinError(request.memberId, "INVALID_REQUEST"), effects: [] };
    }
    let group = this.#groups.get(request.groupId);
    const isNewGroup = group === undefined;
    if (group === undefined) {
      if (request.memberId !== "") return { response: joinError(request.memberId, "UNKNOWN_MEMBER_ID"), effects: [] };
      const created = this.#createGroup(request.groupId, nowMs);
      if (created === null) return { response: joinError("", "COORDINATOR_NOT_AVAILABLE"), effects: [] };
      group = created;
    }
    const ticket = this.#nextTicket++;
    const effects: Effect[] = [];
    const reply = joinGroup(group, { request, client, ticket, nowMs, newMemberId: this.#newMemberId }, effects);
    // A refused first join leaves no trace (no group appears in ListGroups for a bad request).
    if (isNewGroup && group.state === "Empty" && group.pendingMembers.size === 0) this.#groups.delete(request.groupId);
    return this.#settle(ticket, reply, effects);
  }

  /** SyncGroup. May park; see the contract. */
  handleSync(request: SyncRequest, nowMs: number): Outcome<SyncReply> {
    const idError = this.#groupIdError(request.groupId);
    if (idError !== null) return { response: syncError(idError), effects: [] };
    const group = this.#groups.get(request.groupId);
    if (group === undefined) return { response: syncError("UNKNOWN_MEMBER_ID"), effects: [] };
    const ticket = this.#nextTicket++;
    const effects: Effect[] = [];
    return this.#settle(ticket, syncGroup(group, request, ticket, nowMs, effects), effects);
  }

  /** Heartbeat. Never parks, never persists. */
  handleHeartbeat(request: HeartbeatRequest, nowMs: number): Outcome<{ errorCode: number }> {
    const idError = this.#groupIdError(request.groupId);
    if (idError !== null) return { response: { errorCode: wire(idError) }, effects: [] };
    const group = this.#groups.get(request.groupId);
    if (group === undefined) return { response: { errorCode: wire("UNKNOWN_MEMBER_ID") }, effects: [] };
    return { response: { errorCode: heartbeat(group, request, nowMs) }, effects: [] };
  }

  /** LeaveGroup (v0-2: pass one member with groupInstanceId null). May answer other members' parked requests. */
  handleLeave(request: { groupId: string; members: readonly LeavingMember[] }, nowMs: number): Outcome<LeaveReply> {
    const idError = this.#groupIdError(request.groupId);
    if (idError !== null) return { response: { errorCode: wire(idError), members: [] }, effects: [] };
    const group = this.#groups.get(request.groupId);
    if (group === undefined) {
      const members = request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: wire("UNKNOWN_MEMBER_ID") }));
      return { response: { errorCode: 0, members }, effects: [] };
    }
    const effects: Effect[] = [];
    return { response: leaveGroup(group, request.members, nowMs, effects), effects };
  }

  #offsetContext(nowMs: number): OffsetContext {
    return {
      groups: this.#groups, offsets: this.#offsets, limits: this.limits, nowMs,
      groupForSimpleCommit: (id) => this.#createGroup(id, nowMs),
    };
  }

  /** OffsetCommit. Persists the offsets; answer only once they are durable. */
  handleCommit(request: CommitRequest, nowMs: number): Outcome<TopicPartitionErrors> {
    const effects: Effect[] = [];
    const response = commitOffsets(this.#offsetContext(nowMs), request, this.#groupIdError(request.groupId), effects);
    return { response, effects };
  }

  /** OffsetFetch for one group (call once per group of a v8+ request). */
  handleFetch(request: FetchGroupRequest, nowMs: number): Outcome<FetchGroupReply> {
    return { response: fetchOffsets(this.#offsetContext(nowMs), request, this.#groupIdError(request.groupId)), effects: [] };
  }

  /** OffsetDelete. Persists tombstones. */
  handleOffsetDelete(request: Parameters<typeof deleteOffsets>[1], nowMs: number): Outcome<TopicPartitionErrors & { errorCode: number }> {
    const effects: Effect[] = [];
    const response = deleteOffsets(this.#offsetContext(nowMs), request, this.#groupIdError(request.groupId), effects);
    return { response, effects };
  }

  /** DeleteGroups for the groups of this partition. Persists tombstones. */
  handleDeleteGroups(groupIds: readonly string[], nowMs: number): Outcome<{ groupId: string; errorCode: number }[]> {
    const effects: Effect[] = [];
    const ctx = this.#offsetContext(nowMs);
    const response = groupIds.map((groupId) => {
      const code = this.#groupIdError(groupId) ?? deleteGroup(ctx, groupId, effects);
      return { groupId, errorCode: code === null ? 0 : wire(code) };
    });
    return { response, effects };
  }

  /** ListGroups over this partition's groups (the handler concatenates partitions). */
  listGroups(statesFilter: readonly string[] = [], typesFilter: readonly string[] = []): ListedGroup[] {
    return [...this.#groups.values()].filter((g) => matchesFilters(g, statesFilter, typesFilter)).map(listedGroup);
  }

  /** DescribeGroups for groups of this partition. */
  describeGroups(groupIds: readonly string[]): DescribedGroup[] {
    return groupIds.map((id) => {
      const idError = this.#groupIdError(id);
      return idError !== null ? describeError(id, idError) : describedGroup(id, this.#groups.get(id));
    });
  }

  /**
   * Advances time: ends join phases at their deadline, expires members and pending member ids, expires
   * Empty groups' offsets after `offsetsRetentionMs`, and deletes Empty groups without offsets after
   * `emptyGroupRetentionMs` (with a tombstone when a group record was ever written), as Kafka's cleanup does.
   */
  tick(nowMs: number): { effects: Effect[] } {
    const effects: Effect[] = [];
    for (const g of [...this.#groups.values()]) {
      g.tick(nowMs, effects);
      if (g.state !== "Empty" || g.pendingMembers.size > 0) continue;
      this.#expireOffsets(g, nowMs, effects);
      if (this.#offsets.hasGroup(g.groupId) || nowMs < g.stateTimestampMs + this.limits.emptyGroupRetentionMs) continue;
      // Generation 0 means no group record was ever written: nothing to tombstone.
      if (g.generationId > 0) effects.push({ type: "persist", groupId: g.groupId, records: tombstonesFor({ offsets: this.#offsets }, g.groupId) });
      g.markDead(nowMs);
      this.#groups.delete(g.groupId);
    }
    return { effects };
  }

  /**
   * Expires the offsets of an Empty group (KIP-211): retention counts from when the group became Empty,
   * or, for a group that never had members (no protocol type), from each commit.
   */
  #expireOffsets(g: ClassicGroup, nowMs: number, effects: Effect[]): void {
    const records = [];
    for (const [topic, partition, o] of [...this.#offsets.entries(g.groupId)]) {
      const baseMs = g.protocolType !== null ? Math.max(g.stateTimestampMs, o.commitTimestampMs) : o.commitTimestampMs;
      if (nowMs < baseMs + this.limits.offsetsRetentionMs) continue;
      this.#offsets.delete(g.groupId, topic, partition);
      records.push({ key: encodeOffsetKey(g.groupId, topic, partition), value: null });
    }
    if (records.length > 0) effects.push({ type: "persist", groupId: g.groupId, records });
  }

  /** A group, for inspection (tests, admin views). Do not mutate. */
  group(groupId: string): ClassicGroup | undefined {
    return this.#groups.get(groupId);
  }

  /** The committed offset of one partition, for inspection. */
  committedOffset(groupId: string, topic: string, partition: number) {
    return this.#offsets.get(groupId, topic, partition);
  }

  /** Asserts every group's invariants (tests and simulators run this after each step). */
  checkInvariants(): void {
    const tickets = new Set<Ticket>();
    for (const g of this.#groups.values()) {
      g.checkInvariants();
      for (const t of g.parkedTickets()) {
        assert(!tickets.has(t), `ticket ${t} parked once`);
        tickets.add(t);
      }
    }
  }
}
