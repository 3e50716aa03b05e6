/**
 * The pure core of a group member (Kafka's classic consumer group protocol): which request to send
 * next, and which partitions to revoke or assign, driven only by responses and a clock passed in.
 * No I/O, timers or randomness here (the jitter source is injected); `driver.ts` is the shell.
 *
 * Each call returns a `Ready`, to be carried out in order:
 *   1. `revoke`  give partitions up (commit their processed offsets first unless `lost`),
 *   2. `assign`  start on new partitions (committed offsets, else the reset policy),
 *   3. `needPartitionCounts`  the leader needs topic sizes: answer with `step({ kind: "partition-counts" })`,
 *   4. `send`    send this request after `delayMs` and feed its response (or failure) back to `step`.
 * At most one group request is in flight, so responses can never arrive out of order.
 *
 * Rebalance protocols: EAGER members give up everything before they rejoin; COOPERATIVE members
 * (KIP-429) keep what they own, give up only what the new assignment leaves out, and rejoin once more
 * when they gave something up, so the moved partitions reach their new owner in the follow-up round.
 */
import { StreamBusError, errorCodeFromKafka, type ErrorCode } from "../../protocol/errors.ts";
import type { RequestOf, ResponseOf } from "../apis.ts";
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, type TopicPartitions } from "../assignors/consumer-protocol.ts";
import type { Assignor, MemberSubscription, RebalanceProtocol } from "../assignors/types.ts";
import { backoffMs, type BackoffOptions } from "../backoff.ts";
import { keysToPartitions, partitionsToKeys } from "./partition-keys.ts";

/** Where the member is. "finding" = the coordinator is unknown; "fatal" and "left" are final. */
export type MemberPhase = "finding" | "joining" | "syncing" | "stable" | "fatal" | "left";

/** What the core needs to know about the member. */
export interface MembershipConfig {
  readonly groupId: string;
  /** Static membership (KIP-345): a restart within the session timeout keeps the assignment. */
  readonly groupInstanceId: string | null;
  readonly topics: readonly string[];
  readonly assignor: Assignor;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** Timeout of ordinary requests; JoinGroup may legitimately wait `rebalanceTimeoutMs` longer. */
  readonly requestTimeoutMs: number;
  readonly retryBackoff?: BackoffOptions;
  /** Jitter source for backoff (tests pass a constant). */
  readonly random: () => number;
}

/** A request for the coordinator ("FindCoordinator" goes to any broker). */
export type GroupRequest =
  | { api: "FindCoordinator"; body: RequestOf<"FindCoordinator"> }
  | { api: "JoinGroup"; body: RequestOf<"JoinGroup"> }
  | { api: "SyncGroup"; body: RequestOf<"SyncGroup"> }
  | { api: "Heartbeat"; body: RequestOf<"Heartbeat"> }
  | { api: "LeaveGroup"; body: RequestOf<"LeaveGroup"> };

/** What to do now, in field order (see the module comment). */
export interface Ready {
  revoke: { partitions: TopicPartitions[]; lost: boolean } | null;
  assign: TopicPartitions[] | null;
  needPartitionCounts: string[] | null;
  send: { request: GroupRequest; delayMs: number; timeoutMs: number } | null;
  /** Set when the member cannot go on (fenced, unauthorized, misconfigured). */
  error: StreamBusError | null;
}

/** The results the shell feeds back. */
export type GroupEvent =
  | { kind: "coordinator"; errorCode: number; nodeId: number }
  | { kind: "join"; response: ResponseOf<"JoinGroup"> }
  | { kind: "partition-counts"; counts: ReadonlyMap<string, number> }
  | { kind: "sync"; response: ResponseOf<"SyncGroup"> }
  | { kind: "heartbeat"; errorCode: number }
  | { kind: "request-failed"; error: StreamBusError };

const COORDINATOR_ERRORS: ReadonlySet<ErrorCode> = new Set(["NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE", "COORDINATOR_LOAD_IN_PROGRESS"]);
/** Errors no retry can fix: the member stops and the application sees the error. */
const FATAL_ERRORS: ReadonlySet<ErrorCode> = new Set([
  "FENCED_INSTANCE_ID", "GROUP_AUTHORIZATION_FAILED", "INVALID_SESSION_TIMEOUT", "INCONSISTENT_GROUP_PROTOCOL",
  "INVALID_GROUP_ID", "GROUP_MAX_SIZE_REACHED", "UNSUPPORTED_VERSION",
]);
const PROTOCOL_TYPE = "consumer";
/** FindCoordinator key type of consumer groups. */
const KEY_TYPE_GROUP = 0;
/** JoinGroup may wait at the coordinator for the whole rebalance; allow a little more. */
const JOIN_TIMEOUT_MARGIN_MS = 5_000;

