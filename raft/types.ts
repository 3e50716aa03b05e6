/**
 * Plain data types of the Raft core: entries, hard state, snapshots, messages and the Ready.
 * Everything is numbers, strings and Uint8Array so a codec for the internal listener can encode it later.
 * Indexes and terms are JS numbers: exact to 2^53, which no log reaches (asserted where they grow).
 */

/** A node id. 0 means "none" (no vote, no known leader). */
export type NodeId = number;
/** The absent node id. */
export const NONE: NodeId = 0;

/** What an entry carries: application data, or a full new cluster configuration. */
export const EntryKind = { Normal: 0, Config: 1 } as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** One log entry. An empty Normal entry is the no-op a new leader appends to commit its term. */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly kind: EntryKind;
  readonly data: Uint8Array;
}

/** Cluster membership. Learners receive the log but never vote and never count for a quorum. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** State that must be durable before any message of the same Ready is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

/** A compacted prefix of the log: the state machine's bytes as of `index`, with the membership then. */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly conf: ConfState;
  readonly data: Uint8Array;
}

/** The role a node plays. PreCandidate runs a pre-vote that does not bump its term. */
export type Role = "follower" | "preCandidate" | "candidate" | "leader";

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/** Vote or pre-vote request. `transfer` marks a campaign started by leadership transfer (bypasses leases). */
export interface VoteRequest extends MessageBase {
  readonly type: "vote" | "preVote";
  readonly lastIndex: number;
  readonly lastTerm: number;
  readonly transfer: boolean;
}

export interface VoteResponse extends MessageBase {
  readonly type: "voteResp" | "preVoteResp";
  readonly reject: boolean;
}

export interface AppendRequest extends MessageBase {
  readonly type: "append";
  readonly prevIndex: number;
  readonly prevTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

/**
 * Answer to append or snapshot. Accepted: `index` is the follower's matched index.
 * Rejected: `index` is the rejected prevIndex and `hintIndex` the follower's guess where logs may agree.
 */
export interface AppendResponse extends MessageBase {
  readonly type: "appendResp";
  readonly reject: boolean;
  readonly index: number;
  readonly hintIndex: number;
}

/** Heartbeat; `commit` is capped at the follower's match so it never commits what it lacks. `readCtx` 0 = none. */
export interface Heartbeat extends MessageBase {
  readonly type: "heartbeat";
  readonly commit: number;
  readonly readCtx: number;
}

export interface HeartbeatResponse extends MessageBase {
  readonly type: "heartbeatResp";
  readonly readCtx: number;
}

export interface SnapshotRequest extends MessageBase {
  readonly type: "snapshot";
  readonly snapshot: Snapshot;
}

/** Leadership transfer: tells the target to campaign at once. */
export interface TimeoutNow extends MessageBase {
  readonly type: "timeoutNow";
}

/** Every message between Raft nodes. */
export type Message =
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | Heartbeat
  | HeartbeatResponse
  | SnapshotRequest
  | TimeoutNow;

export type MessageType = Message["type"];

/** Messages the core builds: everything but `from` (always this node) is given. */
export type Outgoing = Message extends infer M ? (M extends Message ? Omit<M, "from" | "term"> & { term?: number } : never) : never;

/** A confirmed read: state applied through `index` is linearizable for the read with this `ctx`. */
export interface ReadState {
  readonly ctx: number;
  readonly index: number;
}

/**
 * What the caller must do, in this order, then call `advance(ready)`:
 * 1. Persist: install `snapshot` (if any), append `entries` (an entry at an index already on disk replaces
 *    that index and everything after it), write `hardState` (if any); make it all durable (fsync).
 * 2. Send `messages` (only now: they may promise what step 1 made durable, such as a vote or an ack).
 * 3. Apply: restore the state machine from `snapshot` (if any), then apply `committedEntries` in order.
 *    Config entries need no action: the core switched membership when it appended them.
 * 4. Serve `readStates` once the state machine has applied through their index.
 */
export interface Ready {
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  readonly hardState: HardState | null;
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  /** The role and leader after this Ready (informational; not persisted). */
  readonly role: Role;
  readonly leader: NodeId;
}

/** What a successful proposal got: the index and term it was appended at. Committed only if that pair commits. */
export interface Proposed {
  readonly index: number;
  readonly term: number;
}

/** Read-only status for shells, metrics and checkers. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId;
  readonly leader: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly snapIndex: number;
  readonly conf: ConfState;
}
