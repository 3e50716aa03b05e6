/**
 * SDK consumer groups against the real broker, in-process (broker/embedded.ts): splitting a topic,
 * a member leaving, commit and restart, static membership, cooperative rebalancing, and the group admin.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type EmbeddedBroker } from "../broker/embedded.ts";
import { StreamBus, type ConsumerRecord, type GroupConsumer, type GroupConsumerOptions, type TopicPartition } from "../client/index.ts";

const enc = (s: string) => new TextEncoder().encode(s);
/** Fast group timing for tests: the broker's minimum session timeout is lowered to allow 2 s. */
const FAST = { heartbeatIntervalMs: 100, sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 5_000, maxWaitMs: 50, autoOffsetReset: "earliest" } as const;

let dataDir: string;
let broker: EmbeddedBroker;
let bus: StreamBus;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sb-client-group-"));
  broker = await startBroker({ dataDir, set: { "groups.initialRebalanceDelayMs": "0s", "groups.sessionTimeoutMsMin": "1s" } });
  bus = new StreamBus({ brokers: [broker.bootstrap], clientId: "client-group-test" });
});
afterAll(async () => {
  await bus?.close();
  await broker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function topicWith(name: string, partitions: number, perPartition: number, from = 0): Promise<void> {
  if (from === 0) await bus.admin().createTopics([{ name, partitions, replicationFactor: 1 }]);
  const p = bus.producer();
  const records = [];
  for (let part = 0; part < partitions; part++) for (let i = 0; i < perPartition; i++) records.push({ topic: name, partition: part, value: enc(`${part}-${from + i}`) });
  await p.sendBatch(records);
  await p.close();
}

function consumer(opts: Partial<GroupConsumerOptions> & { groupId: string; topics: string[] }): GroupConsumer {
  return bus.consumer({ ...FAST, ...opts });
}

/** Iterates in the background into `sink` until the consumer closes. */
function drain(c: GroupConsumer, sink: ConsumerRecord[]): Promise<void> {
  return (async () => {
    for await (const r of c) sink.push(r);
  })();
}

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ids = (records: readonly ConsumerRecord[]) => records.map((r) => `${r.partition}@${r.offset}`);
const parts = (tps: readonly TopicPartition[]) => tps.map((tp) => tp.partition).sort((a, b) => a - b);

describe("group consumers against the broker", () => {
  test("two members split a 6-partition topic and read every record exactly once", async () => {
    await topicWith("split", 6, 50);
    const a = consumer({ groupId: "g-split", topics: ["split"] });
    const b = consumer({ groupId: "g-split", topics: ["split"] });
    const gotA: ConsumerRecord[] = [];
    const gotB: ConsumerRecord[] = [];
    const loops = [drain(a, gotA), drain(b, gotB)];
    try {
      await until("a 3+3 split", () => a.assignment().length === 3 && b.assignment().length === 3);
      await topicWith("split", 6, 50, 50); // more records once the split is settled
      await until("600 records", () => gotA.length + gotB.length >= 600);
      await new Promise((r) => setTimeout(r, 200)); // room for duplicates to show up
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all(loops);
    }
    const all = ids([...gotA, ...gotB]);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(600);
    expect([...parts(a.assignment()), ...parts(b.assignment())]).toEqual([]); // closed members own nothing
    expect(gotA.length).toBeGreaterThan(0);
    expect(gotB.length).toBeGreaterThan(0);
  }, 30_000);

  test("a member leaving moves its partitions to the other", async () => {
    await topicWith("leave", 4, 10);
    const a = consumer({ groupId: "g-leave", topics: ["leave"] });
    const b = consumer({ groupId: "g-leave", topics: ["leave"] });
    const gotA: ConsumerRecord[] = [];
    const loops = [drain(a, gotA), drain(b, [])];
    try {
      await until("a 2+2 split", () => a.assignment().length === 2 && b.assignment().length === 2);
      const generation = a.membership.generationId;
      await b.close();
      await until("a owns all 4", () => a.assignment().length === 4);
      expect(a.membership.generationId).toBeGreaterThan(generation);
      await topicWith("leave", 4, 5, 10);
      await until("a reads the new records of every partition", () => new Set(gotA.filter((r) => r.offset >= 10n).map((r) => r.partition)).size === 4);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all(loops);
    }
  }, 30_000);

  test("commit, close and restart resume from the committed offsets; the admin sees lag and resets", async () => {
    await topicWith("resume", 1, 20);
    const first = consumer({ groupId: "g-resume", topics: ["resume"], autoCommit: false });
    let n = 0;
    for await (const r of first) {
      if (++n === 10) {
        await first.commit(r); // r was handled: commit through it
        break;
      }
    }
    await first.close();
    const admin = bus.admin();
    expect(await admin.listGroupOffsets("g-resume")).toEqual([{ topic: "resume", partition: 0, offset: 10n, logEndOffset: 20n, lag: 10n }]);
    expect((await admin.describeGroups(["g-resume"]))[0]!.state).toBe("Empty");
    expect((await admin.listGroups()).map((g) => g.groupId)).toContain("g-resume");

    const second = consumer({ groupId: "g-resume", topics: ["resume"] });
    for await (const r of second) {
      expect(r.offset).toBe(10n);
      break;
    }
    await second.close(); // auto-commit: the record in hand at `break` is not processed, so 10 stays
    expect((await admin.listGroupOffsets("g-resume"))[0]!.offset).toBe(10n);

    expect(await admin.resetGroupOffsets("g-resume", "resume", "earliest")).toEqual([{ topic: "resume", partition: 0, offset: 0n }]);
    const third = consumer({ groupId: "g-resume", topics: ["resume"] });
    for await (const r of third) {
      expect(r.offset).toBe(0n);
      break;
    }
    await third.close();
    await admin.deleteGroups(["g-resume"]);
    expect(await admin.listGroupOffsets("g-resume")).toEqual([]);
  }, 30_000);

  test("the admin refuses to reset a group with members, and describes members with decoded assignments", async () => {
    await topicWith("described", 2, 1);
    const c = consumer({ groupId: "g-described", topics: ["described"] });
    const loop = drain(c, []);
    try {
      await until("assigned", () => c.assignment().length === 2);
      const [g] = await bus.admin().describeGroups(["g-described"]);
      expect(g).toMatchObject({ state: "Stable", protocolType: "consumer", protocol: "range" });
      expect(g!.members).toHaveLength(1);
      expect(g!.members[0]).toMatchObject({ memberId: c.membership.memberId, topics: ["described"], assignment: [{ topic: "described", partitions: [0, 1] }] });
      await expect(bus.admin().resetGroupOffsets("g-described", "described", "latest")).rejects.toMatchObject({ code: "NON_EMPTY_GROUP" });
    } finally {
      await c.close();
      await loop;
    }
  }, 30_000);

  test("a static member restarting within the session timeout gets its partitions back without a rebalance", async () => {
    await topicWith("static", 4, 1);
    const revokedOnB: TopicPartition[][] = [];
    const a = consumer({ groupId: "g-static", topics: ["static"], groupInstanceId: "a" });
    const b = consumer({ groupId: "g-static", topics: ["static"], groupInstanceId: "b", onRevoked: (tps) => void revokedOnB.push(tps) });
    const loops = [drain(a, []), drain(b, [])];
    let a2: GroupConsumer | null = null;
    try {
      await until("a 2+2 split", () => a.assignment().length === 2 && b.assignment().length === 2 && a.membership.generationId === b.membership.generationId);
      const generation = b.membership.generationId;
      const aPartitions = parts(a.assignment());
      await a.close(); // static: no LeaveGroup
      a2 = consumer({ groupId: "g-static", topics: ["static"], groupInstanceId: "a" });
      loops.push(drain(a2, []));
      await until("a2 assigned", () => a2!.assignment().length === 2);
      expect(parts(a2.assignment())).toEqual(aPartitions);
      expect(a2.membership.generationId).toBe(generation);
      await new Promise((r) => setTimeout(r, 300)); // a few heartbeats: b sees no rebalance
      expect(b.membership.generationId).toBe(generation);
      expect(revokedOnB).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close(), a2?.close()]);
      await Promise.all(loops);
    }
  }, 30_000);

  test("cooperative-sticky: a new member takes partitions without the others revoking what they keep", async () => {
    await topicWith("coop", 6, 1);
    const revokedOnA: number[][] = [];
    const a = consumer({ groupId: "g-coop", topics: ["coop"], assignor: "cooperative-sticky", onRevoked: (tps) => void revokedOnA.push(parts(tps)) });
    const loops = [drain(a, [])];
    const b = consumer({ groupId: "g-coop", topics: ["coop"], assignor: "cooperative-sticky" });
    try {
      await until("a owns all 6", () => a.assignment().length === 6);
      const kept = new Set(parts(a.assignment()));
      loops.push(drain(b, []));
      await until("a 3+3 split", () => a.assignment().length === 3 && b.assignment().length === 3, 15_000);
      expect(revokedOnA).toHaveLength(1);
      expect(revokedOnA[0]).toHaveLength(3);
      for (const p of parts(a.assignment())) expect(kept.has(p)).toBe(true);
      expect(revokedOnA[0]!.filter((p) => parts(a.assignment()).includes(p))).toEqual([]);
      expect(parts(b.assignment())).toEqual(revokedOnA[0]!);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all(loops);
    }
  }, 30_000);
});
