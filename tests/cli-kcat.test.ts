/**
 * The CLI and kcat (librdkafka) read each other's records: keys, values and headers identical both
 * ways, and kcat's gzip, snappy, lz4 and zstd batches decoded by the CLI.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CliHarness, startCliHarness } from "./helpers/cli-harness.ts";
import { runCmd } from "./helpers/python.ts";

let h: CliHarness;

beforeAll(async () => {
  h = await startCliHarness();
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const kcat = (args: string[], stdin?: string) => runCmd(["kcat", "-b", h.broker.bootstrap, ...args], { stdin, timeoutMs: 60_000 });

describe("CLI <-> kcat", () => {
  test("records produced by the CLI are read by kcat with identical keys, values and headers", async () => {
    expect((await h.run(["topic", "create", "to-kcat", "-p", "3"])).code).toBe(0);
    const n = 2000;
    const input = Array.from({ length: n }, (_, i) => `key-${i % 50}=value ${i} with spaces`).join("\n") + "\n";
    const p = await h.run(["produce", "to-kcat", "-K", "=", "--header", "origin=cli", "--header", "trace=abc-123", "-z", "lz4"], { stdin: input });
    expect(p.code).toBe(0);
    const c = await kcat(["-C", "-t", "to-kcat", "-o", "beginning", "-e", "-J"]);
    expect(c.code).toBe(0);
    const got = c.stdout.trim().split("\n").map((l) => JSON.parse(l) as { key: string; payload: string; headers: string[]; partition: number });
    expect(got.length).toBe(n);
    const byValue = new Map(got.map((r) => [r.payload, r]));
    for (let i = 0; i < n; i++) {
      const r = byValue.get(`value ${i} with spaces`)!;
      expect(r.key).toBe(`key-${i % 50}`);
      expect(r.headers).toEqual(["origin", "cli", "trace", "abc-123"]);
    }
  }, 60_000);

  test.each(["gzip", "snappy", "lz4", "zstd"])("records produced by kcat -z %s are read by the CLI", async (codec) => {
    const topic = `from-kcat-${codec}`;
    expect((await h.run(["topic", "create", topic, "-p", "2"])).code).toBe(0);
    const n = 500;
    const input = Array.from({ length: n }, (_, i) => `k${i % 7}:payload-${i}-${"z".repeat(i % 40)}`).join("\n") + "\n";
    const p = await kcat(["-P", "-t", topic, "-K:", "-z", codec, "-X", "partitioner=murmur2_random", "-H", "via=kcat", "-H", `codec=${codec}`], input);
    expect(p.code).toBe(0);
    const c = await h.run(["consume", topic, "--from", "earliest", "--exit-at-end", "--output", "json"]);
    expect(c.code).toBe(0);
    const got = c.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(got.length).toBe(n);
    const values = new Set<string>();
    for (const r of got) {
      const i = Number(/^payload-(\d+)-/.exec(r.value)![1]);
      expect(r.key).toBe(`k${i % 7}`);
      expect(r.value).toBe(`payload-${i}-${"z".repeat(i % 40)}`);
      expect(r.headers).toEqual([{ key: "via", value: "kcat" }, { key: "codec", value: codec }]);
      values.add(r.value);
    }
    expect(values.size).toBe(n);
    // With librdkafka's murmur2 partitioner (the Java client's; its default is CRC32-based), keys land where ours put them.
    const mine = await h.run(["produce", topic, "-K", ":"], { stdin: "k3:from-cli\n" });
    expect(mine.code).toBe(0);
    const all = (await h.run(["consume", topic, "--from", "earliest", "-e", "-f", "%k %p\\n"])).stdout.trim().split("\n");
    expect(new Set(all.filter((l) => l.startsWith("k3 "))).size).toBe(1);
  }, 60_000);
});
