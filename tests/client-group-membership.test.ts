/**
 * The group member's pure state machine (client/group/membership.ts), driven step by step with
 * hand-made responses and a fake clock: no sockets, no timers.
 */
import { describe, expect, test } from "bun:test";
import type { ResponseOf } from "../client/apis.ts";
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, type TopicPartitions } from "../client/assignors/consumer-protocol.ts";
import { cooperativeStickyAssignor } from "../client/assignors/cooperative-sticky.ts";
import { rangeAssignor } from "../client/assignors/range.ts";
import type { Assignor } from "../client/assignors/types.ts";
import { Membership, type Ready } from "../client/group/membership.ts";
import { StreamBusError } from "../protocol/errors.ts";

const KAFKA = { NOT_COORDINATOR: 16, ILLEGAL_GENERATION: 22, UNKNOWN_MEMBER_ID: 25, REBALANCE_IN_PROGRESS: 27, MEMBER_ID_REQUIRED: 79, FENCED_INSTANCE_ID: 82 };
const HEARTBEAT_MS = 1_000;

function member(assignor: Assignor = rangeAssignor, groupInstanceId: string | null = null): Membership {
  return new Membership({
    groupId: "g", groupInstanceId, topics: ["t"], assignor, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000,
    heartbeatIntervalMs: HEARTBEAT_MS, requestTimeoutMs: 5_000, retryBackoff: { initialMs: 100, maxMs: 1_000 }, random: () => 0.5,
  });
}

function joinResponse(over: Partial<ResponseOf<"JoinGroup">>): ResponseOf<"JoinGroup"> {
  return { throttleTimeMs: 0, errorCode: 0, generationId: 1, protocolType: "consumer", protocolName: "range", leader: "other", skipAssignment: false, memberId: "m1", members: [], ...over };
}

function syncResponse(partitions: number[], errorCode = 0): ResponseOf<"SyncGroup"> {
  return { throttleTimeMs: 0, errorCode, protocolType: "consumer", protocolName: "range", assignment: encodeAssignment({ partitions: [{ topic: "t", partitions }], userData: null }) };
}

const api = (r: Ready) => r.send?.request.api ?? null;
const flat = (list: readonly TopicPartitions[] | undefined) => (list ?? []).flatMap((tp) => tp.partitions);

/** Brings a follower to stable with `partitions` at generation 1. */
function stableFollower(m: Membership, partitions: number[], nowMs = 0): Ready {
  m.start();
  m.step({ kind: "coordinator", errorCode: 0, nodeId: 1 }, nowMs);
  m.step({ kind: "join", response: joinResponse({}) }, nowMs);
  return m.step({ kind: "sync", response: syncResponse(partitions) }, nowMs);
}

describe("joining", () => {
  test("find, MEMBER_ID_REQUIRED, lead the assignment, sync, then heartbeat on time", () => {
    const m = member();
    expect(api(m.start())).toBe("FindCoordinator");
    let r = m.step({ kind: "coordinator", errorCode: 0, nodeId: 7 }, 0);
    expect(api(r)).toBe("JoinGroup");
    expect(r.send!.request.body).toMatchObject({ memberId: "", groupId: "g", protocolType: "consumer" });
    expect(r.send!.timeoutMs).toBeGreaterThan(20_000); // JoinGroup may park for the whole rebalance

    r = m.step({ kind: "join", response: joinResponse({ errorCode: KAFKA.MEMBER_ID_REQUIRED, memberId: "m1" }) }, 0);
    expect(api(r)).toBe("JoinGroup");
    expect(r.send!.request.body).toMatchObject({ memberId: "m1" });

    const sub = encodeSubscription({ topics: ["t"], userData: null, ownedPartitions: [], generationId: -1, rackId: null });
    r = m.step({ kind: "join", response: joinResponse({ leader: "m1", members: [{ memberId: "m1", groupInstanceId: null, metadata: sub }, { memberId: "m2", groupInstanceId: null, metadata: sub }] }) }, 0);
    expect(r.send).toBeNull();
    expect(r.needPartitionCounts).toEqual(["t"]);

    r = m.step({ kind: "partition-counts", counts: new Map([["t", 4]]) }, 0);
    expect(api(r)).toBe("SyncGroup");
    const body = r.send!.request.body as { assignments: { memberId: string; assignment: Uint8Array }[] };
    const plan = Object.fromEntries(body.assignments.map((a) => [a.memberId, flat(decodeAssignment(a.assignment).partitions)]));
    expect(plan).toEqual({ m1: [0, 1], m2: [2, 3] });

    r = m.step({ kind: "sync", response: syncResponse([0, 1]) }, 100);
    expect(flat(r.assign ?? [])).toEqual([0, 1]);
    expect(r.revoke).toBeNull();
    expect(m.phase).toBe("stable");
    expect(m.commitIdentity()).toEqual({ generationId: 1, memberId: "m1", groupInstanceId: null });

    expect(api(m.tick(100 + HEARTBEAT_MS - 1))).toBeNull();
    expect(api(m.tick(100 + HEARTBEAT_MS))).toBe("Heartbeat");
    expect(api(m.tick(100 + HEARTBEAT_MS * 2))).toBeNull(); // one heartbeat in flight at a time
    m.step({ kind: "heartbeat", errorCode: 0 }, 1_200);
    expect(m.nextWakeMs()).toBe(1_200 + HEARTBEAT_MS);
  });

  test("a follower sends SyncGroup without assignments", () => {
    const m = member();
    m.start();
    m.step({ kind: "coordinator", errorCode: 0, nodeId: 1 }, 0);
    const r = m.step({ kind: "join", response: joinResponse({}) }, 0);
    expect(api(r)).toBe("SyncGroup");
    expect(r.send!.request.body).toMatchObject({ generationId: 1, memberId: "m1", assignments: [] });
  });

  test("a static leader told to skip the assignment (KIP-814) syncs like a follower", () => {
    const m = member(rangeAssignor, "i-1");
    m.start();
    m.step({ kind: "coordinator", errorCode: 0, nodeId: 1 }, 0);
    const r = m.step({ kind: "join", response: joinResponse({ leader: "m1", skipAssignment: true }) }, 0);
    expect(api(r)).toBe("SyncGroup");
    expect(r.send!.request.body).toMatchObject({ groupInstanceId: "i-1", assignments: [] });
  });
});

