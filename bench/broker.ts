/**
 * Broker bench: produce and consume throughput through the Kafka port with librdkafka
 * (python3-confluent-kafka) as the client, for 100 B and 1 KiB records, acks=1 and acks=all, next to a
 * plain TCP blast of the same bytes over loopback in the same run (the ratio is the figure); broker RSS
 * idle and under load; cold start to "ready". Client and broker share the machine's 2 vCPUs.
 *
 * Usage: bun bench/broker.ts [--records N]     (writes bench/results/broker.json)
 */
import Table from "cli-table3";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { removeDir, startBrokerProcess, tempDataDir } from "../tests/helpers/broker-process.ts";
import { createTopicWithLibrdkafka, runPython } from "../tests/helpers/python.ts";

const CLIENT = `
import sys, time, json
from confluent_kafka import Producer, Consumer, TopicPartition
bootstrap, topic, size, n, acks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
value = b"x" * size
p = Producer({"bootstrap.servers": bootstrap, "acks": acks, "linger.ms": 5, "batch.size": 1000000,
              "queue.buffering.max.messages": 1000000, "enable.idempotence": False})
t0 = time.perf_counter()
for i in range(n):
    while True:
        try:
            p.produce(topic, value=value)
            break
        except BufferError:
            p.poll(0.001)
p.flush(120)
produce_s = time.perf_counter() - t0
c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench", "enable.auto.commit": False,
              "fetch.max.bytes": 52428800, "max.partition.fetch.bytes": 10485760})
c.assign([TopicPartition(topic, 0, 0)])
got = 0
t1 = time.perf_counter()
while got < n:
    msgs = c.consume(100000, 5.0)
    if not msgs: break
    got += len(msgs)
consume_s = time.perf_counter() - t1
c.close()
print(json.dumps({"produceS": produce_s, "consumeS": consume_s, "consumed": got}))
`;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : 0;
}

/** Loopback ceiling: one Bun client writes `totalBytes` in 64 KiB chunks to a Bun server that counts them. */
async function tcpBlastMBps(totalBytes: number): Promise<number> {
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const server = Bun.listen({
    hostname: "127.0.0.1", port: 0,
    socket: { data(_s, d) { received += d.byteLength; if (received >= totalBytes) done(); } },
  });
  const chunk = new Uint8Array(64 * 1024).fill(120);
  let sent = 0;
  const t0 = performance.now();
  const client = await Bun.connect({
    hostname: "127.0.0.1", port: server.port,
    socket: {
      drain(s) { pump(s); },
      data() {},
    },
  });
  function pump(s: typeof client) {
    while (sent < totalBytes) {
      const n = s.write(chunk);
      sent += n;
      if (n < chunk.byteLength) return;
    }
  }
  pump(client);
  await finished;
  const secs = (performance.now() - t0) / 1000;
  client.end();
  server.stop(true);
  return totalBytes / secs / 1e6;
}

export async function run(): Promise<object> {
  const args = process.argv;
  const recordsIdx = args.indexOf("--records");
  const dataDir = tempDataDir("sb-bench-broker-");
  const binary = (() => {
    try {
      readFileSync(join(import.meta.dir, "..", "dist", "streambus"));
      return join(import.meta.dir, "..", "dist", "streambus");
    } catch {
      return undefined;
    }
  })();
  const t0 = performance.now();
  const broker = await startBrokerProcess({ dataDir, binary });
  const coldStartMs = Math.round(performance.now() - t0);
  const rssIdleMiB = rssMiB(broker.proc.pid);
  const rows: Record<string, number | string>[] = [];
  let rssLoadMiB = 0;
  try {
    for (const size of [100, 1024]) {
      for (const acks of ["1", "all"]) {
        const n = recordsIdx > 0 ? Number(args[recordsIdx + 1]) : size === 100 ? 300_000 : 100_000;
        const topic = `bench-${size}-${acks}`;
        await createTopicWithLibrdkafka(broker.bootstrap, topic, 1);
        const sampler = setInterval(() => (rssLoadMiB = Math.max(rssLoadMiB, rssMiB(broker.proc.pid))), 100);
        const r = await runPython(CLIENT, [broker.bootstrap, topic, String(size), String(n), acks], 300_000);
        clearInterval(sampler);
        if (r.code !== 0) throw new Error(`bench client failed: ${r.stderr}`);
        const res = JSON.parse(r.stdout);
        const bytes = n * size;
        const blast = await tcpBlastMBps(bytes);
        const produceMBps = bytes / res.produceS / 1e6;
        const consumeMBps = bytes / res.consumeS / 1e6;
        rows.push({
          recordBytes: size, acks, records: n,
          produceRecordsPerSec: Math.round(n / res.produceS), produceMBps: +produceMBps.toFixed(1),
          consumeRecordsPerSec: Math.round(res.consumed / res.consumeS), consumeMBps: +consumeMBps.toFixed(1),
          tcpBlastMBps: +blast.toFixed(1),
          produceVsBlast: +(produceMBps / blast).toFixed(3), consumeVsBlast: +(consumeMBps / blast).toFixed(3),
        });
      }
    }
  } finally {
    await broker.stop();
    removeDir(dataDir);
  }
  const table = new Table({ style: process.stdout.isTTY ? undefined : { head: [], border: [] }, head: ["record", "acks", "records", "produce rec/s", "produce MB/s", "consume rec/s", "consume MB/s", "TCP blast MB/s", "produce/blast", "consume/blast"] });
  for (const r of rows) table.push(Object.values(r).map(String));
  console.log(table.toString());
  console.log(`cold start to ready: ${coldStartMs} ms (${binary ? "compiled binary" : "bun cli/main.ts"}); RSS idle ${rssIdleMiB} MiB, under load ${rssLoadMiB} MiB`);
  const result = {
    bench: "broker", at: new Date().toISOString(), client: "librdkafka via python3-confluent-kafka, same machine (client and broker share 2 vCPUs)",
    broker: binary ? "dist/streambus" : "bun cli/main.ts", coldStartMs, rssIdleMiB, rssLoadMiB, results: rows,
  };
  mkdirSync(join(import.meta.dir, "results"), { recursive: true });
  writeFileSync(join(import.meta.dir, "results", "broker.json"), JSON.stringify(result, null, 2) + "\n");
  return result;
}

if (import.meta.main) await run();
