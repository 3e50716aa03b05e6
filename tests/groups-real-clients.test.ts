/**
 * Consumer groups with real clients against a `streambus broker` process: pairs of kcat, confluent-kafka
 * (librdkafka) and kafkajs consumers share a topic so that every record is read exactly once across the
 * pair and the committed offsets (read back with a raw OffsetFetch) land on the log end; kafka-python
 * commits and a second run resumes from there; a restarted static member (group.instance.id) gets its
 * partitions back without a rebalance of the other member.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Kafka, logLevel, type Consumer } from "kafkajs";
import { join } from "node:path";
import { type BrokerProcess, removeDir, startBrokerProcess } from "./helpers/broker-process.ts";
import {
  type WatchedProcess, confluentConsumer, describeGroup, endOffsets, eventsOf, fetchCommitted, kcatGroupConsumer, produceSpread, waitUntil,
} from "./helpers/groups-clients.ts";
import { createTopicWithLibrdkafka, runPython } from "./helpers/python.ts";

let broker: BrokerProcess;
const PARTITIONS = [0, 1, 2, 3, 4, 5];

beforeAll(async () => {
  broker = await startBrokerProcess({ args: ["--set", "groups.initialRebalanceDelayMs=0"] });
}, 30_000);

afterAll(async () => {
  if (broker) {
    expect(await broker.stop()).toBe(0);
    removeDir(broker.dataDir);
  }
});

/** True when the assignments are pairwise disjoint and together cover exactly `all`. */
function partitionsCovered(assignments: readonly (readonly number[] | undefined)[], all: readonly number[]): boolean {
  if (assignments.some((a) => a === undefined || a.length === 0)) return false;
  const flat = assignments.flatMap((a) => [...a!]);
  return flat.length === all.length && new Set(flat).size === all.length && all.every((p) => flat.includes(p));
}

/** Expects every value exactly once across the readers, and each value read from one partition only. */
function expectExactlyOnce(read: readonly { p: number; o: number; v: string }[], values: readonly string[]): void {
  const count = new Map<string, number>();
  for (const r of read) count.set(r.v, (count.get(r.v) ?? 0) + 1);
  const dupes = [...count].filter(([, n]) => n > 1);
  expect(dupes).toEqual([]);
  expect(read.length).toBe(values.length);
  expect([...count.keys()].sort()).toEqual([...values].sort());
  const byPos = new Set(read.map((r) => `${r.p}@${r.o}`));
  expect(byPos.size).toBe(read.length);
}

/** Committed offsets equal the log end of every partition, and one past the last offset read there. */
async function expectCommittedAtEnd(group: string, topic: string, read: readonly { p: number; o: number }[]): Promise<void> {
  const ends = await endOffsets(broker.port, topic, PARTITIONS);
  const committed = await fetchCommitted(broker.port, group, topic, PARTITIONS);
  for (const p of PARTITIONS) {
    const last = Math.max(-1, ...read.filter((r) => r.p === p).map((r) => r.o));
    expect({ p, committed: committed.get(p) }).toEqual({ p, committed: ends.get(p)! });
    expect(ends.get(p)).toBe(BigInt(last + 1));
  }
  // The same commits as `streambus group describe` shows them (the CLI from source, JSON output).
  const cli = Bun.spawnSync({ cmd: [process.execPath, join(import.meta.dir, "..", "cli", "main.ts"), "group", "describe", group, "-b", broker.bootstrap, "-o", "json"], stdout: "pipe", stderr: "pipe" });
  expect(cli.stderr.toString()).toBe("");
  const described = JSON.parse(cli.stdout.toString()) as { totalLag: number; partitions: { topic: string; partition: number; committedOffset: number }[] };
  expect(described.totalLag).toBe(0);
  for (const p of PARTITIONS) {
    expect(described.partitions.find((x) => x.topic === topic && x.partition === p)?.committedOffset).toBe(Number(ends.get(p)));
  }
}