describe("rebalancing", () => {
  test("eager: REBALANCE_IN_PROGRESS revokes everything (committable), then rejoins", () => {
    const m = member();
    stableFollower(m, [0, 1, 2]);
    const r = m.step({ kind: "heartbeat", errorCode: KAFKA.REBALANCE_IN_PROGRESS }, 10);
    expect(r.revoke).toEqual({ partitions: [{ topic: "t", partitions: [0, 1, 2] }], lost: false });
    expect(api(r)).toBe("JoinGroup");
    expect(r.send!.request.body).toMatchObject({ memberId: "m1" });
    const after = m.step({ kind: "join", response: joinResponse({ generationId: 2 }) }, 10);
    const s = m.step({ kind: "sync", response: syncResponse([0, 1]) }, 10);
    expect(api(after)).toBe("SyncGroup");
    expect(flat(s.assign ?? [])).toEqual([0, 1]);
    expect(s.revoke).toBeNull();
  });

  test("cooperative: keeps its partitions while rejoining, revokes only what moved, then rejoins once more", () => {
    const m = member(cooperativeStickyAssignor);
    stableFollower(m, [0, 1, 2, 3]);
    let r = m.step({ kind: "heartbeat", errorCode: KAFKA.REBALANCE_IN_PROGRESS }, 10);
    expect(r.revoke).toBeNull();
    const body = r.send!.request.body as { protocols: { name: string; metadata: Uint8Array }[] };
    expect(body.protocols[0]!.name).toBe("cooperative-sticky");
    expect(decodeSubscription(body.protocols[0]!.metadata)).toMatchObject({ ownedPartitions: [{ topic: "t", partitions: [0, 1, 2, 3] }], generationId: 1 });

    m.step({ kind: "join", response: joinResponse({ generationId: 2 }) }, 10);
    r = m.step({ kind: "sync", response: syncResponse([0, 1]) }, 10);
    expect(r.revoke).toEqual({ partitions: [{ topic: "t", partitions: [2, 3] }], lost: false });
    expect(r.assign).toBeNull();
    expect(api(r)).toBe("JoinGroup"); // KIP-429 follow-up round

    m.step({ kind: "join", response: joinResponse({ generationId: 3 }) }, 10);
    r = m.step({ kind: "sync", response: syncResponse([0, 1]) }, 10);
    expect(r.revoke).toBeNull();
    expect(r.assign).toBeNull();
    expect(r.send).toBeNull();
    expect(m.phase).toBe("stable");
  });

  test("ILLEGAL_GENERATION loses the partitions and rejoins with the same member id", () => {
    const m = member();
    stableFollower(m, [0, 1]);
    const r = m.step({ kind: "heartbeat", errorCode: KAFKA.ILLEGAL_GENERATION }, 10);
    expect(r.revoke).toEqual({ partitions: [{ topic: "t", partitions: [0, 1] }], lost: true });
    expect(r.send!.request.body).toMatchObject({ memberId: "m1" });
    expect(m.commitIdentity()).toBeNull();
  });

  test("UNKNOWN_MEMBER_ID loses the partitions and rejoins as a new member", () => {
    const m = member(cooperativeStickyAssignor);
    stableFollower(m, [0, 1]);
    const r = m.step({ kind: "heartbeat", errorCode: KAFKA.UNKNOWN_MEMBER_ID }, 10);
    expect(r.revoke!.lost).toBe(true);
    expect(api(r)).toBe("JoinGroup");
    expect(r.send!.request.body).toMatchObject({ memberId: "" });
    const body = r.send!.request.body as { protocols: { metadata: Uint8Array }[] };
    expect(decodeSubscription(body.protocols[0]!.metadata).ownedPartitions).toEqual([]);
  });

  test("SyncGroup REBALANCE_IN_PROGRESS rejoins", () => {
    const m = member();
    m.start();
    m.step({ kind: "coordinator", errorCode: 0, nodeId: 1 }, 0);
    m.step({ kind: "join", response: joinResponse({}) }, 0);
    expect(api(m.step({ kind: "sync", response: syncResponse([], KAFKA.REBALANCE_IN_PROGRESS) }, 0))).toBe("JoinGroup");
  });
});