function emptyReady(): Ready {
  return { revoke: null, assign: null, needPartitionCounts: null, send: null, error: null };
}

/**
 * One member's protocol state.
 *
 * @example
 * const m = new Membership({ groupId: "billing", groupInstanceId: null, topics: ["orders"], assignor: rangeAssignor,
 *   sessionTimeoutMs: 45_000, rebalanceTimeoutMs: 300_000, heartbeatIntervalMs: 3_000, requestTimeoutMs: 30_000, random: Math.random });
 * let ready = m.start();                       // send FindCoordinator
 * ready = m.step({ kind: "coordinator", errorCode: 0, nodeId: 1 }, nowMs); // send JoinGroup
 */
export class Membership {
  readonly #cfg: MembershipConfig;
  readonly #protocol: RebalanceProtocol;
  #phase: MemberPhase = "finding";
  /** The phase to resume once the coordinator is found again. */
  #resume: "join" | "heartbeat" = "join";
  #coordinatorId: number | null = null;
  #memberId = "";
  #generationId = -1;
  #owned = new Set<string>();
  #ownedGenerationId = -1;
  #inflight: GroupRequest["api"] | "partition-counts" | null = null;
  #leaderMembers: MemberSubscription[] = [];
  #failureCount = 0;
  #nextHeartbeatAtMs = 0;

  constructor(cfg: MembershipConfig) {
    if (!(cfg.heartbeatIntervalMs > 0 && cfg.heartbeatIntervalMs < cfg.sessionTimeoutMs)) {
      throw new StreamBusError("INVALID_CONFIG", `heartbeatIntervalMs (${cfg.heartbeatIntervalMs}) must be positive and below sessionTimeoutMs (${cfg.sessionTimeoutMs})`);
    }
    if (cfg.topics.length === 0) throw new StreamBusError("INVALID_CONFIG", "a group consumer needs at least one topic");
    this.#cfg = cfg;
    this.#protocol = cfg.assignor.rebalanceProtocols[0] ?? "EAGER";
  }

