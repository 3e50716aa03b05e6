/**
 * The Raft core: a pure, deterministic state machine (after etcd-io/raft). It does no I/O, reads no clock
 * and draws randomness only from the injected source. Drive it with `tick()`, `step(message)`,
 * `propose(data)`; collect work with `ready()`; do that work in the order documented on {@link Ready};
 * then `advance(ready)`. Role-specific handling lives in leader.ts, follower.ts and election.ts (campaigns
 * and votes); this file holds the state, the role transitions and the Ready.
 */
import { assert, StreamBusError } from "../protocol/errors.ts";
import { campaign, handleVoteRequest, inLease, stepCandidate, tickElection } from "./election.ts";
import { stepFollower } from "./follower.ts";
import { addReadRequest, bcastAppend, maybeCommit, sendAppend, stepLeader, syncProgress, tickLeader } from "./leader.ts";
import { RaftLog } from "./log.ts";
import { applyConfChange, encodeConf, type ConfChange, decodeConf, Membership, quorumOf } from "./membership.ts";
import { resolveOptions, type RaftOptions, type ResolvedOptions } from "./options.ts";
import { Progress } from "./progress.ts";
import {
  EntryKind,
  NONE,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type Outgoing,
  type Proposed,
  type RaftStatus,
  type ReadState,
  type Ready,
  type Role,
  type Snapshot,
} from "./types.ts";

export type { Outgoing, Proposed, RaftStatus } from "./types.ts";

/** @internal fields are shared with leader.ts, follower.ts and election.ts; shells use only the methods. */
export class RaftCore {
  readonly opts: ResolvedOptions;
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  role: Role = "follower";
  readonly log = new RaftLog();
  readonly membership: Membership;
  progress = new Map<NodeId, Progress>();
  votes = new Map<NodeId, boolean>();
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  leadTransferee: NodeId = NONE;
  /** Leader: reads waiting for a quorum of heartbeat acks, oldest first. */
  pendingReads: { ctx: number; index: number; acks: Set<NodeId> }[] = [];
  /** The newest snapshot, kept to send to followers that fell behind compaction. */
  lastSnapshot: Snapshot | null = null;
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  #snapshotToInstall: Snapshot | null = null;
  #prevHardState: HardState;
  #readyOutstanding = false;

  constructor(options: RaftOptions) {
    this.opts = resolveOptions(options);
    this.id = this.opts.id;
    const p = this.opts.persisted;
    const snap = p?.snapshot ?? null;
    this.membership = new Membership(snap?.index ?? 0, snap?.conf ?? this.opts.bootstrap);
    if (snap) {
      this.log.restore(snap);
      this.lastSnapshot = snap;
    }
    if (p) {
      this.log.append(p.entries);
      for (const e of p.entries) if (e.kind === EntryKind.Config) this.membership.added(e.index, decodeConf(e.data));
      this.log.stableIndex = this.log.lastIndex();
      this.term = p.hardState.term;
      this.vote = p.hardState.vote;
      if (p.hardState.commit > this.log.commit) this.log.commitTo(p.hardState.commit);
    }
    this.#prevHardState = this.hardState();
    this.resetRandomizedTimeout();
  }

  // ---- public API ----

  /** Advances logical time by one tick: elections for followers, heartbeats and check-quorum for leaders. */
  tick(): void {
    this.#assertNotInReady();
    if (this.role === "leader") return tickLeader(this);
    tickElection(this);
  }

  /** Feeds one message from a peer. Messages for another node or from an unknown term are handled per Raft. */
  step(m: Message): void {
    this.#assertNotInReady();
    assert(m.to === this.id, `message for ${m.to} stepped into ${this.id}`);
    if (m.term > this.term) {
      if ((m.type === "vote" || m.type === "preVote") && !m.transfer && inLease(this)) return;
      const keepTerm = m.type === "preVote" || (m.type === "preVoteResp" && !m.reject);
      if (!keepTerm) {
        const fromLeader = m.type === "append" || m.type === "heartbeat" || m.type === "snapshot";
        this.becomeFollower(m.term, fromLeader ? m.from : NONE);
      }
    } else if (m.term < this.term) {
      // Tell a stale leader about the newer term so it steps down (otherwise, with pre-vote and
      // check-quorum, a node stuck at a higher term could never rejoin).
      if (m.type === "append" || m.type === "heartbeat") this.send({ type: "appendResp", to: m.from, reject: true, index: 0, hintIndex: 0 });
      else if (m.type === "preVote") this.send({ type: "preVoteResp", to: m.from, reject: true });
      return;
    }
    if (m.type === "vote" || m.type === "preVote") return handleVoteRequest(this, m);
    if (this.role === "leader") return stepLeader(this, m);
    if (this.role === "follower") return stepFollower(this, m);
    stepCandidate(this, m);
  }

