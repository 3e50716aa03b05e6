/**
 * End-to-end latency at the Kafka wire level, the counterpart of the NATS and Redis generators' latency op:
 * one Bun process, two connections. Every ~1 ms the producer connection sends the records that are due as
 * one Produce v8 request (one batch, each value stamped with the send time, as librdkafka at linger 0
 * batches what queued up while a request was out); the consumer connection keeps one Fetch v11 long poll
 * outstanding (maxWaitMs 100, minBytes 1, as the librdkafka generator) and samples every record it gets.
 * Every Produce response is checked (error code 0) and fetched offsets must follow each other, so a broker
 * that loses or reorders records fails the run.
 * Usage: bun kafka-wire-latency.ts '{"port":N,"topic":T,"size":S,"rate":R,"durationMs":D,"acks":1,"timeoutMs":T}';
 * handshake in gen/runner.ts. Prints {records, received, acked, elapsedS, cpuS, p50Ms, p99Ms, p999Ms, maxMs}
 * for send-to-fetch, and produceAckP50Ms / produceAckP99Ms per request (send to acknowledgement).
 */
import type { Socket } from "bun";
import { decodeResponse, encodeRequest } from "../../../protocol/envelope.ts";
import { FrameSplitter } from "../../../protocol/frame.ts";
import { decodeRecordBatches, encodeRecordBatch } from "../../../protocol/record-batch.ts";
import { cpuSince, deadline, dueCount, latencySummary, readStamp, readyAndWait, stampInto, writeQueued } from "./common.ts";
import { PRODUCE_API_KEY, PRODUCE_API_VERSION } from "./produce-frames.ts";

const spec = JSON.parse(process.argv[2]!) as {
  port: number; topic: string; size: number; rate: number; durationMs: number; acks?: number; timeoutMs: number;
};
const FETCH_API_KEY = 1;
/** What librdkafka 2.0 uses against a broker that offers it (non-flexible, topics by name). */
const FETCH_API_VERSION = 11;
const FETCH_MAX_WAIT_MS = 100;
const FETCH_MAX_BYTES = 1024 * 1024;
const FRAME_MAX_BYTES = 64 * 1024 * 1024;

type ProduceBody = { responses: { partitionResponses: { errorCode: number }[] }[] };
type FetchBody = { errorCode: number; responses: { partitions: { errorCode: number; records: Uint8Array | null }[] }[] };

interface Conn {
  socket: Socket<undefined>;
  /** Frames the kernel has not taken yet (a short write keeps the rest here until drain). */
  pending: Uint8Array[];
}

function send(c: Conn, frame: Uint8Array): void {
  c.pending.push(frame);
  writeQueued(c.socket, c.pending);
}

async function connect(onFrame: (frame: Uint8Array) => void, onError: (e: Error) => void): Promise<Conn> {
  const splitter = new FrameSplitter(FRAME_MAX_BYTES);
  const conn: Conn = { socket: undefined as unknown as Socket<undefined>, pending: [] };
  conn.socket = await Bun.connect({
    hostname: "127.0.0.1", port: spec.port,
    socket: {
      data(_s, chunk) {
        try {
          for (const frame of splitter.push(chunk)) onFrame(frame);
        } catch (e) {
          onError(e as Error);
        }
      },
      drain: () => writeQueued(conn.socket, conn.pending),
      close: () => onError(new Error("connection closed by the broker")),
    },
  });
  conn.socket.setNoDelay(true);
  return conn;
}

const total = Math.floor((spec.rate * spec.durationMs) / 1000);
const samples = new Float64Array(total);
let received = 0;
let acked = 0;
let sentRecords = 0;
let producesSent = 0;
let producesAnswered = 0;
/** Records in each Produce request, by correlation id, to count acknowledgements. */
const producedCounts: number[] = [];
/** When each Produce request was sent, by correlation id: acknowledgement latency tells the produce leg from the fetch leg. */
const producedAtMs: number[] = [];
const ackSamples = new Float64Array(total);
let fetchOffset = 0n;
let fetchCorrelation = 0;
let closing = false;
let finish!: () => void;
let fail!: (e: Error) => void;
const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
const onError = (e: Error) => { if (!closing) fail(e); };

