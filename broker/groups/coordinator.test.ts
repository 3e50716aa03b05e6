import { seededRandom as rng } from "../../protocol/seeded-random.ts";
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join as joinPath } from "node:path";
import { Writer } from "../../protocol/primitives.ts";
import { GroupCoordinator } from "./coordinator.ts";
import { loadGroups } from "./load.ts";
import type { Effect, JoinRequest, OffsetsTopicRecord, Outcome, Ticket } from "./types.ts";

/** A consumer-protocol subscription v0 with these topics (what OffsetDelete reads). */
function subscription(...topics: string[]): Uint8Array {
  const w = new Writer();
  w.int16(0);
  w.arrayLength(topics.length);
  for (const t of topics) w.string(t);
  w.int32(-1); // null user data
  return w.finish().slice();
}

function coordinator(log: OffsetsTopicRecord[] = [], nowMs = 0): GroupCoordinator {
  let n = 0;
  return new GroupCoordinator({ nowMs, limits: { initialRebalanceDelayMs: 0 }, newMemberId: (p) => `${p}-${++n}`, loaded: loadGroups(log) });
}

const join = (memberId: string, topics: string[], groupInstanceId: string | null = null): JoinRequest => ({
  groupId: "g", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId, protocolType: "consumer",
  protocols: [{ name: "range", metadata: subscription(...topics) }],
});
const client = { apiVersion: 3, clientId: "c", clientHost: "h" };

/** Collects persisted records, as the shell would append them. */
function persisted(log: OffsetsTopicRecord[], o: { effects: Effect[] }): void {
  for (const e of o.effects) if (e.type === "persist") log.push(...e.records);
}

describe("GroupCoordinator", () => {
  test("a restarted coordinator rebuilds groups and offsets from its records", () => {
    const log: OffsetsTopicRecord[] = [];
    const c = coordinator();
    const j1 = c.handleJoin(join("", ["t"]), client, 0);
    const m1 = j1.response!.memberId;
    const j2 = c.handleJoin(join("", ["t", "u"], "static-2"), client, 0);
    expect(j2.parked).toBeDefined();
    const j1b = c.handleJoin(join(m1, ["t"]), client, 0);
    persisted(log, j1b);
    const m2 = j1b.response!.members.find((m) => m.memberId !== m1)!.memberId;
    const s = c.handleSync({ groupId: "g", generationId: 2, memberId: m1, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: m1, assignment: new Uint8Array([1]) }, { memberId: m2, assignment: new Uint8Array([2]) }] }, 0);
    persisted(log, s);
    persisted(log, c.handleCommit({ groupId: "g", generationIdOrMemberEpoch: 2, memberId: m1, groupInstanceId: null, topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, committedMetadata: "x" }] }] }, 5));
    persisted(log, c.handleCommit({ groupId: "simple", generationIdOrMemberEpoch: -1, memberId: "", groupInstanceId: null, topics: [{ name: "t", partitions: [{ partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: null }] }] }, 6));

    const r = coordinator(log, 1000);
    expect(r.describeGroups(["g", "simple"])).toEqual(c.describeGroups(["g", "simple"]));
    expect(r.committedOffset("g", "t", 0)).toEqual({ offset: 42n, leaderEpoch: 3, metadata: "x", commitTimestampMs: 5 });
    expect(r.committedOffset("simple", "t", 1)?.offset).toBe(7n);
    // Members carry on in the same generation without rebalancing; static ids still fence.
    expect(r.handleHeartbeat({ groupId: "g", generationId: 2, memberId: m2, groupInstanceId: "static-2" }, 1000).response!.errorCode).toBe(0);
    expect(r.handleSync({ groupId: "g", generationId: 2, memberId: m2, groupInstanceId: "static-2", protocolType: "consumer", protocolName: "range", assignments: [] }, 1000).response!.assignment).toEqual(new Uint8Array([2]));
    expect(r.handleHeartbeat({ groupId: "g", generationId: 2, memberId: "old", groupInstanceId: "static-2" }, 1000).response!.errorCode).toBe(82);
    // Sessions restart at load time: nobody expires just because the coordinator moved.
    expect(r.tick(10_999).effects).toEqual([]);
    r.checkInvariants();
  });

  test("tombstones delete on reload", () => {
    const log: OffsetsTopicRecord[] = [];
    const c = coordinator();
    persisted(log, c.handleCommit({ groupId: "g", generationIdOrMemberEpoch: -1, memberId: "", groupInstanceId: null, topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] }, 0));
    expect(coordinator(log).listGroups().map((g) => g.groupId)).toEqual(["g"]);
    persisted(log, c.handleDeleteGroups(["g"], 1));
    expect(coordinator(log).listGroups()).toEqual([]);
    expect(coordinator(log).committedOffset("g", "t", 0)).toBeUndefined();
  });

  test("OffsetDelete refuses only topics the live group subscribes to", () => {
    const c = coordinator();
    const commit = (memberId: string, gen: number) => c.handleCommit({ groupId: "g", generationIdOrMemberEpoch: gen, memberId, groupInstanceId: null, topics: ["t", "old"].map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] })) }, 0);
    commit("", -1);
    const m = c.handleJoin(join("", ["t"]), client, 0).response!.memberId;
    const r = c.handleOffsetDelete({ groupId: "g", topics: [{ name: "t", partitions: [{ partitionIndex: 0 }] }, { name: "old", partitions: [{ partitionIndex: 0 }] }] }, 0);
    expect(r.response!.topics.map((t) => [t.name, t.partitions[0]!.errorCode])).toEqual([["t", 86], ["old", 0]]);
    expect(r.effects.length).toBe(1);
    expect(c.committedOffset("g", "old", 0)).toBeUndefined();
    expect(c.committedOffset("g", "t", 0)).toBeDefined();
    expect(m).toBe("c-1");
    expect(c.handleOffsetDelete({ groupId: "nope", topics: [] }, 0).response!.errorCode).toBe(69);
  });

  test("ListGroups filters by state and type", () => {
    const c = coordinator();
    c.handleJoin(join("", ["t"]), client, 0);
    c.handleCommit({ groupId: "s", generationIdOrMemberEpoch: -1, memberId: "", groupInstanceId: null, topics: [] }, 0);
    expect(c.listGroups(["completingrebalance"]).map((g) => g.groupId)).toEqual(["g"]);
    expect(c.listGroups(["Empty"]).map((g) => g.groupId)).toEqual(["s"]);
    expect(c.listGroups([], ["consumer"])).toEqual([]);
    expect(c.listGroups([], ["Classic"]).length).toBe(2);
  });
});