/** kcat's latest assignment from its stderr ("... assigned: t [0], t [1]"); [] after a revoke. */
function kcatAssignment(p: WatchedProcess): number[] | undefined {
  const lines = p.stderr.split("\n").filter((l) => l.includes("assigned:") || l.includes("revoked:"));
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  if (last.includes("revoked:")) return [];
  return [...last.slice(last.indexOf("assigned:")).matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
}

function kcatRecords(p: WatchedProcess): { p: number; o: number; v: string }[] {
  return p.lines.filter((l) => l !== "").map((l) => {
    const [part, off, v] = l.split(" ") as [string, string, string];
    return { p: Number(part), o: Number(off), v };
  });
}

/** The latest assignment a confluent consumer script reported. */
function confluentAssignment(p: WatchedProcess): number[] | undefined {
  const last = eventsOf(p).filter((e) => e.ev === "assign" || e.ev === "revoke").at(-1);
  return last === undefined ? undefined : last.ev === "revoke" ? [] : last.parts!;
}

function confluentRecords(p: WatchedProcess): { p: number; o: number; v: string }[] {
  return eventsOf(p).filter((e) => e.ev === "msg").map((e) => ({ p: e.p!, o: e.o!, v: e.v! }));
}

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe("consumer groups with real clients", () => {
  test("two kcat -G consumers read a 6-partition topic exactly once between them and commit on SIGINT", async () => {
    const topic = "grp-kcat";
    const group = "g-kcat";
    await createTopicWithLibrdkafka(broker.bootstrap, topic, 6);
    const a = kcatGroupConsumer(broker.bootstrap, group, topic, "kcat-a");
    const b = kcatGroupConsumer(broker.bootstrap, group, topic, "kcat-b");
    try {
      await waitUntil("both kcat consumers to hold disjoint halves", () => partitionsCovered([kcatAssignment(a), kcatAssignment(b)], PARTITIONS), 30_000);
      expect(kcatAssignment(a)!.length).toBe(3);
      const sent = values("kcat", 600);
      await produceSpread(broker.bootstrap, topic, sent, PARTITIONS);
      await waitUntil("all records read", () => kcatRecords(a).length + kcatRecords(b).length >= sent.length, 30_000);
      // kcat commits its offsets and flushes stdout on SIGINT.
      expect(await a.stop("SIGINT")).toBe(0);
      expect(await b.stop("SIGINT")).toBe(0);
      const read = [...kcatRecords(a), ...kcatRecords(b)];
      expectExactlyOnce(read, sent);
      expect(kcatRecords(a).length).toBeGreaterThan(0);
      expect(kcatRecords(b).length).toBeGreaterThan(0);
      await expectCommittedAtEnd(group, topic, read);
    } finally {
      await Promise.all([a.stop("SIGKILL"), b.stop("SIGKILL")]);
    }
  }, 60_000);

  test("two confluent-kafka subscribe() consumers read every record exactly once and commit on close", async () => {
    const topic = "grp-ck";
    const group = "g-ck";
    await createTopicWithLibrdkafka(broker.bootstrap, topic, 6);
    const a = confluentConsumer(broker.bootstrap, group, topic, {}, "ck-a");
    const b = confluentConsumer(broker.bootstrap, group, topic, {}, "ck-b");
    try {
      await waitUntil("both consumers to hold disjoint halves", () => partitionsCovered([confluentAssignment(a), confluentAssignment(b)], PARTITIONS), 30_000);
      const sent = values("ck", 600);
      await produceSpread(broker.bootstrap, topic, sent, PARTITIONS);
      await waitUntil("all records read", () => confluentRecords(a).length + confluentRecords(b).length >= sent.length, 30_000);
      expect(await a.stop("SIGTERM")).toBe(0);
      expect(await b.stop("SIGTERM")).toBe(0);
      expect(eventsOf(a).at(-1)?.ev).toBe("closed");
      expect(eventsOf(b).at(-1)?.ev).toBe("closed");
      expect(eventsOf(a).filter((e) => e.ev === "error")).toEqual([]);
      const read = [...confluentRecords(a), ...confluentRecords(b)];
      expectExactlyOnce(read, sent);
      await expectCommittedAtEnd(group, topic, read);
      // Both left on close: the group is Empty, with its offsets kept.
      const d = await describeGroup(broker.port, group);
      expect({ state: d.groupState, members: d.members.length }).toEqual({ state: "Empty", members: 0 });
    } finally {
      await Promise.all([a.stop("SIGKILL"), b.stop("SIGKILL")]);
    }
  }, 60_000);

  test("two kafkajs consumers in one group (eachMessage) read every record exactly once and commit", async () => {
    const topic = "grp-kjs";
    const group = "g-kjs";
    await createTopicWithLibrdkafka(broker.bootstrap, topic, 6);
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: "grp-kjs", logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
    const read: { p: number; o: number; v: string; who: string }[] = [];
    const assigned = new Map<string, number[]>();
    const consumers: Consumer[] = [];
    try {
      for (const who of ["a", "b"]) {
        // A short fetch wait: kafkajs heartbeats (and so learns of a rebalance) only between fetches.
        const c = kafka.consumer({ groupId: group, sessionTimeout: 6000, rebalanceTimeout: 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 300 });
        consumers.push(c);
        c.on(c.events.GROUP_JOIN, (e) => assigned.set(who, e.payload.memberAssignment[topic] ?? []));
        await c.connect();
        await c.subscribe({ topic, fromBeginning: true });
        await c.run({
          eachMessage: async ({ partition, message }) => {
            read.push({ p: partition, o: Number(message.offset), v: message.value!.toString(), who });
          },
        });
      }
      await waitUntil("both kafkajs consumers to hold disjoint halves", () => partitionsCovered([assigned.get("a"), assigned.get("b")], PARTITIONS), 40_000);
      const sent = values("kjs", 600);
      await produceSpread(broker.bootstrap, topic, sent, PARTITIONS);
      await waitUntil("all records read", () => read.length >= sent.length, 30_000);
      // disconnect() commits the resolved offsets and leaves the group.
      await Promise.all(consumers.map((c) => c.disconnect()));
      expectExactlyOnce(read, sent);
      expect(new Set(read.map((r) => r.who))).toEqual(new Set(["a", "b"]));
      await expectCommittedAtEnd(group, topic, read);
    } finally {
      await Promise.all(consumers.map((c) => c.disconnect().catch(() => {})));
    }
  }, 90_000);

  test("kafka-python KafkaConsumer with group_id commits, and a second run resumes from the commit", async () => {
    const topic = "grp-kpy";
    const group = "g-kpy";
    await createTopicWithLibrdkafka(broker.bootstrap, topic, 6);
    const first = values("kpy1", 300);
    await produceSpread(broker.bootstrap, topic, first, PARTITIONS);
    const script = `
import sys, json
from kafka import KafkaConsumer
bootstrap, topic, group, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest",
                  session_timeout_ms=6000, heartbeat_interval_ms=500, consumer_timeout_ms=20000)
got = []
for m in c:
    got.append([m.partition, m.offset, m.value.decode()])
    if len(got) >= n:
        break
c.commit()
# Anything past n would be a record read twice or from nowhere: look briefly for extras.
extra = c.poll(timeout_ms=1500)
c.close()
print(json.dumps({"got": got, "extra": sum(len(v) for v in extra.values())}))
`;
    const run = async (n: number) => {
      const r = await runPython(script, [broker.bootstrap, topic, group, String(n)], 45_000);
      expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
      const out = JSON.parse(r.stdout) as { got: [number, number, string][]; extra: number };
      return { read: out.got.map(([p, o, v]) => ({ p, o, v })), extra: out.extra };
    };
    const r1 = await run(first.length);
    expect(r1.extra).toBe(0);
    expectExactlyOnce(r1.read, first);
    await expectCommittedAtEnd(group, topic, r1.read);

    const second = values("kpy2", 120);
    await produceSpread(broker.bootstrap, topic, second, PARTITIONS);
    const r2 = await run(second.length);
    expect(r2.extra).toBe(0);
    expectExactlyOnce(r2.read, second);
    const committed = await fetchCommitted(broker.port, group, topic, PARTITIONS);
    expect(committed).toEqual(await endOffsets(broker.port, topic, PARTITIONS));
  }, 120_000);

  test("restarted static members (group.instance.id), leader then follower, get their partitions back without a rebalance", async () => {
    const topic = "grp-static";
    const group = "g-static";
    await createTopicWithLibrdkafka(broker.bootstrap, topic, 4);
    const all = [0, 1, 2, 3];
    const started: WatchedProcess[] = [];
    const start = (inst: string, name: string) => {
      const p = confluentConsumer(broker.bootstrap, group, topic, { "group.instance.id": inst }, name);
      started.push(p);
      return p;
    };
    const nonMsg = (p: WatchedProcess) => eventsOf(p).filter((e) => e.ev !== "msg").length;
    const idOf = (d: { members: { memberId: string; groupInstanceId: string | null }[] }, inst: string) => d.members.find((m) => m.groupInstanceId === inst)?.memberId;
    try {
      // "a" joins first and stays the leader (the first member leads until it leaves).
      let a = start("inst-a", "static-a1");
      await waitUntil("a alone to hold every partition", () => confluentAssignment(a)?.length === 4, 30_000);
      let b = start("inst-b", "static-b1");
      await waitUntil("both static members to hold disjoint halves", () => partitionsCovered([confluentAssignment(a), confluentAssignment(b)], all), 30_000);
      const parts = { a: confluentAssignment(a)!, b: confluentAssignment(b)! };
      const before = await describeGroup(broker.port, group);
      expect(before.groupState).toBe("Stable");
      expect(before.members.map((m) => m.groupInstanceId).sort()).toEqual(["inst-a", "inst-b"]);

      let ids = before;
      for (const which of ["a", "b"] as const) {
        const old = which === "a" ? a : b;
        const other = which === "a" ? b : a;
        const otherEvents = nonMsg(other);
        // kill -9 (static members send no LeaveGroup anyway), then restart well within the 6 s session.
        await old.stop("SIGKILL");
        const killedAt = Date.now();
        const fresh = start(`inst-${which}`, `static-${which}2`);
        await waitUntil(`restarted ${which}'s assignment`, () => (confluentAssignment(fresh)?.length ?? 0) > 0, 20_000);
        expect(Date.now() - killedAt).toBeLessThan(6000);
        expect(confluentAssignment(fresh)).toEqual(parts[which]);
        // Past the old incarnation's session timeout: its expiry must not rebalance the group either.
        await Bun.sleep(Math.max(0, killedAt + 6500 - Date.now()));
        expect({ which, otherEvents: nonMsg(other) }).toEqual({ which, otherEvents });
        const now = await describeGroup(broker.port, group);
        expect(now.groupState).toBe("Stable");
        expect(now.members.length).toBe(2);
        expect(idOf(now, `inst-${which}`)).not.toBe(idOf(ids, `inst-${which}`)!);
        const otherInst = which === "a" ? "inst-b" : "inst-a";
        expect(idOf(now, otherInst)).toBe(idOf(ids, otherInst)!);
        ids = now;
        if (which === "a") a = fresh;
        else b = fresh;
      }

      // Records still flow to both, each partition to the member that owned it from the start.
      const sent = values("static", 200);
      await produceSpread(broker.bootstrap, topic, sent, all);
      await waitUntil("all records read", () => confluentRecords(a).length + confluentRecords(b).length >= sent.length, 30_000);
      const read = [...confluentRecords(a), ...confluentRecords(b)];
      expectExactlyOnce(read, sent);
      for (const r of confluentRecords(a)) expect(parts.a).toContain(r.p);
      for (const r of confluentRecords(b)) expect(parts.b).toContain(r.p);
    } finally {
      await Promise.all(started.map((p) => p.stop("SIGKILL")));
    }
  }, 60_000);
});
