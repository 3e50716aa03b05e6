/**
 * The SDK against the real broker, in-process (broker/embedded.ts): keyed produce and ordered consume on a
 * 3-partition topic with every codec, seeks, and the admin calls. The client itself never imports broker/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type EmbeddedBroker } from "../broker/embedded.ts";
import { StreamBus, keyPartition, stringSerde, type ConsumerRecord } from "../client/index.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

let dataDir: string;
let broker: EmbeddedBroker;
let bus: StreamBus;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sb-client-"));
  broker = await startBroker({ dataDir });
  bus = new StreamBus({ brokers: [broker.bootstrap], clientId: "client-broker-test" });
});
afterAll(async () => {
  await bus?.close();
  await broker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function consumeN(c: AsyncIterable<ConsumerRecord>, n: number, timeoutMs = 10_000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  for await (const r of c) {
    out.push(r);
    if (out.length >= n || Date.now() > deadline) break;
  }
  return out;
}

describe("produce and consume against the broker", () => {
  for (const compression of ["none", "gzip", "snappy", "lz4", "zstd"] as const) {
    test(`1000 keyed records, in order per partition (${compression})`, async () => {
      const topic = `keyed-${compression}`;
      await bus.admin().createTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
      const producer = bus.producer({ compression, acks: "all" });
      const n = 1000;
      const sent = await producer.sendBatch(Array.from({ length: n }, (_, i) => ({ topic, key: enc(`key-${i % 50}`), value: enc(`value-${i}`) })));
      await producer.close();
      for (let i = 0; i < n; i++) expect(sent[i]!.partition).toBe(keyPartition(enc(`key-${i % 50}`), 3));
      const consumer = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 100 });
      consumer.assign([0, 1, 2].map((partition) => ({ topic, partition })));
      const got = await consumeN(consumer, n);
      await consumer.close();
      expect(got.length).toBe(n);
      for (const p of [0, 1, 2]) {
        const inP = got.filter((r) => r.partition === p);
        expect(inP.map((r) => r.offset)).toEqual(inP.map((_, i) => BigInt(i)));
        const values = inP.map((r) => Number(dec(r.value)!.split("-")[1]));
        expect(values).toEqual([...values].sort((a, b) => a - b));
        for (const r of inP) expect(r.partition).toBe(keyPartition(r.key!, 3));
      }
    });
  }

  test("headers, null values, timestamps and seeks", async () => {
    const topic = "seeks";
    await bus.admin().createTopics([{ name: topic, partitions: 1 }]);
    const producer = bus.producer<string, string>({ keySerializer: stringSerde, valueSerializer: stringSerde, lingerMs: 0 });
    for (let i = 0; i < 10; i++) {
      await producer.send({ topic, key: `k${i}`, value: i === 3 ? null : `v${i}`, timestamp: 1_700_000_000_000 + i * 1000, headers: { n: String(i) } });
    }
    const c = bus.consumer<string, string>({ keyDeserializer: stringSerde, valueDeserializer: stringSerde, maxWaitMs: 100 });
    const tp = { topic, partition: 0 };
    c.assign([tp]);
    c.seek(tp, 3n);
    const [r3] = await consumeN(c as unknown as AsyncIterable<ConsumerRecord>, 1);
    expect(r3!.value).toBeNull();
    expect(r3!.timestamp).toBe(1_700_000_003_000n);
    expect(dec(r3!.headers[0]!.value)).toBe("3");
    c.seek(tp, { timestamp: 1_700_000_005_500 });
    expect((await c.poll())[0]!.offset).toBe(6n);
    c.seek(tp, "latest");
    await c.poll();
    expect(c.position(tp)).toBe(10n);
  });
});

describe("admin against the broker", () => {
  test("create, list, describe, alter configs, partitions, delete", async () => {
    const admin = bus.admin();
    await admin.createTopics([{ name: "adm", partitions: 2, configs: { "retention.ms": "3600000" } }]);
    await expect(admin.createTopics([{ name: "adm", partitions: 2 }])).rejects.toMatchObject({ code: "TOPIC_ALREADY_EXISTS" });
    expect(await admin.listTopics()).toContain("adm");
    const [d] = await admin.describeTopics(["adm"]);
    expect(d!.partitions.length).toBe(2);
    expect(d!.partitions.every((p) => p.leader >= 0 && p.earliestOffset === 0n && p.latestOffset === 0n)).toBe(true);
    const retention = (await admin.describeConfigs({ topic: "adm" })).find((c) => c.name === "retention.ms");
    expect(retention?.value).toBe("3600000");
    await admin.alterConfigs("adm", { "retention.ms": "7200000" });
    expect((await admin.describeConfigs({ topic: "adm" }, ["retention.ms"]))[0]!.value).toBe("7200000");
    await admin.createPartitions([{ topic: "adm", count: 3 }]);
    expect((await admin.describeTopics(["adm"]))[0]!.partitions.length).toBe(3);
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBe(1);
    await admin.deleteTopics(["adm"]);
    expect(await admin.listTopics()).not.toContain("adm");
  });

  test("deleteRecords moves the low watermark and consumers reset past it", async () => {
    const admin = bus.admin();
    await admin.createTopics([{ name: "dr", partitions: 1 }]);
    const producer = bus.producer({ lingerMs: 0 });
    for (let i = 0; i < 5; i++) await producer.send({ topic: "dr", value: enc(`v${i}`) });
    const [r] = await admin.deleteRecords([{ topic: "dr", partition: 0, offset: 3n }]);
    expect(r!.lowWatermark).toBe(3n);
    const [e] = await admin.listOffsets([{ topic: "dr", partition: 0, spec: "earliest" }]);
    expect(e!.offset).toBe(3n);
    const c = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 100 });
    c.assign([{ topic: "dr", partition: 0 }]);
    c.seek({ topic: "dr", partition: 0 }, 0n);
    expect((await consumeN(c, 1))[0]!.offset).toBe(3n);
  });
});
