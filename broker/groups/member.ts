/**
 * One member of a classic group: what it joined with, its assignment, its parked requests and its
 * liveness. Plain data plus small predicates; the group (group.ts) owns every transition.
 */
import type { JoinProtocol, Ticket } from "./types.ts";

const EMPTY = new Uint8Array(0);

/**
 * The protocols with their metadata copied out of the request: request bytes live in shared slab memory
 * (protocol/byte-slab.ts), and a member is kept for as long as it stays in the group.
 */
export function ownedProtocols(protocols: readonly JoinProtocol[]): JoinProtocol[] {
  return protocols.map((p) => ({ ...p, metadata: p.metadata.slice() }));
}

/** A group member. Mutable on purpose: only ClassicGroup and its handlers change it. */
export class Member {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly JoinProtocol[];
  assignment: Uint8Array = EMPTY;
  /** The member's JoinGroup parked until the join phase completes. */
  joinTicket: Ticket | null = null;
  /** The member's SyncGroup parked until the leader sends the assignment. */
  syncTicket: Ticket | null = null;
  /** Last sign of life (heartbeat, join, sync, commit), in ms of the injected clock. */
  heartbeatMs: number;
  /** Joined during the current rebalance and has not yet completed a join phase. */
  isNew = true;

  constructor(init: {
    memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string;
    sessionTimeoutMs: number; rebalanceTimeoutMs: number; protocolType: string;
    protocols: readonly JoinProtocol[]; nowMs: number;
  }) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.protocolType = init.protocolType;
    this.protocols = init.protocols;
    this.heartbeatMs = init.nowMs;
  }

  /** The member's metadata for `protocol`, or undefined when it does not support it. */
  metadataFor(protocol: string): Uint8Array | undefined {
    return this.protocols.find((p) => p.name === protocol)?.metadata;
  }

  /** True when `protocols` equals what the member joined with: same names, order and bytes. */
  matches(protocols: readonly JoinProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && bytesEqual(p.metadata, this.protocols[i]!.metadata));
  }

  /**
   * Whether the member is still alive at `nowMs`. A member parked in JoinGroup cannot heartbeat, so it
   * is kept until the join phase ends, except a new member, which is dropped after
   * `newMemberJoinTimeoutMs` (its client may have gone away before it ever got a generation).
   */
  isAlive(nowMs: number, newMemberJoinTimeoutMs: number): boolean {
    if (this.joinTicket !== null) return !this.isNew || nowMs < this.heartbeatMs + newMemberJoinTimeoutMs;
    return nowMs < this.heartbeatMs + this.sessionTimeoutMs;
  }
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The empty assignment (shared; never mutated). */
export const EMPTY_BYTES: Uint8Array = EMPTY;
