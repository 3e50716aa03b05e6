/**
 * Options and limits of the Raft core, with defaults and the relationships between them asserted once.
 */
import { assert } from "../protocol/errors.ts";
import type { RandomSource } from "./random.ts";
import type { ConfState, Entry, HardState, NodeId, Snapshot } from "./types.ts";

/**
 * Deliberate bugs for the mutation test: each must be caught by the simulator's invariant checkers.
 * - commitAnyTerm: the leader commits entries of earlier terms by counting replicas (Raft paper, Fig. 8).
 * - voteIgnoresLog: voters skip the "candidate's log is at least as up to date" check.
 */
export type RaftMutation = "commitAnyTerm" | "voteIgnoresLog";

/** What a node had on disk when it (re)starts. */
export interface PersistedState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  /** Entries after the snapshot, contiguous. */
  readonly entries: readonly Entry[];
}

export interface RaftOptions {
  readonly id: NodeId;
  /** Membership at index 0; used until a snapshot or a config entry says otherwise. Same on every node. */
  readonly bootstrap: ConfState;
  readonly random: RandomSource;
  readonly persisted?: PersistedState;
  /** A follower campaigns after a random timeout in [min, max) ticks without hearing a leader. */
  readonly electionTimeoutTicksMin?: number;
  readonly electionTimeoutTicksMax?: number;
  readonly heartbeatTicks?: number;
  /** Run a pre-vote before bumping the term, so a partitioned node cannot disrupt the cluster on return. */
  readonly preVote?: boolean;
  /** A leader steps down when it has not heard from a quorum for an election timeout; followers then hold a lease. */
  readonly checkQuorum?: boolean;
  readonly appendEntriesCountMax?: number;
  readonly readsPendingMax?: number;
  /** Test only: see {@link RaftMutation}. */
  readonly mutation?: RaftMutation | null;
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<RaftOptions, "persisted">> & { persisted: PersistedState | undefined };

export function resolveOptions(o: RaftOptions): ResolvedOptions {
  const min = o.electionTimeoutTicksMin ?? 10;
  const r: ResolvedOptions = {
    id: o.id,
    bootstrap: o.bootstrap,
    random: o.random,
    persisted: o.persisted,
    electionTimeoutTicksMin: min,
    electionTimeoutTicksMax: o.electionTimeoutTicksMax ?? 2 * min,
    heartbeatTicks: o.heartbeatTicks ?? 1,
    preVote: o.preVote ?? true,
    checkQuorum: o.checkQuorum ?? true,
    appendEntriesCountMax: o.appendEntriesCountMax ?? 256,
    readsPendingMax: o.readsPendingMax ?? 4096,
    mutation: o.mutation ?? null,
  };
  assert(Number.isInteger(r.id) && r.id > 0, `node id ${r.id} must be a positive integer`);
  assert(r.heartbeatTicks >= 1, "heartbeatTicks >= 1");
  // Followers must hear several heartbeats per election timeout, or a healthy leader gets deposed.
  assert(r.electionTimeoutTicksMin >= 2 * r.heartbeatTicks, "electionTimeoutTicksMin >= 2 * heartbeatTicks");
  // A random spread is what breaks split votes.
  assert(r.electionTimeoutTicksMax > r.electionTimeoutTicksMin, "electionTimeoutTicksMax > electionTimeoutTicksMin");
  assert(r.appendEntriesCountMax >= 1 && r.readsPendingMax >= 1, "append and read caps >= 1");
  assert(r.bootstrap.voters.length >= 1, "bootstrap needs at least one voter");
  return r;
}
