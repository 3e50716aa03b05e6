/**
 * Producer.produce (no promise per record) against the real in-process broker: delivery callbacks with
 * consecutive offsets, refusal and ready() when the buffer is full, unknown topics, and records that fail
 * without a callback surfacing at the next flush.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type EmbeddedBroker } from "../broker/embedded.ts";
import { StreamBus, type RecordMetadata } from "../client/index.ts";
import type { StreamBusError } from "../protocol/errors.ts";

let dataDir: string;
let broker: EmbeddedBroker;
let bus: StreamBus;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sb-produce-api-"));
  broker = await startBroker({ dataDir });
  bus = new StreamBus({ brokers: [broker.bootstrap], clientId: "produce-api-test" });
});
afterAll(async () => {
  await bus?.close();
  await broker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function readValues(topic: string, n: number): Promise<string[]> {
  const consumer = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 100 });
  consumer.assign([{ topic, partition: 0 }]);
  const out: string[] = [];
  const deadline = Date.now() + 10_000;
  while (out.length < n && Date.now() < deadline) for (const r of await consumer.poll()) out.push(new TextDecoder().decode(r.value!));
  await consumer.close();
  return out;
}

describe("Producer.produce", () => {
  test("delivery callbacks report consecutive offsets; records land in order", async () => {
    const topic = "produce-callbacks";
    await bus.admin().createTopics([{ name: topic, partitions: 1 }]);
    await bus.admin().describeTopics([topic]);
    const producer = bus.producer({ acks: "all", lingerMs: 2 });
    const reports: { i: number; error: StreamBusError | null; meta: RecordMetadata | null }[] = [];
    const n = 2_000;
    for (let i = 0; i < n; i++) {
      while (!producer.produce({ topic, value: new TextEncoder().encode(`v${i}`) }, (error, meta) => reports.push({ i, error, meta }))) await producer.ready();
    }
    await producer.close();
    expect(reports.length).toBe(n);
    expect(reports.filter((r) => r.error !== null)).toEqual([]);
    const byIndex = [...reports].sort((a, b) => a.i - b.i);
    expect(byIndex.map((r) => r.meta!.offset)).toEqual(byIndex.map((_, i) => BigInt(i)));
    expect(await readValues(topic, n)).toEqual(Array.from({ length: n }, (_, i) => `v${i}`));
  });

  test("refuses when the buffer is full, takes the record after ready(), loses nothing", async () => {
    const topic = "produce-backpressure";
    await bus.admin().createTopics([{ name: topic, partitions: 1 }]);
    await bus.admin().describeTopics([topic]);
    // A 64 KiB buffer fills after ~600 records of 100 bytes, so produce must refuse and wait many times.
    const producer = bus.producer({ acks: 1, lingerMs: 1, batchBytes: 16 * 1024, bufferBytes: 64 * 1024 });
    const n = 20_000;
    let refusals = 0;
    let delivered = 0;
    for (let i = 0; i < n; i++) {
      const value = new TextEncoder().encode(`r${i}`.padEnd(100, "."));
      while (!producer.produce({ topic, value }, (e) => { if (e === null) delivered++; })) {
        refusals++;
        await producer.ready();
      }
    }
    await producer.close();
    expect(refusals).toBeGreaterThan(10);
    expect(delivered).toBe(n);
    const got = await readValues(topic, n);
    expect(got.length).toBe(n);
    expect(got[n - 1]!.startsWith(`r${n - 1}.`)).toBe(true);
  });

  test("with interceptors, produce still runs onSend and onAcknowledgement and reports to the callback", async () => {
    const topic = "produce-intercepted";
    await bus.admin().createTopics([{ name: topic, partitions: 1 }]);
    await bus.admin().describeTopics([topic]);
    const acknowledged: bigint[] = [];
    const producer = bus.producer({
      acks: 1, lingerMs: 1,
      interceptors: [{
        onSend: (r) => ({ ...r, value: new TextEncoder().encode(`seen-${new TextDecoder().decode(r.value!)}`) }),
        onAcknowledgement: (m) => void (m && acknowledged.push(m.offset)),
      }],
    });
    const delivered: bigint[] = [];
    for (let i = 0; i < 50; i++) {
      while (!producer.produce({ topic, value: new TextEncoder().encode(`i${i}`) }, (e, m) => void (e === null && delivered.push(m!.offset)))) await producer.ready();
    }
    await producer.close();
    expect(acknowledged.length).toBe(50);
    expect([...delivered].sort((a, b) => Number(a - b))).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
    expect(await readValues(topic, 50)).toEqual(Array.from({ length: 50 }, (_, i) => `seen-i${i}`));
  });

  test("an unknown topic is refused and ready() rejects with UNKNOWN_TOPIC_OR_PARTITION", async () => {
    // Like send(), ready() waits up to topicWaitMs for the topic to appear; keep that short here.
    const impatient = new StreamBus({ brokers: [broker.bootstrap], clientId: "produce-api-unknown", topicWaitMs: 300 });
    const producer = impatient.producer({ acks: 1 });
    expect(producer.produce({ topic: "produce-no-such-topic", value: new Uint8Array(1) })).toBe(false);
    await expect(producer.ready()).rejects.toMatchObject({ code: "UNKNOWN_TOPIC_OR_PARTITION" });
    await producer.close();
    await impatient.close();
  });

  test("records that fail without a callback make the next flush reject, once, with the count", async () => {
    const topic = "produce-too-large";
    await bus.admin().createTopics([{ name: topic, partitions: 1, configs: { "max.message.bytes": "2000" } }]);
    await bus.admin().describeTopics([topic]);
    const producer = bus.producer({ acks: 1, lingerMs: 0 });
    expect(producer.produce({ topic, value: new Uint8Array(10) })).toBe(true);
    await producer.flush();
    // Over the topic's max.message.bytes: the broker refuses it, nobody is listening, flush says so.
    expect(producer.produce({ topic, value: new Uint8Array(5_000) })).toBe(true);
    const failure = await producer.flush().then(() => null, (e: StreamBusError) => e);
    expect(failure?.code).toBe("MESSAGE_TOO_LARGE");
    expect(failure?.details).toMatchObject({ undelivered: 1 });
    await producer.flush(); // reported once
    await producer.close();
    expect(await readValues(topic, 1)).toEqual(["\u0000".repeat(10)]);
  });
});