const producer = await connect((frame) => {
  const { header, body } = decodeResponse(frame, PRODUCE_API_KEY, PRODUCE_API_VERSION);
  if (header.correlationId !== producesAnswered) throw new Error(`produce response ${header.correlationId} arrived when ${producesAnswered} was due`);
  const part = (body as ProduceBody).responses[0]?.partitionResponses[0];
  if (!part || part.errorCode !== 0) throw new Error(`produce failed with Kafka error code ${part?.errorCode}`);
  acked += producedCounts[producesAnswered]!;
  if (producesAnswered < total) ackSamples[producesAnswered] = performance.now() - producedAtMs[producesAnswered]!;
  producesAnswered++;
}, onError);

const fetchRequest = () => encodeRequest({ correlationId: fetchCorrelation++, clientId: "wire-latency" }, FETCH_API_KEY, FETCH_API_VERSION, {
  replicaId: -1, maxWaitMs: FETCH_MAX_WAIT_MS, minBytes: 1, maxBytes: FETCH_MAX_BYTES, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
  topics: [{ topic: spec.topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1n, partitionMaxBytes: FETCH_MAX_BYTES }] }],
  forgottenTopicsData: [], rackId: "",
});

const consumer = await connect((frame) => {
  const now = performance.now();
  const body = decodeResponse(frame, FETCH_API_KEY, FETCH_API_VERSION).body as FetchBody;
  const part = body.responses[0]?.partitions[0];
  if (body.errorCode !== 0 || !part || part.errorCode !== 0) throw new Error(`fetch failed with Kafka error code ${body.errorCode || part?.errorCode}`);
  for (const batch of decodeRecordBatches(part.records ?? new Uint8Array(0))) {
    for (const r of batch.records) {
      if (r.offset < fetchOffset) continue; // a batch that starts before the fetch offset
      if (r.offset !== fetchOffset) throw new Error(`fetched offset ${r.offset}, expected ${fetchOffset}`);
      fetchOffset++;
      if (received < total) samples[received++] = now - readStamp(r.value!, 0);
    }
  }
  if (received >= total) return finish();
  send(consumer, fetchRequest());
}, onError);

/** Sends the due records as one request; values are fresh per record, stamped just before encoding. */
function produceDue(due: number): void {
  const records = [];
  for (; sentRecords < due; sentRecords++) {
    const value = new Uint8Array(spec.size).fill(120);
    stampInto(value, performance.now());
    records.push({ key: null, value, timestamp: BigInt(Date.now()) });
  }
  if (records.length === 0) return;
  producedCounts.push(records.length);
  producedAtMs.push(performance.now());
  send(producer, encodeRequest({ correlationId: producesSent++, clientId: "wire-latency" }, PRODUCE_API_KEY, PRODUCE_API_VERSION, {
    transactionalId: null, acks: spec.acks ?? 1, timeoutMs: 30_000,
    topicData: [{ name: spec.topic, partitionData: [{ index: 0, records: encodeRecordBatch({ compression: "none", records }) }] }],
  }));
}

send(consumer, fetchRequest()); // the first long poll is out before the clock starts
await readyAndWait();
const c0 = process.cpuUsage();
const t0 = performance.now();
const stopAt = t0 + spec.timeoutMs;
const ticking = (async () => {
  while (sentRecords < total && performance.now() < stopAt) {
    produceDue(dueCount(t0, spec.rate, total));
    await Bun.sleep(1);
  }
})();
await deadline(Promise.all([done, ticking]), spec.timeoutMs, "kafka wire latency");
const elapsedS = (performance.now() - t0) / 1000;
const cpuS = cpuSince(c0);
// Acknowledgements may trail the last fetched record by a round trip.
for (let i = 0; i < 100 && producesAnswered < producesSent; i++) await Bun.sleep(10);
closing = true;
producer.socket.end();
consumer.socket.end();
const ack = latencySummary(ackSamples.subarray(0, Math.min(producesAnswered, total)));
console.log(JSON.stringify({
  records: sentRecords, received, acked, elapsedS, cpuS, ...latencySummary(samples.subarray(0, received)),
  produceAckP50Ms: ack.p50Ms, produceAckP99Ms: ack.p99Ms,
}));
process.exit(0);
