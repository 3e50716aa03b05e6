/**
 * Key placement: librdkafka's murmur2_random partitioner (Java-compatible) picks a partition per key,
 * the broker stores each record exactly where the client put it, and our SDK's murmur2 partitioner
 * predicts the same partition for every key.
 */
import { expect, test } from "bun:test";
import { keyPartition } from "../client/partitioners.ts";
import { useBrokerProcess } from "./helpers/broker-process.ts";
import { createTopicWithLibrdkafka, runCmd, runPython } from "./helpers/python.ts";

const brokerOf = useBrokerProcess();

const PRODUCE = `
import sys
from confluent_kafka import Producer
p = Producer({"bootstrap.servers": sys.argv[1], "partitioner": "murmur2_random", "linger.ms": 5})
for i in range(int(sys.argv[3])):
    p.produce(sys.argv[2], key=("key-%d" % i).encode(), value=b"v")
p.flush(30)
print("ok")
`;

test("records land where librdkafka's murmur2 put them, and our murmur2 agrees for every key", async () => {
  const partitions = 7;
  const n = 2000;
  await createTopicWithLibrdkafka(brokerOf().bootstrap, "placement", partitions);
  const p = await runPython(PRODUCE, [brokerOf().bootstrap, "placement", String(n)]);
  expect(p.stdout.trim()).toBe("ok");
  const c = await runCmd(["kcat", "-b", brokerOf().bootstrap, "-C", "-t", "placement", "-e", "-o", "beginning", "-f", "%p %k\n"]);
  const lines = c.stdout.trim().split("\n");
  expect(lines.length).toBe(n);
  const used = new Set<number>();
  for (const line of lines) {
    const [part, key] = line.split(" ") as [string, string];
    used.add(Number(part));
    expect(keyPartition(new TextEncoder().encode(key), partitions)).toBe(Number(part));
  }
  expect(used.size).toBe(partitions);
}, 60_000);
