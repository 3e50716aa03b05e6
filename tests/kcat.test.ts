/**
 * kcat (librdkafka 2.0.2, Debian) against a real `streambus broker` process: metadata, 100,000 keyed
 * records round-trip exactly once in per-partition order, every codec, and offsets by position and time.
 */
import { describe, expect, test } from "bun:test";
import { useBrokerProcess } from "./helpers/broker-process.ts";
import { createTopicWithLibrdkafka, runCmd } from "./helpers/python.ts";

const brokerOf = useBrokerProcess();

const kcat = (args: string[], stdin?: string, timeoutMs = 60_000) => runCmd(["kcat", "-b", brokerOf().bootstrap, ...args], { stdin, timeoutMs });

describe("kcat", () => {
  test("-L lists the broker, topics and partitions", async () => {
    await createTopicWithLibrdkafka(brokerOf().bootstrap, "kcat-meta", 3);
    const r = await kcat(["-L", "-J"]);
    expect(r.code).toBe(0);
    const md = JSON.parse(r.stdout);
    expect(md.brokers.map((b: { name: string }) => b.name)).toContain(brokerOf().bootstrap);
    const t = md.topics.find((x: { topic: string }) => x.topic === "kcat-meta");
    expect(t.partitions.length).toBe(3);
    for (const p of t.partitions) expect(p.leader).toBe(md.brokers[0].id);
  }, 60_000);

  test("100,000 keyed lines round-trip exactly once, in per-partition order", async () => {
    const topic = "kcat-keyed";
    await createTopicWithLibrdkafka(brokerOf().bootstrap, topic, 3);
    const n = 100_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`k${i % 997}:v${i}`);
    const p = await kcat(["-P", "-t", topic, "-K:"], lines.join("\n") + "\n", 120_000);
    expect(p.stderr).not.toContain("ERROR");
    expect(p.code).toBe(0);
    const c = await kcat(["-C", "-t", topic, "-e", "-o", "beginning", "-f", "%p %k:%s\n"], undefined, 120_000);
    expect(c.code).toBe(0);
    const out = c.stdout.trim().split("\n");
    expect(out.length).toBe(n);
    const seen = new Set<string>();
    const lastByPartition = new Map<string, number>();
    const partitionOfKey = new Map<string, string>();
    for (const line of out) {
      const [part, kv] = line.split(" ") as [string, string];
      const [key, value] = kv.split(":") as [string, string];
      expect(seen.has(value)).toBe(false);
      seen.add(value);
      // A key always lands in one partition, and within a partition the producer's order is kept.
      const prevPart = partitionOfKey.get(key);
      if (prevPart !== undefined) expect(part).toBe(prevPart);
      partitionOfKey.set(key, part);
      const i = Number(value.slice(1));
      expect(i).toBeGreaterThan(lastByPartition.get(part) ?? -1);
      lastByPartition.set(part, i);
    }
    expect(seen.size).toBe(n);
    expect(lastByPartition.size).toBe(3);
  }, 180_000);

  test.each(["gzip", "snappy", "lz4", "zstd"])("codec %s round-trips", async (codec) => {
    const topic = `kcat-${codec}`;
    await createTopicWithLibrdkafka(brokerOf().bootstrap, topic, 1);
    const lines = Array.from({ length: 2000 }, (_, i) => `${codec}-${i}-${"x".repeat(i % 50)}`);
    const p = await kcat(["-P", "-t", topic, "-z", codec], lines.join("\n") + "\n");
    expect(p.code).toBe(0);
    const c = await kcat(["-C", "-t", topic, "-e", "-o", "beginning", "-f", "%s\n"]);
    expect(c.code).toBe(0);
    expect(c.stdout.trim().split("\n")).toEqual(lines);
  }, 60_000);

  test("-o by offset and -o s@TS by timestamp", async () => {
    const topic = "kcat-offsets";
    await createTopicWithLibrdkafka(brokerOf().bootstrap, topic, 1);
    expect((await kcat(["-P", "-t", topic], Array.from({ length: 100 }, (_, i) => `a${i}`).join("\n") + "\n")).code).toBe(0);
    await Bun.sleep(50);
    const ts = Date.now();
    await Bun.sleep(50);
    expect((await kcat(["-P", "-t", topic], Array.from({ length: 10 }, (_, i) => `b${i}`).join("\n") + "\n")).code).toBe(0);
    const byOffset = await kcat(["-C", "-t", topic, "-p", "0", "-o", "95", "-e", "-f", "%o %s\n"]);
    expect(byOffset.stdout.trim().split("\n").slice(0, 6)).toEqual(["95 a95", "96 a96", "97 a97", "98 a98", "99 a99", "100 b0"]);
    const byTime = await kcat(["-C", "-t", topic, "-p", "0", "-o", `s@${ts}`, "-e", "-f", "%s\n"]);
    expect(byTime.stdout.trim().split("\n")).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
  }, 60_000);
});
