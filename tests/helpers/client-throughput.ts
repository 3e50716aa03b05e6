/**
 * A quick SDK throughput check (not part of the test suite): produce N records of S bytes with acks=1 to a
 * broker in its own process, then consume them back; prints records/s and MB/s.
 *
 *   bun tests/helpers/client-throughput.ts [--records 200000] [--bytes 100] [--partitions 1] [--compression none] [--brokers host:port]
 *
 * Without --brokers it starts `streambus broker` as a child process (tests/helpers/broker-process.ts),
 * so client and broker do not share an event loop (they still share this machine's 2 vCPUs).
 */
import { parseArgs } from "node:util";
import { StreamBus } from "../../client/index.ts";
import type { CompressionName } from "../../protocol/compression.ts";
import { removeDir, startBrokerProcess, type BrokerProcess } from "./broker-process.ts";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "200000" },
    bytes: { type: "string", default: "100" },
    partitions: { type: "string", default: "1" },
    compression: { type: "string", default: "none" },
    brokers: { type: "string" },
  },
});
const recordCount = Number(args.records);
const valueBytes = Number(args.bytes);
const partitionCount = Number(args.partitions);

let proc: BrokerProcess | null = null;
const bootstrap = args.brokers ?? (proc = await startBrokerProcess()).bootstrap;
const bus = new StreamBus({ brokers: [bootstrap], clientId: "throughput" });
try {
  const topic = `tp-${Date.now()}`;
  await bus.admin().createTopics([{ name: topic, partitions: partitionCount }]);
  const producer = bus.producer({ acks: 1, compression: args.compression as CompressionName });
  const value = new Uint8Array(valueBytes).fill(97);
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < recordCount; i++) {
    inFlight.push(producer.send({ topic, value }));
    // Keep the promise array bounded and let the sender run.
    if (inFlight.length >= 20_000) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  await producer.flush();
  const produceMs = performance.now() - started;
  const consumer = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 100 });
  consumer.assign(Array.from({ length: partitionCount }, (_, partition) => ({ topic, partition })));
  const cStarted = performance.now();
  let consumed = 0;
  while (consumed < recordCount) consumed += (await consumer.poll()).length;
  const consumeMs = performance.now() - cStarted;
  const mb = (recordCount * valueBytes) / 1e6;
  console.log(JSON.stringify({
    records: recordCount, valueBytes, partitions: partitionCount, compression: args.compression, acks: 1,
    produceRecordsPerSec: Math.round(recordCount / (produceMs / 1000)), produceMBps: +(mb / (produceMs / 1000)).toFixed(1),
    consumeRecordsPerSec: Math.round(recordCount / (consumeMs / 1000)), consumeMBps: +(mb / (consumeMs / 1000)).toFixed(1),
  }));
} finally {
  await bus.close();
  if (proc) {
    await proc.stop();
    removeDir(proc.dataDir);
  }
}
