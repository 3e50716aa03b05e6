/** kafkajs 2.2.4 (npm) against a broker process: admin, produce and consume (through a consumer group) with keys and headers. */
import { expect, test } from "bun:test";
import { Kafka, logLevel } from "kafkajs";
import { useBrokerProcess } from "./helpers/broker-process.ts";
import { runCmd } from "./helpers/python.ts";

const brokerOf = useBrokerProcess();

test("kafkajs admin createTopics and fetchTopicMetadata", async () => {
  const kafka = new Kafka({ brokers: [brokerOf().bootstrap], clientId: "sb-test", logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    expect(await admin.createTopics({ topics: [{ topic: "kjs-admin", numPartitions: 4 }] })).toBe(true);
    const md = await admin.fetchTopicMetadata({ topics: ["kjs-admin"] });
    expect(md.topics[0]!.name).toBe("kjs-admin");
    expect(md.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    expect(await admin.listTopics()).toContain("kjs-admin");
  } finally {
    await admin.disconnect();
  }
}, 30_000);

test("kafkajs produces with keys and headers; kcat and a kafkajs group consumer read them back", async () => {
  const kafka = new Kafka({ brokers: [brokerOf().bootstrap], clientId: "sb-test", logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "kjs-data", numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const n = 1000;
  const messages = Array.from({ length: n }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}`, headers: { idx: String(i) } }));
  const res = await producer.send({ topic: "kjs-data", acks: -1, messages });
  expect(res.every((r) => r.errorCode === 0)).toBe(true);
  await producer.disconnect();

  // Cross-check with an independent client first: kcat reads exactly what kafkajs wrote.
  const r = await runCmd(["kcat", "-b", brokerOf().bootstrap, "-C", "-t", "kjs-data", "-e", "-o", "beginning", "-f", "%k|%s|%h\\n"]);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split("\n").sort();
  const want = messages.map((m) => `${m.key}|${m.value}|idx=${m.headers.idx}`).sort();
  expect(lines).toEqual(want);

  // Then kafkajs reads it back through a consumer group.
  const got = new Map<string, { key: string; idx: string }>();
  const consumer = kafka.consumer({ groupId: "kjs-group", sessionTimeout: 6000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: "kjs-data", fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.set(message.value!.toString(), { key: message.key!.toString(), idx: message.headers!.idx!.toString() });
        if (got.size >= n) resolve();
      },
    });
  });
  await Promise.race([done, Bun.sleep(20_000)]);
  await consumer.disconnect();
  expect(got.size).toBe(n);
  for (let i = 0; i < n; i++) expect(got.get(`v${i}`)).toEqual({ key: `k${i % 7}`, idx: String(i) });
}, 40_000);
