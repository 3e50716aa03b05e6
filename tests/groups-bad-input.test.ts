/**
 * Bad group requests against a broker process, sent raw: a commit from an unknown member or a stale
 * generation, joins with absurd session timeouts, group ids of 10,000 and 100,000 characters, and
 * other malformed group calls each get a typed Kafka error; the coordinator keeps serving (the live
 * member's heartbeats succeed and a normal join afterwards works).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { kafkaCodeOf, type ErrorCode } from "../protocol/errors.ts";
import { type BrokerProcess, removeDir, startBrokerProcess } from "./helpers/broker-process.ts";
import { describeGroup, fetchCommitted } from "./helpers/groups-clients.ts";
import { RawConn } from "./helpers/raw-kafka.ts";

let broker: BrokerProcess;
let conn: RawConn;
let correlation = 1;
const TOPIC = "grp-bad";
const code = (c: ErrorCode) => kafkaCodeOf(c);

/** A ConsumerProtocolSubscription v0 for one topic (int16 version, topics, null user data). */
function subscription(topic: string): Uint8Array {
  const name = new TextEncoder().encode(topic);
  const out = new Uint8Array(2 + 4 + 2 + name.length + 4);
  const v = new DataView(out.buffer);
  v.setInt16(0, 0);
  v.setInt32(2, 1);
  v.setInt16(6, name.length);
  out.set(name, 8);
  v.setInt32(8 + name.length, -1);
  return out;
}

const req = (apiKey: number, version: number, body: Record<string, unknown>) => conn.request(apiKey, version, body, correlation++);

function joinBody(groupId: string, memberId: string, over: Record<string, unknown> = {}) {
  return {
    groupId, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null, protocolType: "consumer",
    protocols: [{ name: "range", metadata: subscription(TOPIC) }], reason: null, ...over,
  };
}

/** A full JoinGroup v5 (with the MEMBER_ID_REQUIRED round trip) + SyncGroup v3 as the only member. */
async function joinAlone(groupId: string): Promise<{ memberId: string; generationId: number }> {
  const first = await req(11, 5, joinBody(groupId, ""));
  expect(first.errorCode).toBe(code("MEMBER_ID_REQUIRED"));
  const memberId = first.memberId as string;
  expect(memberId).not.toBe("");
  const joined = await req(11, 5, joinBody(groupId, memberId));
  expect(joined.errorCode).toBe(0);
  expect(joined.leader).toBe(memberId);
  const generationId = joined.generationId as number;
  const synced = await req(14, 3, { groupId, generationId, memberId, groupInstanceId: null, assignments: [{ memberId, assignment: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0]) }] });
  expect(synced.errorCode).toBe(0);
  return { memberId, generationId };
}

function commitBody(groupId: string, generationId: number, memberId: string, offset = 1n) {
  return {
    groupId, generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: null,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }],
  };
}

const partitionErrors = (r: Record<string, unknown>) => (r.topics as { partitions: { errorCode: number }[] }[]).flatMap((t) => t.partitions.map((p) => p.errorCode));

let live: { groupId: string; memberId: string; generationId: number };

