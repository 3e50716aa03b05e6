/**
 * StreamBus load generator on our own TypeScript SDK (only the public API of mod.ts).
 * Usage: bun sdk-gen.ts '<json spec>' with op produce | consume | latency; handshake in gen/runner.ts.
 * Produce uses `producer.produce` and a final `flush` (which rejects if any record failed); latency counts every send's promise. Cold start stays on librdkafka
 * (peers/streambus.ts), so there is no `cold` op here.
 */
import { StreamBus, type Consumer, type Producer, type ProducerOptions } from "../../../mod.ts";
import { cpuSince, deadline, dueCount, latencySummary, readStamp, readyAndWait, stampInto } from "./common.ts";

interface Spec {
  op: "produce" | "consume" | "latency";
  bootstrap: string;
  topic: string;
  size: number;
  count: number;
  rate: number;
  durationMs: number;
  /** Produce stops sending after this long and reports the records acknowledged (as the other generators do). */
  durationMsMax?: number;
  acks: "1" | "all";
  /** Upper bound on the timed section. */
  timeoutMs: number;
}

interface ThroughputResult {
  records: number;
  bytes: number;
  elapsedS: number;
  cpuS: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const TOPIC_PARTITION = { topic: spec.topic, partition: 0 };
/** Same shape as the librdkafka generator: 20 ms linger, batches of about 1 MiB (under the broker's 1 MiB + 12 B limit). */
const THROUGHPUT_LINGER_MS = 20;
const BATCH_BYTES = 1024 * 1024;
/** The producer's buffer (its default): room for 5 batches in flight and full ones waiting behind them. */
const BUFFER_BYTES = 32 * 1024 * 1024;
const MAX_IN_FLIGHT_PER_PARTITION = 5;
/** Consume fetch sizes, as the librdkafka generator (fetch.max.bytes 50 MiB, max.partition.fetch.bytes 10 MiB). */
const FETCH_MAX_BYTES = 50 * 1024 * 1024;
const PARTITION_FETCH_MAX_BYTES = 10 * 1024 * 1024;
const CONSUME_FETCH_WAIT_MS = 500;
/** The latency consumer's long-poll (librdkafka's generator uses fetch.wait.max.ms 100 too). */
const LATENCY_FETCH_WAIT_MS = 100;

function newBus(): StreamBus {
  return new StreamBus({ brokers: [spec.bootstrap], clientId: `compare-sdk-${spec.op}` });
}

function newProducer(bus: StreamBus, lingerMs: number): Producer {
  const opts: ProducerOptions = {
    acks: spec.acks === "all" ? "all" : 1, lingerMs, batchBytes: BATCH_BYTES, bufferBytes: BUFFER_BYTES,
    maxInFlightPerPartition: MAX_IN_FLIGHT_PER_PARTITION,
  };
  return bus.producer(opts);
}

/** Connects and caches the topic's metadata before the clock starts (the producer has no call of its own for this). */
async function warmMetadata(bus: StreamBus): Promise<void> {
  const [t] = await bus.admin().describeTopics([spec.topic]);
  if (t?.partitions.length !== 1) throw new Error(`sdk-gen: topic ${spec.topic} should have 1 partition, has ${t?.partitions.length}`);
}

/**
 * Queues `count` copies of `value` for partition 0 with `producer.produce` (no promise per record; the
 * counterpart of librdkafka's produce + BufferError loop), waiting on `ready()` whenever the producer's
 * buffer is full, then flushes: flush rejects if any record failed, so every record is accounted for.
 */
async function sendAll(producer: Producer, count: number, value: Uint8Array, durationMsMax: number): Promise<number> {
  const stopAt = performance.now() + durationMsMax;
  const record = { ...TOPIC_PARTITION, value };
  let sent = 0;
  while (sent < count) {
    if ((sent & 1023) === 0 && performance.now() > stopAt) break; // time box: report what was sent and acknowledged
    if (producer.produce(record)) sent++;
    else await producer.ready();
  }
  await producer.flush();
  return sent;
}

async function produce(): Promise<ThroughputResult> {
  const bus = newBus();
  const producer = newProducer(bus, THROUGHPUT_LINGER_MS);
  await warmMetadata(bus);
  const value = new Uint8Array(spec.size).fill(120);
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const records = await deadline(sendAll(producer, spec.count, value, spec.durationMsMax ?? Infinity), spec.timeoutMs, "sdk produce");
  const elapsedS = (performance.now() - t0) / 1000;
  const cpuS = cpuSince(c0);
  await bus.close();
  return { records, bytes: records * spec.size, elapsedS, cpuS };
}

/** A consumer of partition 0 from offset 0. */
function partitionConsumer(bus: StreamBus, maxWaitMs: number): Consumer {
  const consumer = bus.consumer({
    maxWaitMs, minBytes: 1, maxBytes: FETCH_MAX_BYTES, partitionMaxBytes: PARTITION_FETCH_MAX_BYTES, autoOffsetReset: "none",
  });
  consumer.assign([TOPIC_PARTITION]);
  consumer.seek(TOPIC_PARTITION, 0n);
  return consumer;
}

/** Opens the fetch connection with one empty fetch at the end of the log, so no record is read before the clock starts. */
async function warmFetch(bus: StreamBus): Promise<void> {
  const probe = bus.consumer({ maxWaitMs: 1, autoOffsetReset: "latest" });
  probe.assign([TOPIC_PARTITION]);
  await probe.poll();
  await probe.close();
}

async function consume(): Promise<ThroughputResult> {
  const bus = newBus();
  await warmMetadata(bus);
  await warmFetch(bus);
  const consumer = partitionConsumer(bus, CONSUME_FETCH_WAIT_MS);
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const stopAt = t0 + spec.timeoutMs;
  let records = 0;
  let bytes = 0;
  await deadline((async () => {
    while (records < spec.count && performance.now() < stopAt) {
      for (const r of await consumer.poll()) {
        records++;
        bytes += r.value?.byteLength ?? 0;
      }
    }
  })(), spec.timeoutMs, "sdk consume");
  const elapsedS = (performance.now() - t0) / 1000;
  const cpuS = cpuSince(c0);
  if (records < spec.count) throw new Error(`sdk consume: got ${records} of ${spec.count}`);
  await bus.close();
  return { records, bytes, elapsedS, cpuS };
}

async function latency(): Promise<object> {
  const total = Math.floor((spec.rate * spec.durationMs) / 1000);
  const bus = newBus();
  const producer = newProducer(bus, 0);
  await warmMetadata(bus);
  const consumer = partitionConsumer(bus, LATENCY_FETCH_WAIT_MS);
  await consumer.poll(); // first fetch round trip (empty topic) before the clock starts
  const samples = new Float64Array(total);
  let received = 0;
  let acked = 0;
  let failure: unknown = null;
  const onAcked = () => void acked++;
  const onFailed = (e: unknown) => void (failure ??= e);
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const stopAt = t0 + spec.timeoutMs;
  const consumed = (async () => {
    while (received < total && failure === null && performance.now() < stopAt) {
      for (const r of await consumer.poll()) {
        if (received < total) samples[received++] = performance.now() - readStamp(r.value!, 0);
      }
    }
  })();
  let sent = 0;
  while (sent < total && failure === null && performance.now() < stopAt) {
    const due = dueCount(t0, spec.rate, total);
    for (; sent < due; sent++) {
      // A fresh buffer per record: the producer keeps a reference to the value until its batch is encoded.
      const value = new Uint8Array(spec.size);
      stampInto(value, performance.now());
      producer.send({ ...TOPIC_PARTITION, value }).then(onAcked, onFailed);
    }
    await Bun.sleep(1);
  }
  await deadline(producer.flush(), spec.timeoutMs, "sdk latency flush");
  await deadline(consumed, spec.timeoutMs, "sdk latency consume");
  const elapsedS = (performance.now() - t0) / 1000;
  const cpuS = cpuSince(c0);
  if (failure !== null) throw failure;
  await bus.close();
  return { records: sent, bytes: sent * spec.size, received, acked, elapsedS, cpuS, ...latencySummary(samples.subarray(0, received)) };
}

const ops = { produce, consume, latency };
try {
  console.log(JSON.stringify(await ops[spec.op]()));
  process.exit(0);
} catch (e) {
  console.error(e);
  process.exit(1);
}
