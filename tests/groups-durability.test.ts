/**
 * Committed offsets survive a broker kill -9: a confluent-kafka group member reads part of a topic,
 * commits synchronously and then dies without leaving; the broker is SIGKILLed and restarted on the
 * same data dir; OffsetFetch returns the same offsets, and a new consumer in the same group (after the
 * dead member's restored session expires) resumes exactly there: nothing before the commit is read
 * again and nothing after it is skipped.
 */
import { afterAll, expect, test } from "bun:test";
import { type BrokerProcess, removeDir, startBrokerProcess, tempDataDir } from "./helpers/broker-process.ts";
import { WatchedProcess, describeGroup, endOffsets, fetchCommitted, produceWithKcat } from "./helpers/groups-clients.ts";
import { PYTHON, createTopicWithLibrdkafka } from "./helpers/python.ts";

const ARGS = ["--set", "groups.initialRebalanceDelayMs=0"];
const dataDir = tempDataDir("sb-groups-dur-");
let broker: BrokerProcess | undefined;

afterAll(async () => {
  await broker?.kill();
  removeDir(dataDir);
});

/**
 * Reads `limit` records (then stops reading), commits the positions synchronously, prints them, and
 * keeps its membership alive (heartbeats only) until killed; with limit < 0 reads on until killed.
 * One JSON object per line: {ev:"assign"}, {ev:"msg",p,o,v}, {ev:"committed", offsets:{p:o}}.
 */
const CONSUMER_PY = `
import sys, json
from confluent_kafka import Consumer
bootstrap, group, topic, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def out(**kw):
    print(json.dumps(kw), flush=True)
c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
              "auto.offset.reset": "earliest", "enable.auto.commit": False, "max.partition.fetch.bytes": 4096})
c.subscribe([topic], on_assign=lambda _c, parts: out(ev="assign", parts=sorted(p.partition for p in parts)))
n = 0
while limit < 0 or n < limit:
    m = c.poll(0.1)
    if m is None:
        continue
    if m.error():
        out(ev="error", err=str(m.error()))
        continue
    out(ev="msg", p=m.partition(), o=m.offset(), v=m.value().decode())
    n += 1
parts = c.commit(asynchronous=False)
out(ev="committed", offsets={str(tp.partition): tp.offset for tp in parts if tp.error is None and tp.offset >= 0}, errors=[str(tp.error) for tp in parts if tp.error is not None])
c.pause(c.assignment())
while True:
    c.poll(0.2)
`;

interface Ev {
  ev: string;
  p?: number;
  o?: number;
  v?: string;
  offsets?: Record<string, number>;
  errors?: string[];
}

const events = (p: WatchedProcess): Ev[] => p.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Ev);
const msgs = (p: WatchedProcess) => events(p).filter((e) => e.ev === "msg").map((e) => ({ p: e.p!, o: e.o!, v: e.v! }));

test("committed offsets survive kill -9 and restart; the group resumes exactly from them", async () => {
  const topic = "grp-dur";
  const group = "g-dur";
  const partitions = [0, 1, 2];
  broker = await startBrokerProcess({ dataDir, args: ARGS });
  await createTopicWithLibrdkafka(broker.bootstrap, topic, 3);
  const sent = Array.from({ length: 300 }, (_, i) => `dur-${i}`);
  // 100 per partition: reading 130 then ends part way through at least one partition.
  for (const p of partitions) await produceWithKcat(broker.bootstrap, topic, sent.slice(p * 100, p * 100 + 100), p);
  const ends = await endOffsets(broker.port, topic, partitions);

  // First member: reads 130 records, commits them, then dies without leaving the group.
  const first = new WatchedProcess("dur-first", [PYTHON, "-u", "-c", CONSUMER_PY, broker.bootstrap, group, topic, "130"]);
  let committed: Map<number, bigint>;
  let firstRead: { p: number; o: number; v: string }[] = [];
  try {
    await first.waitFor("the commit", () => events(first).some((e) => e.ev === "committed"), 30_000);
    const c = events(first).find((e) => e.ev === "committed")!;
    expect(c.errors).toEqual([]);
    committed = new Map(Object.entries(c.offsets!).map(([p, o]) => [Number(p), BigInt(o)]));
    firstRead = msgs(first);
    expect(firstRead.length).toBe(130);
    // The client committed each assigned partition at one past what it read there.
    for (const p of partitions) {
      const read = msgs(first).filter((m) => m.p === p);
      const expected = read.length === 0 ? undefined : BigInt(Math.max(...read.map((m) => m.o)) + 1);
      if (expected !== undefined) expect(committed.get(p)).toBe(expected);
    }
    const fetched = await fetchCommitted(broker.port, group, topic, partitions);
    for (const [p, o] of committed) expect(fetched.get(p)).toBe(o);
  } finally {
    await first.stop("SIGKILL");
  }
  const before = await fetchCommitted(broker.port, group, topic, partitions);
  // At least one partition was read part way, so "resume" is tested mid-partition.
  expect(partitions.filter((p) => before.get(p)! > 0n && before.get(p)! < ends.get(p)!).length).toBeGreaterThan(0);

  await broker.kill();
  broker = await startBrokerProcess({ dataDir, args: ARGS });
  expect(await fetchCommitted(broker.port, group, topic, partitions)).toEqual(before);
  // The dead member came back with the group's metadata (Stable); its session restarted at load.
  const restored = await describeGroup(broker.port, group);
  expect({ state: restored.groupState, members: restored.members.length }).toEqual({ state: "Stable", members: 1 });

  // Second member: must wait out the restored member's session, then read exactly the rest.
  const restartedAt = Date.now();
  const second = new WatchedProcess("dur-second", [PYTHON, "-u", "-c", CONSUMER_PY, broker.bootstrap, group, topic, "-1"]);
  try {
    const rest = sent.length - [...before.values()].reduce((a, o) => a + Number(o < 0n ? 0n : o), 0);
    await second.waitFor("the rest of the records", () => msgs(second).length >= rest, 40_000);
    // Let anything extra (a re-read or a duplicate) arrive before judging.
    await Bun.sleep(500);
    const read = msgs(second);
    expect(read.length).toBe(rest);
    for (const p of partitions) {
      const offs = read.filter((m) => m.p === p).map((m) => m.o);
      const from = Number(before.get(p)! < 0n ? 0n : before.get(p)!);
      const to = Number(ends.get(p)!);
      expect({ p, offs }).toEqual({ p, offs: Array.from({ length: to - from }, (_, i) => from + i) });
    }
    // Together the two members read every record exactly once.
    const all = [...firstRead, ...read].map((m) => m.v);
    expect(all.length).toBe(sent.length);
    expect(new Set(all)).toEqual(new Set(sent));
    expect(Date.now() - restartedAt).toBeLessThan(30_000);
  } finally {
    await second.stop("SIGKILL");
  }
}, 90_000);
