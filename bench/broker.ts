/**
 * Broker bench: produce and consume throughput through the Kafka port with librdkafka
 * (python3-confluent-kafka) as the client, for 100 B and 1 KiB records, acks=1 and acks=all, next to a
 * plain TCP blast of the same bytes over loopback in the same run (the ratio is the figure); broker RSS
 * idle and under load; cold start to "ready". Client and broker share the machine's 2 vCPUs.
 *
 * In the same run, against the same broker process, our TypeScript SDK (client/) does the same work from a
 * child Bun process (this file with --sdk-client): the same N records of the same size, same acks, linger
 * 5 ms and ~1 MB batches, then reads them back with the assign-based consumer. `sdkVsLibrdkafkaProduce` and
 * `sdkVsLibrdkafkaConsume` are SDK records/s over librdkafka records/s. Both clients report the CPU seconds
 * they used in each timed section (process.cpuUsage / time.process_time), since client and broker compete
 * for the same cores.
 *
 * Usage: bun bench/broker.ts [--records N] [--sdk-first]     (writes bench/results/broker.json)
 */
import Table from "cli-table3";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { removeDir, startBrokerProcess, tempDataDir } from "../tests/helpers/broker-process.ts";
import { createTopicWithLibrdkafka, runCmd, runPython } from "../tests/helpers/python.ts";

const CLIENT = `
import sys, time, json
from confluent_kafka import Producer, Consumer, TopicPartition
bootstrap, topic, size, n, acks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
value = b"x" * size
p = Producer({"bootstrap.servers": bootstrap, "acks": acks, "linger.ms": 5, "batch.size": 1000000,
              "queue.buffering.max.messages": 1000000, "enable.idempotence": False})
c0, t0 = time.process_time(), time.perf_counter()
for i in range(n):
    while True:
        try:
            p.produce(topic, value=value)
            break
        except BufferError:
            p.poll(0.001)
p.flush(120)
produce_s = time.perf_counter() - t0
produce_cpu_s = time.process_time() - c0
c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench", "enable.auto.commit": False,
              "fetch.max.bytes": 52428800, "max.partition.fetch.bytes": 10485760})
c.assign([TopicPartition(topic, 0, 0)])
got = 0
c1, t1 = time.process_time(), time.perf_counter()
while got < n:
    msgs = c.consume(min(100000, n - got), 5.0)  # asking for more than is left would wait the whole timeout
    if not msgs: break
    got += len(msgs)
consume_s = time.perf_counter() - t1
consume_cpu_s = time.process_time() - c1
c.close()
print(json.dumps({"produceS": produce_s, "consumeS": consume_s, "consumed": got, "produceCpuS": produce_cpu_s, "consumeCpuS": consume_cpu_s}))
`;

/** What one client run reports (both clients print this shape). */
interface ClientResult {
  produceS: number;
  consumeS: number;
  consumed: number;
  produceCpuS: number;
  consumeCpuS: number;
}

/**
 * The SDK's headline runs pipeline a partition's batches (maxInFlightPerPartition 5), as librdkafka does
 * (its max.in.flight defaults to 1000000 and the bench runs it without idempotence): with the broker's
 * default fsync-before-ack, one batch at a time per partition leaves the broker idle between fsyncs. A
 * second, produce-only SDK run with the default (1, order kept across retries) is reported next to it.
 */
const SDK_IN_FLIGHT_PER_PARTITION = 5;

/** Unacknowledged value bytes the SDK client keeps in flight (under the producer's 32 MiB buffer). */
const SDK_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * The SDK side of the bench, run in a child process (`bun bench/broker.ts --sdk-client ...`) so it gets a
 * fresh heap and its CPU time is its own: produces `n` records of `size` bytes as fast as the producer
 * takes them, then reads them back from offset 0. API "produce" (the headline) is `producer.produce` with
 * `ready()` when it refuses, the counterpart of the librdkafka side's `produce` + BufferError loop; "send"
 * is one promise per record (`send().then`), with a 16 MiB window of unacknowledged bytes.
 */