describe("coordinator trouble", () => {
  test("NOT_COORDINATOR on a heartbeat: find again with growing backoff, then heartbeat (no rejoin)", () => {
    const m = member();
    stableFollower(m, [0]);
    let r = m.step({ kind: "heartbeat", errorCode: KAFKA.NOT_COORDINATOR }, 10);
    expect(api(r)).toBe("FindCoordinator");
    expect(r.send!.delayMs).toBe(100);
    expect(r.revoke).toBeNull();
    expect(m.phase).toBe("finding");
    r = m.step({ kind: "coordinator", errorCode: 15 /* COORDINATOR_NOT_AVAILABLE */, nodeId: -1 }, 20);
    expect(r.send!.delayMs).toBe(200);
    r = m.step({ kind: "coordinator", errorCode: 0, nodeId: 2 }, 30);
    expect(api(r)).toBe("Heartbeat");
    expect(m.coordinatorId).toBe(2);
    expect(m.owned).toEqual([{ topic: "t", partitions: [0] }]);
  });

  test("a lost connection during JoinGroup: find the coordinator, then join again", () => {
    const m = member();
    m.start();
    m.step({ kind: "coordinator", errorCode: 0, nodeId: 1 }, 0);
    const r = m.step({ kind: "request-failed", error: new StreamBusError("NETWORK_EXCEPTION", "gone") }, 0);
    expect(api(r)).toBe("FindCoordinator");
    expect(api(m.step({ kind: "coordinator", errorCode: 0, nodeId: 1 }, 0))).toBe("JoinGroup");
  });

  test("FENCED_INSTANCE_ID is fatal", () => {
    const m = member(rangeAssignor, "i-1");
    stableFollower(m, [0]);
    const r = m.step({ kind: "heartbeat", errorCode: KAFKA.FENCED_INSTANCE_ID }, 10);
    expect(r.error?.code).toBe("FENCED_INSTANCE_ID");
    expect(r.revoke!.lost).toBe(true);
    expect(m.phase).toBe("fatal");
    expect(m.tick(1e9).send).toBeNull();
  });
});

describe("leaving", () => {
  test("a dynamic member revokes and sends LeaveGroup", () => {
    const m = member();
    stableFollower(m, [0, 1]);
    const r = m.leave();
    expect(r.revoke).toEqual({ partitions: [{ topic: "t", partitions: [0, 1] }], lost: false });
    expect(api(r)).toBe("LeaveGroup");
    expect(r.send!.request.body).toMatchObject({ memberId: "m1", members: [{ memberId: "m1" }] });
  });

  test("a static member revokes but does not leave (its place survives a restart)", () => {
    const m = member(rangeAssignor, "i-1");
    stableFollower(m, [0, 1]);
    const r = m.leave();
    expect(r.revoke!.lost).toBe(false);
    expect(r.send).toBeNull();
  });

  test("settings are checked", () => {
    expect(() => new Membership({
      groupId: "g", groupInstanceId: null, topics: ["t"], assignor: rangeAssignor, sessionTimeoutMs: 1_000, rebalanceTimeoutMs: 1_000,
      heartbeatIntervalMs: 1_000, requestTimeoutMs: 1_000, random: () => 0.5,
    })).toThrow(/heartbeatIntervalMs/);
  });
});
