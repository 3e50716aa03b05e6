/**
 * Durability with the compiled binary and real processes: a librdkafka producer (acks=all) sends continuously while the broker
 * is killed with SIGKILL at a seeded random moment; after a restart on the same data dir every record
 * whose delivery callback succeeded reads back with its exact value. Runs with real I/O, and with the
 * storage layer's lazy I/O mode (STREAMBUS_UNSAFE_LAZY_IO=1: un-synced bytes die with the process, as in
 * a power cut), which proves that acknowledgements wait for fsync.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type BrokerProcess, buildBinary, removeDir, startBrokerProcess, tempDataDir } from "./helpers/broker-process.ts";
import { seededRandom as rng } from "../protocol/seeded-random.ts";
import { createTopicWithLibrdkafka, PYTHON, runCmd } from "./helpers/python.ts";

const PRODUCER = `
import sys
from confluent_kafka import Producer
bootstrap, topic, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
def cb(err, msg):
    if err is None:
        sys.stdout.write(msg.value().decode() + "\\n")
        sys.stdout.flush()
p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 2, "message.timeout.ms": 5000,
              "enable.idempotence": False, "reconnect.backoff.max.ms": 100})
i = 0
while True:
    try:
        p.produce(topic, value=("%s-%d-%s" % (prefix, i, "x" * (i % 64))).encode(), on_delivery=cb)
        i += 1
    except BufferError:
        pass
    p.poll(0.0005 if i % 100 else 0.002)
`;

let bin: { binary: string; dir: string };
beforeAll(() => {
  bin = buildBinary();
}, 120_000);
afterAll(() => removeDir(bin.dir));

async function runRounds(lazy: boolean, rounds: number, seed: number, flushNever = false): Promise<number> {
  const random = rng(seed);
  const dataDir = tempDataDir("sb-durable-");
  const env: Record<string, string> = lazy ? { STREAMBUS_UNSAFE_LAZY_IO: "1" } : {};
  const args = flushNever ? ["--set", "log.flush=never"] : [];
  const acked = new Set<string>();
  let broker: BrokerProcess | null = null;
  try {
    broker = await startBrokerProcess({ dataDir, env, args, binary: bin.binary });
    await createTopicWithLibrdkafka(broker.bootstrap, "durable", 2);
    for (let round = 0; round < rounds; round++) {
      if (!broker) broker = await startBrokerProcess({ dataDir, env, args, binary: bin.binary });
      const producer = Bun.spawn({ cmd: [PYTHON, "-c", PRODUCER, broker.bootstrap, "durable", `r${round}`], stdout: "pipe", stderr: "ignore" });
      const reader = (async () => {
        let rest = "";
        for await (const chunk of producer.stdout) {
          rest += new TextDecoder().decode(chunk);
          const lines = rest.split("\n");
          rest = lines.pop()!;
          for (const l of lines) if (l) acked.add(l);
        }
      })();
      const killAfterMs = 300 + Math.floor(random() * 1200);
      await Bun.sleep(killAfterMs);
      await broker.kill();
      broker = null;
      // Let the producer report what it had acknowledged, then stop it.
      await Bun.sleep(100);
      producer.kill("SIGKILL");
      await producer.exited;
      await reader;
    }
    broker = await startBrokerProcess({ dataDir, env, args, binary: bin.binary });
    const r = await runCmd(["kcat", "-b", broker.bootstrap, "-C", "-t", "durable", "-e", "-o", "beginning", "-f", "%s\n"], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const stored = new Set(r.stdout.split("\n").filter(Boolean));
    const lost = [...acked].filter((v) => !stored.has(v));
    console.log(`${lazy ? "lazy" : "real"} I/O${flushNever ? " + flush=never (negative control)" : ""}, seed ${seed}: ${rounds} kills, ${acked.size} acknowledged, ${stored.size} stored, ${lost.length} lost`);
    expect(acked.size).toBeGreaterThan(rounds * 10);
    if (!flushNever) expect(lost.slice(0, 5)).toEqual([]);
    return lost.length;
  } finally {
    if (broker) await broker.stop();
    removeDir(dataDir);
  }
}

const SEED = Number(process.env.DURABILITY_SEED ?? 20261123);

describe("acks=all survives kill -9 of the broker", () => {
  test("real I/O, 10 kills", async () => void (await runRounds(false, 10, SEED)), 120_000);
  test("lazy I/O (power-cut model), 10 kills", async () => void (await runRounds(true, 10, SEED + 1)), 120_000);
  test("negative control: with log.flush=never (acks without fsync) the same test catches lost records", async () => {
    expect(await runRounds(true, 6, SEED + 2, true)).toBeGreaterThan(0);
  }, 120_000);
});