  /** Appends `data` as a new entry if this node leads; null otherwise (or during a leadership transfer). */
  propose(data: Uint8Array): Proposed | null {
    this.#assertNotInReady();
    if (this.role !== "leader" || this.leadTransferee !== NONE) return null;
    return this.appendAsLeader(EntryKind.Normal, data);
  }

  /**
   * Proposes one membership change. Throws NOT_CONTROLLER when not leading, INVALID_REQUEST when a change
   * is still uncommitted, this term has not committed yet, the change is invalid, or it removes the leader
   * (transfer leadership first).
   */
  proposeConfChange(change: ConfChange): Proposed {
    this.#assertNotInReady();
    if (this.role !== "leader" || this.leadTransferee !== NONE) throw new StreamBusError("NOT_CONTROLLER", `node ${this.id} is not the leader`);
    if (this.membership.lastChangeIndex() > this.log.commit) throw new StreamBusError("INVALID_REQUEST", "a membership change is still uncommitted");
    if (this.log.term(this.log.commit) !== this.term) throw new StreamBusError("INVALID_REQUEST", "the leader has not committed in its term yet");
    if (change.type !== "addVoter" && change.nodeId === this.id) throw new StreamBusError("INVALID_REQUEST", "transfer leadership before removing the leader");
    const conf = applyConfChange(this.membership.current(), change);
    return this.appendAsLeader(EntryKind.Config, encodeConf(conf));
  }

  /**
   * Asks for a linearizable read point. Leader only, and only once its term committed an entry;
   * false otherwise (retry later or ask the leader). The answer arrives as a ReadState with this `ctx`.
   */
  readIndex(ctx: number): boolean {
    this.#assertNotInReady();
    if (this.role !== "leader" || this.log.term(this.log.commit) !== this.term) return false;
    if (this.pendingReads.length >= this.opts.readsPendingMax) return false;
    assert(ctx > 0, "read ctx must be positive");
    addReadRequest(this, ctx);
    return true;
  }

  /** Starts handing leadership to `to` (a voter); it campaigns once its log has caught up. */
  transferLeadership(to: NodeId): boolean {
    this.#assertNotInReady();
    if (this.role !== "leader" || to === this.id || !this.membership.isVoter(to)) return false;
    if (this.leadTransferee === to) return true;
    this.leadTransferee = to;
    this.electionElapsed = 0;
    const pr = this.progress.get(to)!;
    if (pr.match === this.log.lastIndex()) this.send({ type: "timeoutNow", to });
    else sendAppend(this, to, true);
    return true;
  }

  /** Campaigns now (used by a one-voter quorum to elect itself on open without waiting a timeout). */
  campaignNow(): void {
    this.#assertNotInReady();
    if (this.role !== "leader" && this.promotable()) campaign(this, "election");
  }

  /**
   * Compacts the log through `index` (at most the applied index) into a snapshot holding `data`, the state
   * machine as of `index`. Returns the snapshot; the caller persists it before dropping log files.
   */
  compact(index: number, data: Uint8Array): Snapshot {
    this.#assertNotInReady();
    assert(index <= this.log.applied && index > this.log.snapIndex, `compact ${index} outside (${this.log.snapIndex}, ${this.log.applied}]`);
    const snap: Snapshot = { index, term: this.log.term(index), conf: this.membership.confAt(index), data };
    this.log.compact(index);
    this.membership.compactTo(index);
    this.lastSnapshot = snap;
    return snap;
  }

