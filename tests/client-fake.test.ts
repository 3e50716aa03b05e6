/**
 * The SDK against the in-process fake broker (tests/helpers/client-fake-broker.ts): produce/consume
 * round trips with every codec, keyed partitioning, seeks, retries, backpressure, admin calls.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { StreamBus, jsonSerde, keyPartition, stringSerde, type ConsumerRecord } from "../client/index.ts";
import { Connection } from "../client/connection.ts";
import { parseHostPort } from "../client/cluster.ts";
import { startFakeBroker, type FakeBroker } from "./helpers/client-fake-broker.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

let fake: FakeBroker;
let bus: StreamBus;

beforeEach(async () => {
  fake = await startFakeBroker();
  bus = new StreamBus({ brokers: [fake.bootstrap], clientId: "test", retryBackoff: { initialMs: 10, maxMs: 50 }, topicWaitMs: 1000 });
});
afterEach(async () => {
  await bus.close();
  await fake.close();
});

async function consumeN<K, V>(c: AsyncIterable<ConsumerRecord<K, V>>, n: number, timeoutMs = 5000): Promise<ConsumerRecord<K, V>[]> {
  const out: ConsumerRecord<K, V>[] = [];
  const deadline = Date.now() + timeoutMs;
  for await (const r of c) {
    out.push(r);
    if (out.length >= n || Date.now() > deadline) break;
  }
  return out;
}

describe("connection", () => {
  test("negotiates versions and pipelines requests", async () => {
    const conn = await Connection.open({ host: "127.0.0.1", port: fake.port, clientId: "t" });
    expect(conn.versionOf("Fetch")).toBe(12);
    expect(conn.versionOf("DescribeCluster")).toBeUndefined();
    const all = await Promise.all(Array.from({ length: 20 }, () => conn.request("Metadata", { topics: null })));
    expect(all.every((m) => m.brokers[0]!.port === fake.port)).toBe(true);
    conn.close();
    await expect(conn.request("Metadata", { topics: null })).rejects.toMatchObject({ code: "NETWORK_EXCEPTION" });
  });

  test("a dead port fails with UNAVAILABLE, a lost connection with NETWORK_EXCEPTION", async () => {
    const dead = await startFakeBroker();
    await dead.close();
    await expect(Connection.open({ host: "127.0.0.1", port: dead.port, clientId: "t" })).rejects.toMatchObject({ code: "UNAVAILABLE" });
    const conn = await Connection.open({ host: "127.0.0.1", port: fake.port, clientId: "t" });
    fake.createTopic("slow", 1);
    const pending = conn.request("Fetch", {
      maxWaitMs: 2000, minBytes: 1, topics: [{ topic: "slow", partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1000 }] }],
    });
    setTimeout(() => fake.dropConnections(), 50);
    await expect(pending).rejects.toMatchObject({ code: "NETWORK_EXCEPTION" });
  });

  test("a request past its deadline fails with TIMEOUT", async () => {
    const conn = await Connection.open({ host: "127.0.0.1", port: fake.port, clientId: "t" });
    fake.createTopic("slow", 1);
    const p = conn.request("Fetch", {
      maxWaitMs: 200, minBytes: 1, topics: [{ topic: "slow", partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1000 }] }],
    }, { timeoutMs: 50 });
    await expect(p).rejects.toMatchObject({ code: "TIMEOUT" });
    // The late response is dropped, and the connection still answers in order.
    expect((await conn.request("Metadata", { topics: null })).brokers.length).toBe(1);
    conn.close();
  });

  test("a dead seed broker does not stop bootstrap", async () => {
    const dead = await startFakeBroker();
    await dead.close();
    const b = new StreamBus({ brokers: [dead.bootstrap, fake.bootstrap] });
    expect((await b.admin().describeCluster()).brokers.map((x) => x.port)).toEqual([fake.port]);
    await b.close();
  });
});

describe("produce and consume", () => {
  for (const compression of ["none", "gzip", "snappy", "lz4", "zstd"] as const) {
    test(`keyed records round-trip in order per partition (${compression})`, async () => {
      await bus.admin().createTopics([{ name: "orders", partitions: 3 }]);
      const producer = bus.producer({ compression, lingerMs: 2 });
      const n = 300;
      const sent = await Promise.all(Array.from({ length: n }, (_, i) =>
        producer.send({ topic: "orders", key: enc(`k${i % 17}`), value: enc(`v${i}`), headers: { i: String(i) } })));
      for (let i = 0; i < n; i++) expect(sent[i]!.partition).toBe(keyPartition(enc(`k${i % 17}`), 3));
      const consumer = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 50 });
      consumer.assign([0, 1, 2].map((partition) => ({ topic: "orders", partition })));
      const got = await consumeN(consumer, n);
      expect(got.length).toBe(n);
      for (const p of [0, 1, 2]) {
        const inP = got.filter((r) => r.partition === p);
        expect(inP.map((r) => r.offset)).toEqual(inP.map((_, i) => BigInt(i)));
        const values = inP.map((r) => Number(dec(r.value)!.slice(1)));
        expect(values).toEqual([...values].sort((a, b) => a - b));
        expect(dec(inP[0]!.headers[0]!.value)).toBe(dec(inP[0]!.value)!.slice(1));
      }
      await consumer.close();
    });
  }

  test("typed serializers: producer<string, Order>() and a typed consumer", async () => {
    interface Order { id: string; total: number }
    fake.createTopic("typed", 1);
    const producer = bus.producer<string, Order>({ keySerializer: stringSerde, valueSerializer: jsonSerde<Order>() });
    await producer.send({ topic: "typed", key: "o-1", value: { id: "o-1", total: 42 } });
    const consumer = bus.consumer<string, Order>({ keyDeserializer: stringSerde, valueDeserializer: jsonSerde<Order>(), autoOffsetReset: "earliest", maxWaitMs: 20 });
    consumer.assign([{ topic: "typed", partition: 0 }]);
    const [r] = await consumeN(consumer, 1);
    expect(r!.key).toBe("o-1");
    expect(r!.value!.total).toBe(42);
  });

  test("seek to offset, earliest, latest and timestamp", async () => {
    fake.createTopic("s", 1);
    const producer = bus.producer({ lingerMs: 0 });
    for (let i = 0; i < 10; i++) await producer.send({ topic: "s", value: enc(`v${i}`), timestamp: 1000 + i * 10 });
    const c = bus.consumer({ maxWaitMs: 20 });
    const tp = { topic: "s", partition: 0 };
    c.assign([tp]);
    c.seek(tp, 7n);
    expect((await consumeN(c, 1))[0]!.offset).toBe(7n);
    c.seek(tp, "earliest");
    expect((await consumeN(c, 1))[0]!.offset).toBe(0n);
    c.seek(tp, { timestamp: 1045 });
    expect((await consumeN(c, 1))[0]!.offset).toBe(5n);
    c.seek(tp, "latest");
    expect(await c.poll()).toEqual([]);
    expect(c.position(tp)).toBe(10n);
  });

  test("lingerMs 0: records sent in one synchronous run share a batch, and the next run gets its own", async () => {
    fake.createTopic("l0", 1);
    const producer = bus.producer({ lingerMs: 0 });
    await producer.send({ topic: "l0", partition: 0, value: enc("warm") }); // metadata known from here on
    // Sending must not wait on a 0 ms timer (a millisecond or more in the timer queue): watch setTimeout.
    const realSetTimeout = globalThis.setTimeout;
    const delays: number[] = [];
    globalThis.setTimeout = ((fn: () => void, ms?: number) => (delays.push(ms ?? 0), realSetTimeout(fn, ms))) as typeof setTimeout;
    let first: Promise<unknown>[];
    try {
      first = [0, 1, 2].map((i) => producer.send({ topic: "l0", partition: 0, value: enc(`a${i}`) }));
      await Promise.resolve();
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    expect(delays.filter((ms) => ms < 1)).toEqual([]);
    await Promise.all(first);
    await producer.send({ topic: "l0", partition: 0, value: enc("b") });
    const batches = fake.topics.get("l0")!.partitions[0]!.batches;
    expect(batches.map((b) => [b.baseOffset, b.lastOffset])).toEqual([[0n, 0n], [1n, 3n], [4n, 4n]]);
  });

  test("a partial trailing batch is fetched again, whole", async () => {
    await fake.close();
    fake = await startFakeBroker({ truncateFetchTailBytes: 5 });
    await bus.close();
    bus = new StreamBus({ brokers: [fake.bootstrap] });
    fake.createTopic("p", 1);
    const producer = bus.producer({ lingerMs: 0 });
    for (let i = 0; i < 6; i++) await producer.send({ topic: "p", value: enc(`v${i}`) });
    const c = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 20 });
    c.assign([{ topic: "p", partition: 0 }]);
    // The fake cuts the last batch of each response short: the consumer must re-fetch it, not skip or fail.
    const got = await consumeN(c, 5);
    expect(got.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  test("OFFSET_OUT_OF_RANGE follows the reset policy", async () => {
    fake.createTopic("r", 1);
    const producer = bus.producer({ lingerMs: 0 });
    for (let i = 0; i < 3; i++) await producer.send({ topic: "r", value: enc(`v${i}`) });
    const c = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 20 });
    c.assign([{ topic: "r", partition: 0 }]);
    c.seek({ topic: "r", partition: 0 }, 100n);
    expect((await consumeN(c, 1))[0]!.offset).toBe(0n);
    const strict = bus.consumer({ autoOffsetReset: "none", maxWaitMs: 20 });
    strict.assign([{ topic: "r", partition: 0 }]);
    strict.seek({ topic: "r", partition: 0 }, 100n);
    await expect(strict.poll()).rejects.toMatchObject({ code: "OFFSET_OUT_OF_RANGE" });
  });

  test("run({ eachBatch }) and stream()", async () => {
    fake.createTopic("b", 2);
    const producer = bus.producer();
    await producer.sendBatch(Array.from({ length: 20 }, (_, i) => ({ topic: "b", partition: i % 2, value: enc(`v${i}`) })));
    const c = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 20 });
    c.assign([{ topic: "b", partition: 0 }, { topic: "b", partition: 1 }]);
    const seen: number[] = [];
    const ac = new AbortController();
    await c.run({ signal: ac.signal, eachBatch: ({ records }) => {
      seen.push(...records.map(() => 1));
      if (seen.length >= 20) ac.abort();
    } });
    expect(seen.length).toBe(20);
    const c2 = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 20 });
    c2.assign([{ topic: "b", partition: 0 }]);
    const reader = c2.stream().getReader();
    const first = await reader.read();
    expect(first.value!.offset).toBe(0n);
    await reader.cancel();
  });

  test("acks=0 resolves without offsets; acks=1 with them", async () => {
    fake.createTopic("a", 1);
    const p0 = bus.producer({ acks: 0 });
    expect((await p0.send({ topic: "a", value: enc("x") })).offset).toBe(-1n);
    const p1 = bus.producer({ acks: 1 });
    expect((await p1.send({ topic: "a", value: enc("y") })).offset).toBe(1n);
  });
});

describe("retries, backpressure, hooks", () => {
  test("NOT_LEADER_OR_FOLLOWER is retried after a metadata refresh", async () => {
    fake.createTopic("n", 1);
    const producer = bus.producer({ lingerMs: 0 });
    await producer.send({ topic: "n", value: enc("warm") });
    const before = fake.requestCounts.get("Metadata") ?? 0;
    fake.failNext("Produce", 6, 2);
    const r = await producer.send({ topic: "n", value: enc("x") });
    expect(r.offset).toBe(1n);
    expect(fake.requestCounts.get("Metadata")!).toBeGreaterThan(before);
  });

  test("a retriable fetch error refreshes metadata and the consumer carries on", async () => {
    fake.createTopic("fe", 1);
    const producer = bus.producer({ lingerMs: 0 });
    await producer.send({ topic: "fe", value: enc("a") });
    const c = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 20 });
    c.assign([{ topic: "fe", partition: 0 }]);
    const before = fake.requestCounts.get("Metadata") ?? 0;
    fake.failNext("Fetch", 6, 2);
    expect((await consumeN(c, 1))[0]!.offset).toBe(0n);
    expect(fake.requestCounts.get("Metadata")!).toBeGreaterThan(before);
  });

  test("broker addresses are parsed and checked", () => {
    expect(parseHostPort("127.0.0.1:9092")).toEqual({ host: "127.0.0.1", port: 9092 });
    expect(parseHostPort("[::1]:9092")).toEqual({ host: "::1", port: 9092 });
    expect(() => parseHostPort("localhost")).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
    expect(() => new StreamBus({ brokers: [] })).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
  });

  test("a send to a topic that appears a little later succeeds", async () => {
    const producer = bus.producer();
    setTimeout(() => fake.createTopic("late", 1), 100);
    expect((await producer.send({ topic: "late", value: enc("x") })).offset).toBe(0n);
  });

  test("a lost connection is retried transparently", async () => {
    fake.createTopic("d", 1);
    const producer = bus.producer({ lingerMs: 0 });
    await producer.send({ topic: "d", value: enc("a") });
    fake.dropConnections();
    expect((await producer.send({ topic: "d", value: enc("b") })).offset).toBe(1n);
  });

  test("non-retriable errors fail the records; retriable ones fail with TIMEOUT at the delivery deadline", async () => {
    fake.createTopic("e", 1);
    const producer = bus.producer({ lingerMs: 0, deliveryTimeoutMs: 300 });
    fake.failNext("Produce", 10, 1); // MESSAGE_TOO_LARGE
    await expect(producer.send({ topic: "e", value: enc("x") })).rejects.toMatchObject({ code: "MESSAGE_TOO_LARGE" });
    fake.failNext("Produce", 6, 1000);
    await expect(producer.send({ topic: "e", value: enc("y") })).rejects.toMatchObject({ code: "TIMEOUT" });
  });

  test("a full buffer makes send wait, then fail with TIMEOUT", async () => {
    fake.createTopic("f", 1);
    const producer = bus.producer({ lingerMs: 0, batchBytes: 200, bufferBytes: 400, deliveryTimeoutMs: 200 });
    fake.failNext("Produce", 6, 1000); // nothing is ever acknowledged, so space never comes back
    const sends = Array.from({ length: 6 }, (_, i) => producer.send({ topic: "f", value: new Uint8Array(100 + i) }).then(() => "ok", (e) => e.code));
    expect(new Set(await Promise.all(sends))).toEqual(new Set(["TIMEOUT"]));
  });

  test("interceptors and metrics see sends, acknowledgements and fetches", async () => {
    fake.createTopic("h", 1);
    const acks: (bigint | null)[] = [];
    const latencies: string[] = [];
    let fetched = 0;
    const producer = bus.producer<string, string>({
      keySerializer: stringSerde, valueSerializer: stringSerde,
      interceptors: [{ onSend: (r) => ({ ...r, value: `${r.value}!` }), onAcknowledgement: (m) => void acks.push(m?.offset ?? null) }],
      metrics: { onSendLatency: (topic) => void latencies.push(topic) },
    });
    await producer.send({ topic: "h", value: "hi" });
    expect(acks).toEqual([0n]);
    expect(latencies).toEqual(["h"]);
    const c = bus.consumer<string, string>({
      valueDeserializer: stringSerde, autoOffsetReset: "earliest", maxWaitMs: 20,
      interceptors: [{ onConsume: (rs) => rs.map((r) => ({ ...r, value: r.value!.toUpperCase() })) }],
      metrics: { onFetch: (_t, _p, n) => void (fetched += n) },
    });
    c.assign([{ topic: "h", partition: 0 }]);
    expect((await consumeN(c, 1))[0]!.value).toBe("HI!");
    expect(fetched).toBe(1);
  });

  test("flush sends lingering batches at once; close refuses new sends", async () => {
    fake.createTopic("l", 1);
    const producer = bus.producer({ lingerMs: 60_000 });
    const p = producer.send({ topic: "l", value: enc("x") });
    await producer.flush();
    expect((await p).offset).toBe(0n);
    await producer.close();
    await expect(producer.send({ topic: "l", value: enc("y") })).rejects.toMatchObject({ code: "SHUTTING_DOWN" });
  });
});

describe("admin", () => {
  test("create, list, describe, configs, partitions, offsets, delete records, delete", async () => {
    const admin = bus.admin();
    await admin.createTopics([{ name: "t1", partitions: 2, configs: { "retention.ms": "1000" } }, { name: "t2", partitions: 1 }]);
    await expect(admin.createTopics([{ name: "t1", partitions: 1 }])).rejects.toMatchObject({ code: "TOPIC_ALREADY_EXISTS" });
    expect(await admin.listTopics()).toEqual(["t1", "t2"]);
    const producer = bus.producer();
    await producer.sendBatch(Array.from({ length: 5 }, (_, i) => ({ topic: "t1", partition: 0, value: enc(`v${i}`), timestamp: 5000 + i })));
    const [d] = await admin.describeTopics(["t1"]);
    expect(d!.partitions.map((p) => [p.partition, p.leader, p.earliestOffset, p.latestOffset])).toEqual([[0, 1, 0n, 5n], [1, 1, 0n, 0n]]);
    expect(await admin.describeConfigs({ topic: "t1" })).toEqual([{ name: "retention.ms", value: "1000", readOnly: false, isDefault: false, isSensitive: false }]);
    await admin.alterConfigs("t1", { "retention.ms": null, "cleanup.policy": "compact" });
    expect((await admin.describeConfigs({ topic: "t1" })).map((c) => [c.name, c.value])).toEqual([["cleanup.policy", "compact"]]);
    await admin.createPartitions([{ topic: "t1", count: 4 }]);
    expect((await admin.describeTopics(["t1"]))[0]!.partitions.length).toBe(4);
    const offs = await admin.listOffsets([{ topic: "t1", partition: 0, spec: { timestamp: 5003 } }]);
    expect(offs[0]!.offset).toBe(3n);
    expect(await admin.deleteRecords([{ topic: "t1", partition: 0, offset: 2n }])).toEqual([{ topic: "t1", partition: 0, lowWatermark: 2n }]);
    await admin.deleteTopics(["t1", "t2"]);
    expect(await admin.listTopics()).toEqual([]);
    await expect(admin.deleteTopics(["nope"])).rejects.toMatchObject({ code: "UNKNOWN_TOPIC_OR_PARTITION" });
    expect(await admin.describeCluster()).toEqual({ clusterId: "fake-cluster", controllerId: 1, brokers: [{ nodeId: 1, host: "127.0.0.1", port: fake.port, rack: null }] });
  });

  test("describeCluster uses DescribeCluster when the broker has it", async () => {
    const withDc = await startFakeBroker({ describeCluster: true });
    const b = new StreamBus({ brokers: [withDc.bootstrap] });
    expect((await b.admin().describeCluster()).clusterId).toBe("fake-cluster");
    expect(withDc.requestCounts.get("DescribeCluster")).toBe(1);
    await b.close();
    await withDc.close();
  });
});
