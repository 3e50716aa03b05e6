/**
 * A Kafka producer at the wire level, for the broker's own ceiling: streams pre-encoded Produce requests
 * (gen/produce-frames.ts: ~1 MB batches, as librdkafka's batch.size) over one connection with
 * `inFlight` requests outstanding, and checks every response (error code, and base offsets advancing by
 * at least one batch). Client CPU per byte is a fraction of librdkafka's or the SDK's, so the figure
 * reflects the broker, the same way the NATS and Redis generators speak their protocols directly.
 * Usage: bun kafka-wire-gen.ts '{"port":N,"topic":T,"size":S,"count":C,"acks":1,"timeoutMs":T}';
 * handshake in gen/runner.ts. Prints {records, bytes, elapsedS, cpuS}.
 */
import type { Socket } from "bun";
import { decodeResponse } from "../../../protocol/envelope.ts";
import { FrameSplitter } from "../../../protocol/frame.ts";
import { cpuSince, deadline, readyAndWait, writeQueued } from "./common.ts";
import { PRODUCE_API_KEY, PRODUCE_API_VERSION, produceFrames, setCorrelationId } from "./produce-frames.ts";

const spec = JSON.parse(process.argv[2]!) as {
  port: number; topic: string; size: number; count: number; acks?: number; inFlight?: number; durationMsMax?: number; timeoutMs: number;
};
const IN_FLIGHT = spec.inFlight ?? 8;
/** Distinct frames: twice the window, so a frame is never rewritten while it may still sit in the socket. */
const { frames, recordsPerFrame } = produceFrames({ topic: spec.topic, size: spec.size, acks: spec.acks ?? 1, distinct: IN_FLIGHT * 2 });
const totalRequests = Math.ceil(spec.count / recordsPerFrame);
const splitter = new FrameSplitter(64 * 1024 * 1024);

let sent = 0;
/** After durationMsMax no new request is sent; the run ends when the outstanding ones are answered. */
let stopSendingAt = Infinity;
let answered = 0;
let nextBaseOffset = 0n;
let finish!: () => void;
let fail!: (e: Error) => void;
const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
/** Frames the kernel has not taken yet (the head one possibly in part). */
const pending: Uint8Array[] = [];

function sendNext(s: Socket<undefined>): void {
  const frame = frames[sent % frames.length]!;
  setCorrelationId(frame, sent);
  sent++;
  pending.push(frame);
  writeQueued(s, pending);
}

/** Every answer must be a success for the next batch in order: a broker that drops or reorders fails the run. */
function check(frame: Uint8Array): void {
  const { header, body } = decodeResponse(frame, PRODUCE_API_KEY, PRODUCE_API_VERSION);
  if (header.correlationId !== answered) throw new Error(`response ${header.correlationId} arrived when ${answered} was due`);
  const part = (body as { responses: { partitionResponses: { errorCode: number; baseOffset: bigint }[] }[] }).responses[0]?.partitionResponses[0];
  if (!part) throw new Error("produce response without a partition");
  if (part.errorCode !== 0) throw new Error(`produce failed with Kafka error code ${part.errorCode}`);
  // Other producers may write the same partition in between, so offsets only have to move past ours.
  if (part.baseOffset < nextBaseOffset) throw new Error(`base offset ${part.baseOffset}, expected at least ${nextBaseOffset}`);
  nextBaseOffset = part.baseOffset + BigInt(recordsPerFrame);
}

const socket: Socket<undefined> = await Bun.connect({
  hostname: "127.0.0.1", port: spec.port,
  socket: {
    data(s, chunk) {
      try {
        for (const frame of splitter.push(chunk)) {
          check(frame);
          answered++;
          const more = sent < totalRequests && performance.now() < stopSendingAt;
          if (more) sendNext(s);
          else if (answered === sent) return finish();
        }
      } catch (e) {
        fail(e as Error);
      }
    },
    drain: (s) => writeQueued(s, pending),
    close: () => { if (answered < sent) fail(new Error(`connection closed with ${sent - answered} requests unanswered`)); },
  },
});
socket.setNoDelay(true);

await readyAndWait();
const c0 = process.cpuUsage();
const t0 = performance.now();
stopSendingAt = t0 + (spec.durationMsMax ?? Infinity);
while (sent < Math.min(IN_FLIGHT, totalRequests)) sendNext(socket);
await deadline(done, spec.timeoutMs, "kafka wire produce");
const elapsedS = (performance.now() - t0) / 1000;
const records = answered * recordsPerFrame;
socket.end();
console.log(JSON.stringify({ records, bytes: records * spec.size, elapsedS, cpuS: cpuSince(c0) }));
process.exit(0);