beforeAll(async () => {
  broker = await startBrokerProcess({ args: ["--set", "groups.initialRebalanceDelayMs=0"] });
  conn = await RawConn.open(broker.port);
  const r = await req(19, 4, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect((r.topics as { errorCode: number }[])[0]!.errorCode).toBe(0);
  live = { groupId: "g-live", ...(await joinAlone("g-live")) };
  const ok = await req(8, 7, commitBody(live.groupId, live.generationId, live.memberId, 5n));
  expect(partitionErrors(ok)).toEqual([0]);
}, 30_000);

afterAll(async () => {
  conn?.close();
  if (broker) {
    expect(await broker.stop()).toBe(0);
    removeDir(broker.dataDir);
  }
});

/** The coordinator still serves: the live member heartbeats fine, its commit is intact, and a new group forms. */
async function stillServing(): Promise<void> {
  const hb = await req(12, 3, { groupId: live.groupId, generationId: live.generationId, memberId: live.memberId, groupInstanceId: null });
  expect(hb.errorCode).toBe(0);
  expect((await fetchCommitted(broker.port, live.groupId, TOPIC, [0])).get(0)).toBe(5n);
  const fresh = `g-fresh-${correlation}`;
  const j = await joinAlone(fresh);
  expect(j.generationId).toBe(1);
  expect((await describeGroup(broker.port, fresh)).groupState).toBe("Stable");
  const left = await req(13, 3, { groupId: fresh, members: [{ memberId: j.memberId, groupInstanceId: null }] });
  expect(left.errorCode).toBe(0);
}

describe("bad group input", () => {
  test("a commit from an unknown member gets UNKNOWN_MEMBER_ID and stores nothing", async () => {
    const r = await req(8, 7, commitBody(live.groupId, live.generationId, "no-such-member", 99n));
    expect(partitionErrors(r)).toEqual([code("UNKNOWN_MEMBER_ID")]);
    // A simple (generation -1) commit into a group with members is refused the same way.
    const simple = await req(8, 7, commitBody(live.groupId, -1, "", 99n));
    expect(partitionErrors(simple)).toEqual([code("UNKNOWN_MEMBER_ID")]);
    // A member commit to a group that does not exist is from a generation long gone.
    const gone = await req(8, 7, commitBody("g-never-existed", 3, "someone", 99n));
    expect(partitionErrors(gone)).toEqual([code("ILLEGAL_GENERATION")]);
    await stillServing();
  });

  test("a commit from a stale or future generation gets ILLEGAL_GENERATION and stores nothing", async () => {
    for (const gen of [live.generationId - 1, live.generationId + 1, 0x7fffffff]) {
      const r = await req(8, 7, commitBody(live.groupId, gen, live.memberId, 99n));
      expect({ gen, errors: partitionErrors(r) }).toEqual({ gen, errors: [code("ILLEGAL_GENERATION")] });
    }
    const hb = await req(12, 3, { groupId: live.groupId, generationId: live.generationId + 7, memberId: live.memberId, groupInstanceId: null });
    expect(hb.errorCode).toBe(code("ILLEGAL_GENERATION"));
    const sync = await req(14, 3, { groupId: live.groupId, generationId: live.generationId + 7, memberId: live.memberId, groupInstanceId: null, assignments: [] });
    expect(sync.errorCode).toBe(code("ILLEGAL_GENERATION"));
    await stillServing();
  });

  test("joins with absurd session timeouts get INVALID_SESSION_TIMEOUT (new group, known member, every version)", async () => {
    for (const sessionTimeoutMs of [-1, 0, 1, 5999, 300_001, 0x7fffffff, -0x80000000]) {
      for (const version of [0, 5, 9]) {
        const r = await req(11, version, joinBody("g-timeouts", "", { sessionTimeoutMs }));
        expect({ sessionTimeoutMs, version, errorCode: r.errorCode }).toEqual({ sessionTimeoutMs, version, errorCode: code("INVALID_SESSION_TIMEOUT") });
      }
      const known = await req(11, 5, joinBody(live.groupId, live.memberId, { sessionTimeoutMs }));
      expect(known.errorCode).toBe(code("INVALID_SESSION_TIMEOUT"));
    }
    // Refused joins leave no group behind.
    expect((await describeGroup(broker.port, "g-timeouts")).groupState).toBe("Dead");
    // Absurd rebalance timeouts are not a session problem: a huge one is accepted, a negative one means "session timeout".
    for (const rebalanceTimeoutMs of [0x7fffffff, -5]) {
      const g = `g-rebalance-${rebalanceTimeoutMs}`;
      const first = await req(11, 5, joinBody(g, "", { rebalanceTimeoutMs }));
      const r = await req(11, 5, joinBody(g, first.memberId as string, { rebalanceTimeoutMs }));
      expect(r.errorCode).toBe(0);
    }
    await stillServing();
  });

  test("a group id of 10,000 characters gets INVALID_GROUP_ID from every group API, not a crash", async () => {
    const long = "g".repeat(10_000);
    const invalid = code("INVALID_GROUP_ID");
    const fc = await req(10, 3, { key: long, keyType: 0 });
    // Kafka locates any key; the group calls then refuse the id.
    expect([0, invalid]).toContain(fc.errorCode as number);
    expect((await req(11, 5, joinBody(long, ""))).errorCode).toBe(invalid);
    expect((await req(11, 5, joinBody(long, "m-1"))).errorCode).toBe(invalid);
    expect((await req(14, 3, { groupId: long, generationId: 1, memberId: "m-1", groupInstanceId: null, assignments: [] })).errorCode).toBe(invalid);
    expect((await req(12, 3, { groupId: long, generationId: 1, memberId: "m-1", groupInstanceId: null })).errorCode).toBe(invalid);
    const leave = await req(13, 3, { groupId: long, members: [{ memberId: "m-1", groupInstanceId: null }] });
    expect(leave.errorCode).toBe(invalid);
    expect(partitionErrors(await req(8, 7, commitBody(long, -1, "")))).toEqual([invalid]);
    expect(partitionErrors(await req(8, 7, commitBody(long, 1, "m-1")))).toEqual([invalid]);
    expect((await req(9, 5, { groupId: long, topics: [{ name: TOPIC, partitionIndexes: [0] }], requireStable: false })).errorCode).toBe(invalid);
    const f8 = await req(9, 8, { groups: [{ groupId: long, topics: null }, { groupId: live.groupId, topics: null }], requireStable: false });
    expect((f8.groups as { errorCode: number }[]).map((g) => g.errorCode)).toEqual([invalid, 0]);
    const d = await req(15, 4, { groups: [long], includeAuthorizedOperations: false });
    expect((d.groups as { errorCode: number }[])[0]!.errorCode).toBe(invalid);
    const del = await req(42, 1, { groupsNames: [long] });
    expect((del.results as { errorCode: number }[])[0]!.errorCode).toBe(invalid);
    const od = await req(47, 0, { groupId: long, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] });
    expect(od.errorCode).toBe(invalid);
    // Nothing was created under that id.
    const list = await req(16, 4, { statesFilter: [] });
    expect((list.groups as { groupId: string }[]).some((g) => g.groupId === long)).toBe(false);
    await stillServing();
  });

  test("a 100,000-character group id in flexible (compact string) versions gets INVALID_GROUP_ID too", async () => {
    const huge = "h".repeat(100_000);
    const invalid = code("INVALID_GROUP_ID");
    const fc = await req(10, 4, { keyType: 0, coordinatorKeys: [huge] });
    expect((fc.coordinators as { errorCode: number }[]).length).toBe(1);
    expect((await req(11, 9, joinBody(huge, ""))).errorCode).toBe(invalid);
    expect(partitionErrors(await req(8, 8, commitBody(huge, -1, "")))).toEqual([invalid]);
    const d = await req(15, 5, { groups: [huge], includeAuthorizedOperations: false });
    expect((d.groups as { errorCode: number }[])[0]!.errorCode).toBe(invalid);
    const del = await req(42, 2, { groupsNames: [huge] });
    expect((del.results as { errorCode: number }[])[0]!.errorCode).toBe(invalid);
    await stillServing();
  });

  test("protocol names, protocol types and instance ids too long to store get INVALID_REQUEST; a huge client id still joins", async () => {
    const big = "x".repeat(40_000); // only compact strings (flexible versions) can carry these
    const invalid = code("INVALID_REQUEST");
    for (const over of [{ protocols: [{ name: big, metadata: new Uint8Array(0) }] }, { protocolType: big }, { groupInstanceId: big }]) {
      const g = `g-long-${Object.keys(over)[0]}`;
      expect((await req(11, 9, joinBody(g, "", over))).errorCode).toBe(invalid);
      expect((await describeGroup(broker.port, g)).groupState).toBe("Dead");
    }
    // Before the fix these joined, and the leader's SyncGroup then failed to persist the group record
    // half way through the transition (connection closed, followers' syncs never answered).
    // The longest header client id (member ids are built from it) must not break the group record either.
    const longClient = await RawConn.open(broker.port);
    try {
      const { encodeRequest, decodeResponse } = await import("../protocol/envelope.ts");
      const send = async (apiKey: number, version: number, body: Record<string, unknown>) => {
        longClient.write(encodeRequest({ correlationId: correlation++, clientId: "c".repeat(32_767) }, apiKey, version, body));
        const frame = await longClient.readFrame();
        expect(frame).not.toBeNull();
        return decodeResponse(frame!, apiKey, version).body;
      };
      const g = "g-long-client-id";
      const first = await send(11, 5, joinBody(g, ""));
      expect(first.errorCode).toBe(code("MEMBER_ID_REQUIRED"));
      const memberId = first.memberId as string;
      const joined = await send(11, 5, joinBody(g, memberId));
      expect(joined.errorCode).toBe(0);
      const synced = await send(14, 3, { groupId: g, generationId: joined.generationId, memberId, groupInstanceId: null, assignments: [{ memberId, assignment: new Uint8Array(4) }] });
      expect(synced.errorCode).toBe(0);
      expect((await describeGroup(broker.port, g)).groupState).toBe("Stable");
    } finally {
      longClient.close();
    }
    await stillServing();
  });

  test("an empty group id, no protocols, an empty or switched protocol type: typed errors", async () => {
    expect((await req(11, 5, joinBody("", ""))).errorCode).toBe(code("INVALID_GROUP_ID"));
    expect((await req(11, 5, joinBody("g-noproto", "", { protocols: [] }))).errorCode).toBe(code("INCONSISTENT_GROUP_PROTOCOL"));
    expect((await req(11, 5, joinBody("g-notype", "", { protocolType: "" }))).errorCode).toBe(code("INCONSISTENT_GROUP_PROTOCOL"));
    // A lone member may switch protocol names but not the group's protocol type (Kafka's rule; the
    // type stayed behind in the group before, so the following SyncGroup v5 was refused).
    const lone = await joinAlone("g-lone");
    const switched = await req(11, 5, joinBody("g-lone", lone.memberId, { protocolType: "connect" }));
    expect(switched.errorCode).toBe(code("INCONSISTENT_GROUP_PROTOCOL"));
    const renamed = await req(11, 5, joinBody("g-lone", lone.memberId, { protocols: [{ name: "roundrobin", metadata: subscription(TOPIC) }] }));
    expect({ errorCode: renamed.errorCode, protocolName: renamed.protocolName }).toEqual({ errorCode: 0, protocolName: "roundrobin" });
    // Joining the live group with a protocol its member does not speak.
    const other = await req(11, 5, joinBody(live.groupId, "", { protocols: [{ name: "weird", metadata: new Uint8Array(3) }] }));
    expect([code("INCONSISTENT_GROUP_PROTOCOL"), code("MEMBER_ID_REQUIRED")]).toContain(other.errorCode as number);
    if (other.errorCode === code("MEMBER_ID_REQUIRED")) {
      const again = await req(11, 5, joinBody(live.groupId, other.memberId as string, { protocols: [{ name: "weird", metadata: new Uint8Array(3) }] }));
      expect(again.errorCode).toBe(code("INCONSISTENT_GROUP_PROTOCOL"));
    }
    await stillServing();
  });

  test("unknown members on sync, heartbeat and leave; metadata over the limit; commits and offset deletes of partitions that do not exist", async () => {
    expect((await req(14, 3, { groupId: live.groupId, generationId: live.generationId, memberId: "ghost", groupInstanceId: null, assignments: [] })).errorCode).toBe(code("UNKNOWN_MEMBER_ID"));
    expect((await req(12, 3, { groupId: live.groupId, generationId: live.generationId, memberId: "ghost", groupInstanceId: null })).errorCode).toBe(code("UNKNOWN_MEMBER_ID"));
    expect((await req(12, 3, { groupId: "g-nobody", generationId: 1, memberId: "ghost", groupInstanceId: null })).errorCode).toBe(code("UNKNOWN_MEMBER_ID"));
    const leave = await req(13, 3, { groupId: live.groupId, members: [{ memberId: "ghost", groupInstanceId: null }, { memberId: "", groupInstanceId: "no-instance" }] });
    expect(leave.errorCode).toBe(0);
    expect((leave.members as { errorCode: number }[]).map((m) => m.errorCode)).toEqual([code("UNKNOWN_MEMBER_ID"), code("UNKNOWN_MEMBER_ID")]);
    const leave0 = await req(13, 0, { groupId: live.groupId, memberId: "ghost" });
    expect(leave0.errorCode).toBe(code("UNKNOWN_MEMBER_ID"));
    const meta = await req(8, 7, {
      ...commitBody(live.groupId, live.generationId, live.memberId),
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: "m".repeat(5000) }] }],
    });
    expect(partitionErrors(meta)).toEqual([code("OFFSET_METADATA_TOO_LARGE")]);
    const missing = await req(8, 7, {
      ...commitBody(live.groupId, live.generationId, live.memberId),
      topics: [
        { name: TOPIC, partitions: [{ partitionIndex: 7, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }, { partitionIndex: -1, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] },
        { name: "no-such-topic", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] },
      ],
    });
    expect(partitionErrors(missing)).toEqual([code("UNKNOWN_TOPIC_OR_PARTITION"), code("UNKNOWN_TOPIC_OR_PARTITION"), code("UNKNOWN_TOPIC_OR_PARTITION")]);
    // OffsetDelete of partitions that do not exist: UNKNOWN_TOPIC_OR_PARTITION, not a silent success.
    const simple = "g-simple-offsets";
    expect(partitionErrors(await req(8, 7, commitBody(simple, -1, "", 4n)))).toEqual([0]);
    const od = await req(47, 0, { groupId: simple, topics: [{ name: "no-such-topic", partitions: [{ partitionIndex: 0 }] }, { name: TOPIC, partitions: [{ partitionIndex: 9 }, { partitionIndex: 0 }] }] });
    expect(od.errorCode).toBe(0);
    expect(partitionErrors(od)).toEqual([code("UNKNOWN_TOPIC_OR_PARTITION"), code("UNKNOWN_TOPIC_OR_PARTITION"), 0]);
    expect((await fetchCommitted(broker.port, simple, TOPIC, [0])).get(0)).toBe(-1n);
    // A live group cannot be deleted.
    const del = await req(42, 1, { groupsNames: [live.groupId, "g-never-existed"] });
    expect((del.results as { errorCode: number }[]).map((g) => g.errorCode)).toEqual([code("NON_EMPTY_GROUP"), code("GROUP_ID_NOT_FOUND")]);
    await stillServing();
  });
});