  hasReady(): boolean {
    return (
      this.msgs.length > 0 ||
      this.readStates.length > 0 ||
      this.#snapshotToInstall !== null ||
      this.log.stableIndex < this.log.lastIndex() ||
      this.log.applied < this.log.commit ||
      !sameHardState(this.hardState(), this.#prevHardState)
    );
  }

  /** Collects the pending work. Until `advance`, no other method may be called. */
  ready(): Ready {
    this.#assertNotInReady();
    const hs = this.hardState();
    const rd: Ready = {
      snapshot: this.#snapshotToInstall,
      entries: this.log.unstableEntries(),
      hardState: sameHardState(hs, this.#prevHardState) ? null : hs,
      messages: this.msgs,
      committedEntries: this.log.nextCommitted(),
      readStates: this.readStates,
      role: this.role,
      leader: this.lead,
    };
    this.msgs = [];
    this.readStates = [];
    this.#readyOutstanding = true;
    return rd;
  }

  /** Marks a Ready done: entries and hard state durable, committed entries applied. */
  advance(rd: Ready): void {
    assert(this.#readyOutstanding, "advance without ready");
    this.#readyOutstanding = false;
    if (rd.snapshot) this.#snapshotToInstall = null;
    if (rd.entries.length > 0) this.log.stableIndex = Math.max(this.log.stableIndex, rd.entries[rd.entries.length - 1]!.index);
    if (rd.hardState) this.#prevHardState = rd.hardState;
    if (rd.committedEntries.length > 0) this.log.applied = rd.committedEntries[rd.committedEntries.length - 1]!.index;
  }

  status(): RaftStatus {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leader: this.lead,
      commit: this.log.commit,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      snapIndex: this.log.snapIndex,
      conf: this.membership.current(),
    };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.commit };
  }

  // ---- internal, shared with leader.ts, follower.ts and election.ts ----

  send(m: Outgoing): void {
    this.msgs.push({ ...m, from: this.id, term: m.term ?? this.term } as Message);
  }

  promotable(): boolean {
    return this.membership.isVoter(this.id);
  }

  quorum(): number {
    return quorumOf(this.membership.current().voters.length);
  }

  appendAsLeader(kind: EntryKind, data: Uint8Array): Proposed {
    const e: Entry = { term: this.term, index: this.log.lastIndex() + 1, kind, data };
    this.log.append([e]);
    if (kind === EntryKind.Config) this.configAppended([e]);
    this.progress.get(this.id)?.maybeUpdate(e.index);
    maybeCommit(this);
    bcastAppend(this);
    return { index: e.index, term: e.term };
  }

  /** Membership switches when a config entry is appended; a leader then tracks the new peers. */
  configAppended(entries: readonly Entry[]): void {
    for (const e of entries) if (e.kind === EntryKind.Config) this.membership.added(e.index, decodeConf(e.data));
    if (this.role === "leader") syncProgress(this);
  }

  installSnapshot(s: Snapshot): void {
    this.log.restore(s);
    this.membership.reset(s.index, s.conf);
    this.lastSnapshot = s;
    this.#snapshotToInstall = s;
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.#reset(term);
    this.role = "follower";
    this.lead = lead;
  }

  /** A pre-election changes neither term nor vote, so losing it disturbs nobody. */
  becomePreCandidate(): void {
    this.role = "preCandidate";
    this.lead = NONE;
    this.votes = new Map();
  }

  becomeCandidate(): void {
    this.#reset(this.term + 1);
    this.role = "candidate";
    this.vote = this.id;
  }

  becomeLeader(): void {
    assert(this.role === "candidate", `${this.role} cannot become leader`);
    this.#reset(this.term);
    this.role = "leader";
    this.lead = this.id;
    syncProgress(this);
    // The no-op entry of a new term: committing it commits every earlier entry (Raft paper, 5.4.2),
    // and it gates read-index reads and membership changes.
    this.appendAsLeader(EntryKind.Normal, new Uint8Array(0));
  }

  resetRandomizedTimeout(): void {
    const { electionTimeoutTicksMin: min, electionTimeoutTicksMax: max } = this.opts;
    this.randomizedElectionTimeout = min + this.opts.random.intBelow(max - min);
  }

  // ---- private ----

  #reset(term: number): void {
    if (term !== this.term) {
      assert(term > this.term, `term went back from ${this.term} to ${term}`);
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedTimeout();
    this.leadTransferee = NONE;
    this.votes = new Map();
    this.progress = new Map();
    this.pendingReads = [];
  }

  #assertNotInReady(): void {
    assert(!this.#readyOutstanding, "core used between ready() and advance()");
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