async function sdkClient(argv: string[]): Promise<ClientResult> {
  const [bootstrap, topic, sizeArg, nArg, acksArg, inFlightArg, produceOnlyArg, apiArg] = argv as [string, string, string, string, string, string?, string?, string?];
  const api = apiArg ?? "produce";
  const size = Number(sizeArg);
  const n = Number(nArg);
  const maxInFlightPerPartition = Number(inFlightArg ?? SDK_IN_FLIGHT_PER_PARTITION);
  const { StreamBus } = await import("../client/index.ts");
  const bus = new StreamBus({ brokers: [bootstrap], clientId: "bench-sdk" });
  // As the librdkafka client is configured: linger 5 ms, ~1 MB batches, no idempotence, no compression.
  const producer = bus.producer({ acks: acksArg === "all" ? "all" : 1, lingerMs: 5, batchBytes: 1_000_000, maxInFlightPerPartition });
  const value = new Uint8Array(size).fill(120);
  // Connect and fetch metadata before the clock starts (librdkafka does this in the background too).
  await bus.admin().describeTopics([topic]);
  let inFlightBytes = 0;
  let failed = 0;
  let firstError: unknown = null;
  let wake: (() => void) | null = null;
  const settled = () => {
    inFlightBytes -= size;
    if (wake !== null && inFlightBytes < SDK_WINDOW_BYTES / 2) {
      const w = wake;
      wake = null;
      w();
    }
  };
  const onError = (e: unknown) => {
    failed++;
    firstError ??= e;
    settled();
  };
  const record = { topic, value };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (api === "produce") {
    for (let i = 0; i < n; i++) {
      while (!producer.produce(record)) await producer.ready();
    }
  } else {
    for (let i = 0; i < n; i++) {
      inFlightBytes += size;
      producer.send(record).then(settled, onError);
      if (inFlightBytes >= SDK_WINDOW_BYTES) await new Promise<void>((r) => (wake = r));
    }
  }
  await producer.flush(); // rejects if any produce()d record failed
  const produceS = (performance.now() - t0) / 1000;
  const produceCpuS = cpuSeconds(process.cpuUsage(c0));
  if (failed > 0) throw new Error(`${failed} of ${n} sends failed; first: ${String(firstError)}`);
  await producer.close();
  if (produceOnlyArg === "produce-only") {
    await bus.close();
    return { produceS, consumeS: NaN, consumed: 0, produceCpuS, consumeCpuS: NaN };
  }

  const consumer = bus.consumer({ autoOffsetReset: "earliest", maxBytes: 52_428_800, partitionMaxBytes: 10_485_760, maxWaitMs: 500 });
  consumer.assign([{ topic, partition: 0 }]);
  consumer.seek({ topic, partition: 0 }, 0n);
  let got = 0;
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  let idleSince = t1;
  while (got < n) {
    const records = await consumer.poll();
    if (records.length > 0) idleSince = performance.now();
    else if (performance.now() - idleSince > 5_000) break;
    got += records.length;
  }
  const consumeS = (performance.now() - t1) / 1000;
  const consumeCpuS = cpuSeconds(process.cpuUsage(c1));
  await consumer.close();
  await bus.close();
  return { produceS, consumeS, consumed: got, produceCpuS, consumeCpuS };
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

async function runSdkClient(args: string[]): Promise<ClientResult> {
  const r = await runCmd([process.execPath, import.meta.path, "--sdk-client", ...args], { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`SDK bench client failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ClientResult;
}

async function runLibrdkafkaClient(args: string[]): Promise<ClientResult> {
  const r = await runPython(CLIENT, args, 300_000);
  if (r.code !== 0) throw new Error(`bench client failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ClientResult;
}

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
  const sdkFirst = args.includes("--sdk-first");
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
        const sdkTopic = `bench-sdk-${size}-${acks}`;
        await createTopicWithLibrdkafka(broker.bootstrap, topic, 1);
        await createTopicWithLibrdkafka(broker.bootstrap, sdkTopic, 1);
        const sampler = setInterval(() => (rssLoadMiB = Math.max(rssLoadMiB, rssMiB(broker.proc.pid))), 100);
        const sdkDefaultTopic = `bench-sdk1-${size}-${acks}`;
        await createTopicWithLibrdkafka(broker.bootstrap, sdkDefaultTopic, 1);
        let res: ClientResult;
        let sdk: ClientResult;
        let sdkDefault: ClientResult;
        let sdkSend: ClientResult;
        try {
          const clientArgs = (t: string) => [broker.bootstrap, t, String(size), String(n), acks];
          // Alternate which client goes first (or put the SDK first everywhere with --sdk-first).
          if (sdkFirst || rows.length % 2 === 1) {
            sdk = await runSdkClient(clientArgs(sdkTopic));
            res = await runLibrdkafkaClient(clientArgs(topic));
          } else {
            res = await runLibrdkafkaClient(clientArgs(topic));
            sdk = await runSdkClient(clientArgs(sdkTopic));
          }
          sdkDefault = await runSdkClient([...clientArgs(sdkDefaultTopic), "1", "produce-only"]);
          sdkSend = await runSdkClient([...clientArgs(sdkDefaultTopic), String(SDK_IN_FLIGHT_PER_PARTITION), "produce-only", "send"]);
        } finally {
          clearInterval(sampler);
        }
        if (sdk.consumed < n) throw new Error(`SDK client consumed ${sdk.consumed} of ${n} records`);
        const bytes = n * size;
        const blast = await tcpBlastMBps(bytes);
        const produceMBps = bytes / res.produceS / 1e6;
        const consumeMBps = bytes / res.consumeS / 1e6;
        const produceRps = n / res.produceS;
        const consumeRps = res.consumed / res.consumeS;
        const sdkProduceRps = n / sdk.produceS;
        const sdkConsumeRps = sdk.consumed / sdk.consumeS;
        rows.push({
          recordBytes: size, acks, records: n,
          produceRecordsPerSec: Math.round(produceRps), produceMBps: +produceMBps.toFixed(1),
          consumeRecordsPerSec: Math.round(consumeRps), consumeMBps: +consumeMBps.toFixed(1),
          tcpBlastMBps: +blast.toFixed(1),
          produceVsBlast: +(produceMBps / blast).toFixed(3), consumeVsBlast: +(consumeMBps / blast).toFixed(3),
          produceCpuS: +res.produceCpuS.toFixed(3), consumeCpuS: +res.consumeCpuS.toFixed(3),
          sdkProduceRecordsPerSec: Math.round(sdkProduceRps), sdkProduceMBps: +(bytes / sdk.produceS / 1e6).toFixed(1),
          sdkConsumeRecordsPerSec: Math.round(sdkConsumeRps), sdkConsumeMBps: +(bytes / sdk.consumeS / 1e6).toFixed(1),
          sdkProduceCpuS: +sdk.produceCpuS.toFixed(3), sdkConsumeCpuS: +sdk.consumeCpuS.toFixed(3),
          sdkVsLibrdkafkaProduce: +(sdkProduceRps / produceRps).toFixed(3),
          sdkVsLibrdkafkaConsume: +(sdkConsumeRps / consumeRps).toFixed(3),
          sdkInFlight1ProduceRecordsPerSec: Math.round(n / sdkDefault.produceS), sdkInFlight1ProduceCpuS: +sdkDefault.produceCpuS.toFixed(3),
          sdkInFlight1VsLibrdkafkaProduce: +(n / sdkDefault.produceS / produceRps).toFixed(3),
          sdkSendApiProduceRecordsPerSec: Math.round(n / sdkSend.produceS), sdkSendApiProduceCpuS: +sdkSend.produceCpuS.toFixed(3),
          sdkSendApiVsLibrdkafkaProduce: +(n / sdkSend.produceS / produceRps).toFixed(3),
        });
      }
    }
  } finally {
    await broker.stop();
    removeDir(dataDir);
  }
  const style = process.stdout.isTTY ? undefined : { head: [], border: [] };
  const us = (cpuS: number, n: number) => ((cpuS * 1e6) / n).toFixed(2);
  const table = new Table({ style, head: ["record", "acks", "records", "produce rec/s", "produce MB/s", "consume rec/s", "consume MB/s", "TCP blast MB/s", "produce/blast", "consume/blast", "client CPU s (p/c)"] });
  for (const r of rows) {
    table.push([r.recordBytes, r.acks, r.records, r.produceRecordsPerSec, r.produceMBps, r.consumeRecordsPerSec, r.consumeMBps, r.tcpBlastMBps, r.produceVsBlast, r.consumeVsBlast, `${r.produceCpuS} / ${r.consumeCpuS}`].map(String));
  }
  console.log("librdkafka (python3-confluent-kafka):");
  console.log(table.toString());
  const sdkTable = new Table({ style, head: ["record", "acks", "SDK produce rec/s", "SDK produce MB/s", "SDK consume rec/s", "SDK consume MB/s", "SDK/librdkafka produce", "SDK/librdkafka consume", "produce CPU us/rec SDK | rdk", "consume CPU us/rec SDK | rdk", "in-flight 1: produce rec/s (vs rdk)", "send() API: produce rec/s (vs rdk)"] });
  for (const r of rows) {
    const n = r.records as number;
    sdkTable.push([
      r.recordBytes, r.acks, r.sdkProduceRecordsPerSec, r.sdkProduceMBps, r.sdkConsumeRecordsPerSec, r.sdkConsumeMBps, r.sdkVsLibrdkafkaProduce, r.sdkVsLibrdkafkaConsume,
      `${us(r.sdkProduceCpuS as number, n)} | ${us(r.produceCpuS as number, n)}`, `${us(r.sdkConsumeCpuS as number, n)} | ${us(r.consumeCpuS as number, n)}`,
      `${r.sdkInFlight1ProduceRecordsPerSec} (${r.sdkInFlight1VsLibrdkafkaProduce})`,
      `${r.sdkSendApiProduceRecordsPerSec} (${r.sdkSendApiVsLibrdkafkaProduce})`,
    ].map(String));
  }
  console.log(`StreamBus TypeScript SDK, same broker, same run (producer.produce, maxInFlightPerPartition ${SDK_IN_FLIGHT_PER_PARTITION}; then the default 1 in flight, and one send() promise per record):`);
  console.log(sdkTable.toString());
  const result = {
    bench: "broker", at: new Date().toISOString(), client: "librdkafka via python3-confluent-kafka, same machine (client and broker share 2 vCPUs)",
    sdkClient: `StreamBus TypeScript SDK (client/) on Bun in a child process, producer.produce() per record with ready() on refusal (as the librdkafka side's produce + BufferError), linger 5 ms, batchBytes 1 MB, maxInFlightPerPartition ${SDK_IN_FLIGHT_PER_PARTITION} (sdkInFlight1*: the default 1; sdkSendApi*: one send() promise per record; both produce only); assign-based consumer`,
    cpuNote: "*CpuS fields: client CPU seconds (user+system, all threads) in the timed section: time.process_time() for librdkafka, process.cpuUsage() for the SDK",
    broker: binary ? "dist/streambus" : "bun cli/main.ts", coldStartMs, rssIdleMiB, rssLoadMiB, results: rows,
  };
  mkdirSync(join(import.meta.dir, "results"), { recursive: true });
  writeFileSync(join(import.meta.dir, "results", "broker.json"), JSON.stringify(result, null, 2) + "\n");
  return result;
}

if (import.meta.main) {
  if (process.argv[2] === "--sdk-client") {
    console.log(JSON.stringify(await sdkClient(process.argv.slice(3))));
    process.exit(0);
  }
  await run();
}