  get phase(): MemberPhase { return this.#phase; }
  get memberId(): string { return this.#memberId; }
  get generationId(): number { return this.#generationId; }
  get coordinatorId(): number | null { return this.#coordinatorId; }
  get protocol(): RebalanceProtocol { return this.#protocol; }
  /** Partitions owned now (what the last SyncGroup gave, minus revocations). */
  get owned(): TopicPartitions[] { return keysToPartitions(this.#owned); }
  /** A group request is awaiting its response. */
  get busy(): boolean { return this.#inflight !== null; }

  /** The first step: find the coordinator. */
  start(): Ready {
    const ready = emptyReady();
    this.#find(ready, 0);
    return ready;
  }

  /** When the next heartbeat is due (absolute ms), or null when none is scheduled. */
  nextWakeMs(): number | null {
    return this.#phase === "stable" && this.#inflight === null ? this.#nextHeartbeatAtMs : null;
  }

  /** Time passed: sends a heartbeat when one is due. */
  tick(nowMs: number): Ready {
    const ready = emptyReady();
    if (this.#phase === "stable" && this.#inflight === null && nowMs >= this.#nextHeartbeatAtMs) this.#heartbeat(ready);
    return ready;
  }

  /** Feeds back the answer to the last request. */
  step(event: GroupEvent, nowMs: number): Ready {
    const ready = emptyReady();
    if (this.#phase === "fatal" || this.#phase === "left") return ready;
    this.#inflight = null;
    switch (event.kind) {
      case "coordinator": this.#onCoordinator(ready, event.errorCode, event.nodeId); break;
      case "join": this.#onJoin(ready, event.response); break;
      case "partition-counts": this.#onPartitionCounts(ready, event.counts); break;
      case "sync": this.#onSync(ready, event.response, nowMs); break;
      case "heartbeat": this.#onHeartbeat(ready, event.errorCode, nowMs); break;
      case "request-failed": this.#onRequestFailed(ready); break;
    }
    return ready;
  }

  /**
   * Leaves for good: revokes everything, and returns LeaveGroup for dynamic members. Static members do
   * not leave (KIP-345): the coordinator keeps their place until the session times out, so a restart
   * gets the same partitions without a rebalance.
   */
  leave(): Ready {
    const ready = emptyReady();
    if (this.#owned.size > 0) ready.revoke = { partitions: keysToPartitions(this.#owned), lost: false };
    this.#owned.clear();
    const canLeave = this.#cfg.groupInstanceId === null && this.#memberId !== "" && this.#coordinatorId !== null;
    if (canLeave && this.#phase !== "fatal" && this.#phase !== "left") {
      ready.send = {
        request: { api: "LeaveGroup", body: { groupId: this.#cfg.groupId, memberId: this.#memberId, members: [{ memberId: this.#memberId, groupInstanceId: null, reason: "the consumer is closing" }] } },
        delayMs: 0, timeoutMs: this.#cfg.requestTimeoutMs,
      };
    }
    this.#phase = "left";
    this.#inflight = null;
    return ready;
  }

  /** What OffsetCommit needs while the member holds a generation; null otherwise. */
  commitIdentity(): { generationId: number; memberId: string; groupInstanceId: string | null } | null {
    if (this.#generationId < 0 || this.#memberId === "") return null;
    return { generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: this.#cfg.groupInstanceId };
  }

  #onCoordinator(ready: Ready, errorCode: number, nodeId: number): void {
    const code = errorCodeFromKafka(errorCode);
    if (code !== null) return this.#onError(ready, code, "FindCoordinator");
    this.#coordinatorId = nodeId;
    this.#failureCount = 0;
    if (this.#resume === "heartbeat") {
      this.#phase = "stable";
      this.#heartbeat(ready);
    } else {
      this.#join(ready, 0);
    }
  }

  #onJoin(ready: Ready, res: ResponseOf<"JoinGroup">): void {
    const code = errorCodeFromKafka(res.errorCode);
    if (code === "MEMBER_ID_REQUIRED") {
      // KIP-394: the coordinator hands out the id first, and counts the member once it rejoins with it.
      this.#memberId = res.memberId;
      return this.#join(ready, 0);
    }
    if (code !== null) return this.#onError(ready, code, "JoinGroup");
    this.#failureCount = 0;
    this.#memberId = res.memberId;
    this.#generationId = res.generationId;
    this.#phase = "syncing";
    if (res.leader === res.memberId && !res.skipAssignment) {
      this.#leaderMembers = res.members.map((m) => {
        const s = decodeSubscription(m.metadata);
        return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, topics: s.topics, ownedPartitions: s.ownedPartitions, generationId: s.generationId };
      });
      this.#inflight = "partition-counts";
      ready.needPartitionCounts = [...new Set(this.#leaderMembers.flatMap((m) => m.topics))].sort();
      return;
    }
    this.#sync(ready, []);
  }

  #onPartitionCounts(ready: Ready, counts: ReadonlyMap<string, number>): void {
    if (this.#phase !== "syncing") return;
    const plan = this.#cfg.assignor.assign(counts, this.#leaderMembers);
    this.#leaderMembers = [];
    this.#sync(ready, [...plan].map(([memberId, partitions]) => ({ memberId, assignment: encodeAssignment({ partitions, userData: null }) })));
  }

  #onSync(ready: Ready, res: ResponseOf<"SyncGroup">, nowMs: number): void {
    const code = errorCodeFromKafka(res.errorCode);
    if (code !== null) return this.#onError(ready, code, "SyncGroup");
    this.#failureCount = 0;
    const next = partitionsToKeys(decodeAssignment(res.assignment).partitions);
    const revoked = [...this.#owned].filter((k) => !next.has(k));
    const added = [...next].filter((k) => !this.#owned.has(k));
    if (revoked.length > 0) ready.revoke = { partitions: keysToPartitions(revoked), lost: false };
    if (added.length > 0) ready.assign = keysToPartitions(added);
    this.#owned = next;
    this.#ownedGenerationId = this.#generationId;
    this.#phase = "stable";
    this.#resume = "heartbeat";
    this.#nextHeartbeatAtMs = nowMs + this.#cfg.heartbeatIntervalMs;
    // KIP-429: what we gave up is unowned only once we rejoin without it; then its new owner gets it.
    if (this.#protocol === "COOPERATIVE" && revoked.length > 0) this.#join(ready, 0);
  }

  #onHeartbeat(ready: Ready, errorCode: number, nowMs: number): void {
    const code = errorCodeFromKafka(errorCode);
    if (code !== null) return this.#onError(ready, code, "Heartbeat");
    this.#failureCount = 0;
    this.#nextHeartbeatAtMs = nowMs + this.#cfg.heartbeatIntervalMs;
  }

  #onRequestFailed(ready: Ready): void {
    // A lost connection or a timeout: the coordinator may have moved. Whatever was in flight is
    // redone from a safe point (JoinGroup, or Heartbeat when stable) once it is found again.
    this.#failureCount++;
    this.#find(ready, backoffMs(this.#failureCount - 1, this.#cfg.retryBackoff, this.#cfg.random));
  }

  #onError(ready: Ready, code: ErrorCode, api: string): void {
    if (COORDINATOR_ERRORS.has(code)) {
      this.#failureCount++;
      return this.#find(ready, backoffMs(this.#failureCount - 1, this.#cfg.retryBackoff, this.#cfg.random));
    }
    if (code === "UNKNOWN_MEMBER_ID") {
      this.#memberId = "";
      this.#generationId = -1;
      this.#lose(ready);
      return this.#join(ready, 0);
    }
    if (code === "ILLEGAL_GENERATION") {
      this.#generationId = -1;
      this.#lose(ready);
      return this.#join(ready, 0);
    }
    if (code === "REBALANCE_IN_PROGRESS") return this.#join(ready, 0);
    const error = new StreamBusError(code, `${api} for group "${this.#cfg.groupId}" failed: ${code}`, { groupId: this.#cfg.groupId, api });
    if (FATAL_ERRORS.has(code) || !error.retriable) {
      this.#phase = "fatal";
      this.#lose(ready);
      ready.error = error;
      return;
    }
    this.#failureCount++;
    const delayMs = backoffMs(this.#failureCount - 1, this.#cfg.retryBackoff, this.#cfg.random);
    if (this.#phase === "stable") this.#nextHeartbeatAtMs = 0; // retried by the next tick
    else this.#join(ready, delayMs);
  }

  /** The generation is gone: our partitions may already be someone else's, so nothing is committed for them. */
  #lose(ready: Ready): void {
    if (this.#owned.size === 0) return;
    const lost = keysToPartitions(this.#owned);
    ready.revoke = ready.revoke === null ? { partitions: lost, lost: true } : { partitions: [...ready.revoke.partitions, ...lost], lost: true };
    this.#owned.clear();
    this.#ownedGenerationId = -1;
  }

  #find(ready: Ready, delayMs: number): void {
    if (this.#phase !== "finding") this.#resume = this.#phase === "stable" ? "heartbeat" : "join";
    this.#phase = "finding";
    this.#coordinatorId = null;
    this.#send(ready, { api: "FindCoordinator", body: { key: this.#cfg.groupId, keyType: KEY_TYPE_GROUP, coordinatorKeys: [this.#cfg.groupId] } }, delayMs);
  }

  #join(ready: Ready, delayMs: number): void {
    if (this.#coordinatorId === null) {
      this.#resume = "join";
      return this.#find(ready, delayMs);
    }
    if (this.#protocol === "EAGER" && this.#owned.size > 0) {
      ready.revoke = { partitions: keysToPartitions(this.#owned), lost: false };
      this.#owned.clear();
    }
    this.#phase = "joining";
    this.#resume = "join";
    const metadata = encodeSubscription({
      topics: this.#cfg.topics, userData: null, rackId: null,
      ownedPartitions: keysToPartitions(this.#owned), generationId: this.#owned.size > 0 ? this.#ownedGenerationId : -1,
    });
    this.#send(ready, {
      api: "JoinGroup",
      body: {
        groupId: this.#cfg.groupId, sessionTimeoutMs: this.#cfg.sessionTimeoutMs, rebalanceTimeoutMs: this.#cfg.rebalanceTimeoutMs,
        memberId: this.#memberId, groupInstanceId: this.#cfg.groupInstanceId, protocolType: PROTOCOL_TYPE,
        protocols: [{ name: this.#cfg.assignor.name, metadata }], reason: null,
      },
    }, delayMs, this.#cfg.rebalanceTimeoutMs + JOIN_TIMEOUT_MARGIN_MS);
  }

  #sync(ready: Ready, assignments: { memberId: string; assignment: Uint8Array }[]): void {
    this.#send(ready, {
      api: "SyncGroup",
      body: {
        groupId: this.#cfg.groupId, generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: this.#cfg.groupInstanceId,
        protocolType: PROTOCOL_TYPE, protocolName: this.#cfg.assignor.name, assignments,
      },
    }, 0, this.#cfg.rebalanceTimeoutMs + JOIN_TIMEOUT_MARGIN_MS);
  }

  #heartbeat(ready: Ready): void {
    this.#send(ready, {
      api: "Heartbeat",
      body: { groupId: this.#cfg.groupId, generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: this.#cfg.groupInstanceId },
    }, 0);
  }

  #send(ready: Ready, request: GroupRequest, delayMs: number, timeoutMs = this.#cfg.requestTimeoutMs): void {
    this.#inflight = request.api;
    ready.send = { request, delayMs, timeoutMs };
  }
}