describe("random schedules", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    test(`seed ${seed}: invariants hold and every parked request is answered exactly once`, () => {
      const rand = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const c = coordinator();
      const open = new Set<Ticket>();
      let nowMs = 0;
      const known: { memberId: string; instance: string | null; gen: number }[] = [];
      const absorb = (o: Outcome<unknown> | { effects: Effect[] }) => {
        if ("parked" in o && o.parked !== undefined) {
          expect(open.has(o.parked)).toBe(false);
          open.add(o.parked);
        }
        for (const e of o.effects) {
          if (e.type === "persist") continue;
          expect(open.delete(e.ticket)).toBe(true); // answered once, and only if parked
          if (e.type === "join-reply" && e.reply.errorCode === 0) known.push({ memberId: e.reply.memberId, instance: null, gen: e.reply.generationId });
        }
      };
      for (let step = 0; step < 1500; step++) {
        const k = known.length > 0 ? pick(known) : null;
        const r = rand();
        if (r < 0.25) {
          const instance = rand() < 0.3 ? pick(["i1", "i2", "i3"]) : null;
          const memberId = k !== null && rand() < 0.7 ? k.memberId : "";
          const o = c.handleJoin({ ...join(memberId, rand() < 0.8 ? ["t"] : ["t", "u"], instance) }, { ...client, apiVersion: pick([3, 5]) }, nowMs);
          absorb(o);
          const resp = o.response;
          if (resp && (resp.errorCode === 0 || resp.errorCode === 79)) known.push({ memberId: resp.memberId, instance, gen: resp.generationId });
        } else if (r < 0.45 && k !== null) {
          const g = c.group("g");
          const assignments = g ? [...g.members.keys()].map((memberId) => ({ memberId, assignment: new Uint8Array([1]) })) : [];
          absorb(c.handleSync({ groupId: "g", generationId: g?.generationId ?? k.gen, memberId: k.memberId, groupInstanceId: k.instance, protocolType: null, protocolName: null, assignments }, nowMs));
        } else if (r < 0.6 && k !== null) {
          absorb(c.handleHeartbeat({ groupId: "g", generationId: c.group("g")?.generationId ?? 0, memberId: k.memberId, groupInstanceId: k.instance }, nowMs));
        } else if (r < 0.67 && k !== null) {
          absorb(c.handleLeave({ groupId: "g", members: [{ memberId: k.memberId, groupInstanceId: rand() < 0.5 ? k.instance : null }] }, nowMs));
        } else if (r < 0.75 && k !== null) {
          absorb(c.handleCommit({ groupId: "g", generationIdOrMemberEpoch: c.group("g")?.generationId ?? -1, memberId: k.memberId, groupInstanceId: k.instance, topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: BigInt(step), committedLeaderEpoch: -1, committedMetadata: null }] }] }, nowMs));
        } else if (r < 0.78) {
          absorb(c.handleDeleteGroups(["g"], nowMs));
        } else {
          nowMs += Math.floor(rand() * 4000);
          absorb(c.tick(nowMs));
        }
        c.checkInvariants();
        const parkedNow = new Set(c.group("g")?.parkedTickets() ?? []);
        expect(parkedNow).toEqual(open);
        if (known.length > 50) known.splice(0, 25);
      }
    });
  }
});

describe("tidy", () => {
  test("the core reads no clock, no randomness, no timers, no files", () => {
    const dir = import.meta.dir;
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "driver.ts")) {
      const src = readFileSync(joinPath(dir, f), "utf8");
      for (const banned of ["Date.now", "Math.random", "setTimeout", "setInterval", "node:fs", "Bun.", "performance.now"]) {
        expect(`${f}: ${src.includes(banned) ? banned : "clean"}`).toBe(`${f}: clean`);
      }
    }
  });
});
