/**
 * The inputs and outputs of the group coordinator core. Request and reply field names are those of
 * the wire schemas in protocol/schemas/ (JoinGroup, SyncGroup, ...), so a decoded request can be passed
 * in as is and a reply spread into the response; error codes in replies are Kafka's numbers.
 */

/** The classic group states, spelled as Kafka reports them in ListGroups and DescribeGroups. */
export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

/** Identifies a parked request. Allocated by the coordinator; the shell keeps the pending reply under it. */
export type Ticket = number;

/** One protocol a member supports, in the member's order of preference. */
export interface JoinProtocol {
  readonly name: string;
  readonly metadata: Uint8Array;
}

/** A JoinGroup request, as decoded (extra fields are ignored). */
export interface JoinRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  /** -1 (absent in v0) means "same as the session timeout", as Kafka does. */
  readonly rebalanceTimeoutMs: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly JoinProtocol[];
}

/** Who sent a request: the header's client id and the peer's host. */
export interface ClientInfo {
  readonly apiVersion: number;
  readonly clientId: string;
  readonly clientHost: string;
}

/** A JoinGroup reply (JoinGroupResponse fields). */
export interface JoinReply {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Uint8Array }[];
}

/** A SyncGroup request. `protocolType`/`protocolName` are null before v5. */
export interface SyncRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Uint8Array }[];
}

/** A SyncGroup reply (SyncGroupResponse fields). */
export interface SyncReply {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Uint8Array;
}

/** A Heartbeat request. */
export interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/** A leaving member (v3+ batch entry; v0-2 give one entry with groupInstanceId null). */
export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/** A LeaveGroup reply. For v0-2 the handler sends `members[0].errorCode` as the top-level errorCode when that is 0. */
export interface LeaveReply {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

/** One record for `__consumer_offsets`; a null value is a tombstone. Bytes from records.ts. */
export interface OffsetsTopicRecord {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/**
 * Work the shell must do for the core. Order matters; see coordinator.ts for the full contract.
 * - `persist`: append these records to the `__consumer_offsets` partition of `groupId` (acks=all).
 * - `join-reply` / `sync-reply`: complete the parked request `ticket` with `reply`.
 */
export type Effect =
  | { readonly type: "persist"; readonly groupId: string; readonly records: readonly OffsetsTopicRecord[] }
  | { readonly type: "join-reply"; readonly ticket: Ticket; readonly reply: JoinReply }
  | { readonly type: "sync-reply"; readonly ticket: Ticket; readonly reply: SyncReply };

/** What one call into the coordinator produced. */
export interface Outcome<R> {
  /** The reply to this request now (absent when parked). */
  response?: R;
  /** Set when this request was parked: a later `*-reply` effect with this ticket completes it. */
  parked?: Ticket;
  /** Work for the shell, in order. */
  effects: Effect[];
}
