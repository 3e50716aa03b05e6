import { describe, expect, test } from "bun:test";
import type { TopicPartitions } from "./consumer-protocol.ts";
import { cooperativeStickyAssignor } from "./cooperative-sticky.ts";
import { rangeAssignor } from "./range.ts";
import { roundRobinAssignor } from "./round-robin.ts";
import type { Assignor, MemberSubscription } from "./types.ts";

const member = (memberId: string, topics: string[], ownedPartitions: TopicPartitions[] = [], generationId = -1): MemberSubscription =>
  ({ memberId, groupInstanceId: null, topics, ownedPartitions, generationId });

/** "t0p0" style, for comparing with Kafka's documentation. */
function flat(a: Map<string, TopicPartitions[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, list] of a) out[id] = list.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}p${p}`));
  return out;
}

const count = (list: readonly TopicPartitions[]) => list.reduce((n, tp) => n + tp.partitions.length, 0);

describe("range (Kafka's RangeAssignor documentation)", () => {
  test("two consumers, two topics of three partitions", () => {
    const a = rangeAssignor.assign(new Map([["t0", 3], ["t1", 3]]), [member("C1", ["t0", "t1"]), member("C0", ["t0", "t1"])]);
    expect(flat(a)).toEqual({ C0: ["t0p0", "t0p1", "t1p0", "t1p1"], C1: ["t0p2", "t1p2"] });
  });

  test("static members sort before dynamic ones, by instance id", () => {
    const a = rangeAssignor.assign(new Map([["t", 2]]), [member("a", ["t"]), { ...member("z", ["t"]), groupInstanceId: "i" }]);
    expect(flat(a)).toEqual({ a: ["tp1"], z: ["tp0"] });
  });
});

describe("roundrobin (Kafka's RoundRobinAssignor documentation)", () => {
  test("same subscriptions", () => {
    const a = roundRobinAssignor.assign(new Map([["t0", 3], ["t1", 3]]), [member("C0", ["t0", "t1"]), member("C1", ["t0", "t1"])]);
    expect(flat(a)).toEqual({ C0: ["t0p0", "t0p2", "t1p1"], C1: ["t0p1", "t1p0", "t1p2"] });
  });

  test("different subscriptions", () => {
    const a = roundRobinAssignor.assign(new Map([["t0", 1], ["t1", 2], ["t2", 3]]), [
      member("C0", ["t0"]), member("C1", ["t0", "t1"]), member("C2", ["t0", "t1", "t2"]),
    ]);
    expect(flat(a)).toEqual({ C0: ["t0p0"], C1: ["t1p0"], C2: ["t1p1", "t2p0", "t2p1", "t2p2"] });
  });

  test("a topic that does not exist is skipped", () => {
    expect(flat(roundRobinAssignor.assign(new Map([["t", 1]]), [member("a", ["t", "gone"])]))).toEqual({ a: ["tp0"] });
  });
});

/** Simulates cooperative rebalances: members own what they were assigned, minus revocations. */
function rebalanceUntilStable(assignor: Assignor, partitionCounts: Map<string, number>, ids: string[], owned: Map<string, TopicPartitions[]>, generation: number) {
  const rounds: { assignment: Map<string, TopicPartitions[]>; revoked: number }[] = [];
  for (let round = 0; round < 5; round++) {
    const members = ids.map((id) => member(id, [...partitionCounts.keys()], owned.get(id) ?? [], generation));
    const assignment = assignor.assign(partitionCounts, members);
    // Safety: nothing goes to a member while another still owns it, and nothing goes to two members.
    const ownerOf = new Map<string, string>();
    for (const [id, list] of owned) for (const tp of list) for (const p of tp.partitions) ownerOf.set(`${tp.topic}/${p}`, id);
    const seen = new Set<string>();
    for (const [id, list] of assignment) {
      for (const tp of list) {
        for (const p of tp.partitions) {
          const k = `${tp.topic}/${p}`;
          expect(seen.has(k)).toBe(false);
          seen.add(k);
          const o = ownerOf.get(k);
          expect(o === undefined || o === id).toBe(true);
        }
      }
    }
    let revoked = 0;
    for (const [id, list] of owned) revoked += count(list) - count((list.map((tp) => ({ topic: tp.topic, partitions: tp.partitions.filter((p) => assignment.get(id)?.some((a) => a.topic === tp.topic && a.partitions.includes(p))) }))));
    rounds.push({ assignment, revoked });
    owned = assignment;
    generation++;
    if (revoked === 0) break; // members rejoin only when they revoked something
  }
  return { rounds, final: owned };
}

describe("cooperative-sticky", () => {
  for (const partitions of [6, 12]) {
    test(`a 4th member joining 3 on ${partitions} partitions moves the minimum`, () => {
      const counts = new Map([["t", partitions]]);
      const first = rebalanceUntilStable(cooperativeStickyAssignor, counts, ["a", "b", "c"], new Map(), 1);
      const before = first.final;
      expect([...before.values()].map(count)).toEqual([partitions / 3, partitions / 3, partitions / 3]);

      const { rounds, final } = rebalanceUntilStable(cooperativeStickyAssignor, counts, ["a", "b", "c", "d"], before, 2);
      // Round 1 revokes only what must move: d needs at least floor(P/4) partitions and gets no more;
      // round 2 hands them to d; then nothing moves.
      expect(rounds[0]!.revoked).toBe(Math.floor(partitions / 4));
      expect(rounds.length).toBe(2);
      expect(rounds[1]!.revoked).toBe(0);
      const sizes = [...final.values()].map(count);
      expect(sizes.reduce((x, y) => x + y)).toBe(partitions);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      // Sticky: every partition a, b, c kept is one they had.
      for (const id of ["a", "b", "c"]) {
        const had = new Set(flat(new Map([[id, before.get(id)!]]))[id]);
        for (const p of flat(new Map([[id, final.get(id)!]]))[id]!) expect(had.has(p)).toBe(true);
      }
    });
  }

  test("a member leaving: its partitions go to the others, nobody else moves", () => {
    const counts = new Map([["t", 8], ["u", 4]]);
    const start = rebalanceUntilStable(cooperativeStickyAssignor, counts, ["a", "b", "c", "d"], new Map(), 1).final;
    start.delete("d");
    const { rounds, final } = rebalanceUntilStable(cooperativeStickyAssignor, counts, ["a", "b", "c"], start, 5);
    expect(rounds[0]!.revoked).toBe(0);
    expect([...final.values()].map(count)).toEqual([4, 4, 4]);
  });

  test("conflicting claims: the newer generation wins, equal generations cancel", () => {
    const counts = new Map([["t", 2]]);
    const a = cooperativeStickyAssignor.assign(counts, [
      member("a", ["t"], [{ topic: "t", partitions: [0, 1] }], 3),
      member("b", ["t"], [{ topic: "t", partitions: [0] }], 2),
    ]);
    // a keeps t0 (newer claim) but must give one partition to b: it revokes t1 first.
    expect(flat(a)).toEqual({ a: ["tp0"], b: [] });
    const tie = cooperativeStickyAssignor.assign(counts, [
      member("a", ["t"], [{ topic: "t", partitions: [0] }], 3),
      member("b", ["t"], [{ topic: "t", partitions: [0] }], 3),
    ]);
    expect(Object.values(flat(tie)).flat().sort()).toEqual(["tp0", "tp1"]);
  });

  test("different subscriptions: each partition goes to a subscriber, balance where possible", () => {
    const counts = new Map([["t", 4], ["u", 4]]);
    const { final } = rebalanceUntilStable(cooperativeStickyAssignor, counts, [], new Map(), 1);
    expect(final.size).toBe(0);
    const members = [member("a", ["t"]), member("b", ["t", "u"]), member("c", ["u"])];
    const out = cooperativeStickyAssignor.assign(counts, members);
    expect(flat(out).a!.every((p) => p.startsWith("t"))).toBe(true);
    expect(flat(out).c!.every((p) => p.startsWith("u"))).toBe(true);
    expect([...out.values()].map(count).sort()).toEqual([2, 3, 3]);
  });

  test("random ownership never yields a partition assigned twice, and balance converges", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let trial = 0; trial < 50; trial++) {
      const partitions = 1 + Math.floor(rand() * 30);
      const ids = Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, i) => `m${i}`);
      const owned = new Map<string, TopicPartitions[]>();
      for (let p = 0; p < partitions; p++) {
        if (rand() < 0.3) continue;
        const id = ids[Math.floor(rand() * ids.length)]!;
        owned.set(id, [{ topic: "t", partitions: [...(owned.get(id)?.[0]?.partitions ?? []), p] }]);
      }
      const { final } = rebalanceUntilStable(cooperativeStickyAssignor, new Map([["t", partitions]]), ids, owned, 1);
      const sizes = ids.map((id) => count(final.get(id) ?? []));
      expect(sizes.reduce((x, y) => x + y)).toBe(partitions);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});
