/**
 * A small SDK round trip that runs unchanged under Bun, Node 20+ (bundled to .mjs by sdk-runtimes.test.ts)
 * and Deno 2: it imports the SDK only as `streambus`, the way an application would, and uses no runtime
 * globals beyond node:process and Web APIs.
 *
 * For each codec in CODECS it creates a 3-partition topic, produces RECORDS keyed records, reads them all
 * back through `assign` + `poll`, and checks every key/value and that each key landed on
 * `keyPartition(key)`. It then produces one zstd record where node:zlib has zstd (not Node 20). The last
 * stdout line is `RESULT {json}`; the exit code is 0 when every check passed.
 *
 * Usage: <runtime> sdk-runtime-roundtrip.ts <bootstrap host:port> <topic prefix>
 */
import process from "node:process";
import * as zlib from "node:zlib";
import { keyPartition, StreamBus, StreamBusError, stringSerde } from "streambus";

const RECORDS = 1_000;
const PARTITIONS = 3;
const CODECS = ["gzip", "none"] as const;

const [bootstrap, prefix] = process.argv.slice(2);
if (!bootstrap || !prefix) {
  console.error("usage: sdk-runtime-roundtrip <bootstrap> <topic prefix>");
  process.exit(2);
}

const g = globalThis as { Bun?: unknown; Deno?: unknown };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
const version = runtime === "deno" ? process.versions.deno : runtime === "bun" ? process.versions.bun : process.versions.node;
const enc = new TextEncoder();

interface CodecResult {
  produced: number;
  consumed: number;
  distinctKeys: number;
  wrongValue: number;
  wrongPartition: number;
}

const bus = new StreamBus({ brokers: [bootstrap], clientId: `sdk-${runtime}`, requestTimeoutMs: 10_000 });
const started = performance.now();
const results: Record<string, CodecResult> = {};
let zstd: string;
try {
  const admin = bus.admin();
  await admin.createTopics([...CODECS.map((c) => ({ name: `${prefix}-${c}`, partitions: PARTITIONS })), { name: `${prefix}-zstd`, partitions: 1 }]);

  for (const codec of CODECS) {
    const topic = `${prefix}-${codec}`;
    const producer = bus.producer<string, string>({ keySerializer: stringSerde, valueSerializer: stringSerde, compression: codec, lingerMs: 2 });
    const metas = await Promise.all(
      Array.from({ length: RECORDS }, (_, i) => producer.send({ topic, key: `k-${i}`, value: `${runtime}-${codec}-${i}` })),
    );
    await producer.close();

    const consumer = bus.consumer<string, string>({ keyDeserializer: stringSerde, valueDeserializer: stringSerde, autoOffsetReset: "earliest", maxWaitMs: 200 });
    consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition })));
    const seen = new Map<string, { value: string | null; partition: number }>();
    let consumed = 0;
    const deadline = Date.now() + 15_000;
    while (consumed < RECORDS && Date.now() < deadline) {
      for (const r of await consumer.poll()) {
        consumed++;
        if (r.key !== null) seen.set(r.key, { value: r.value, partition: r.partition });
      }
    }
    await consumer.close();

    let wrongValue = 0;
    let wrongPartition = 0;
    for (let i = 0; i < RECORDS; i++) {
      const got = seen.get(`k-${i}`);
      if (got?.value !== `${runtime}-${codec}-${i}`) wrongValue++;
      if (!got || got.partition !== keyPartition(enc.encode(`k-${i}`), PARTITIONS) || got.partition !== metas[i]!.partition) wrongPartition++;
    }
    results[codec] = { produced: metas.length, consumed, distinctKeys: seen.size, wrongValue, wrongPartition };
  }

  // zstd: Bun, Deno 2 and Node 22.15+ have it in node:zlib; Node 20 does not. There the producer's sender
  // throws UNSUPPORTED_COMPRESSION_TYPE outside any send promise (an uncaught exception), so the probe is
  // skipped rather than crashing the round trip.
  if (typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync !== "function") {
    zstd = `unavailable: node:zlib of ${runtime} ${version} has no zstd (needs Node 22.15+)`;
  } else {
    try {
      const p = bus.producer<string, string>({ keySerializer: stringSerde, valueSerializer: stringSerde, compression: "zstd", deliveryTimeoutMs: 5_000 });
      await p.send({ topic: `${prefix}-zstd`, key: "z", value: "zstd" });
      await p.close();
      zstd = "ok";
    } catch (e) {
      zstd = e instanceof StreamBusError ? e.code : `unexpected: ${String(e)}`;
    }
  }
} finally {
  await bus.close();
}

const ok = CODECS.every((c) => {
  const r = results[c]!;
  return r.produced === RECORDS && r.consumed === RECORDS && r.distinctKeys === RECORDS && r.wrongValue === 0 && r.wrongPartition === 0;
});
console.log(`RESULT ${JSON.stringify({ runtime, version, ok, results, zstd, ms: Math.round(performance.now() - started) })}`);
process.exit(ok ? 0 : 1);
