/**
 * Pre-encoded Kafka Produce requests for the wire-level generators: the bytes a Kafka producer puts on
 * the socket for `size`-byte records in batches of about 1 MB (librdkafka's batch.size), built once so the
 * timed section spends no client CPU on encoding. The same frames drive StreamBus (kafka-wire-gen.ts) and
 * the trivial append server / TCP blast (blast-gen.ts), so both sides receive the same bytes.
 */
import { encodeRequest } from "../../../protocol/envelope.ts";
import { encodeRecordBatch } from "../../../protocol/record-batch.ts";
import { seededRandom } from "../../../protocol/seeded-random.ts";

/** Produce v8: what librdkafka 2.0 sends to a broker that offers it (non-flexible, one record batch per partition). */
export const PRODUCE_API_KEY = 0;
export const PRODUCE_API_VERSION = 8;
/** Target record-batch size, as librdkafka's batch.size default (kept under the broker's 1 MiB frame limit). */
export const BATCH_TARGET_BYTES = 1_000_000;
/** Per-record framing inside a batch for a keyless record with no headers (varints, attributes, deltas), upper bound. */
const RECORD_OVERHEAD_BYTES = 12;
/** The correlation id sits after length(4), apiKey(2) and apiVersion(2). */
const CORRELATION_ID_OFFSET = 8;

export interface ProduceFrameSet {
  /** Distinct request frames (length prefix included); callers rotate through them. */
  frames: Uint8Array[];
  recordsPerFrame: number;
}

/** How many `size`-byte records fill one batch of about {@link BATCH_TARGET_BYTES}. */
export function recordsPerBatch(size: number): number {
  return Math.max(1, Math.floor(BATCH_TARGET_BYTES / (size + RECORD_OVERHEAD_BYTES)));
}

/**
 * Builds `distinct` Produce requests for `topic` partition 0, each one batch of `recordsPerBatch(size)`
 * records with pseudo-random values (a fixed seed, so every run sends the same bytes).
 *
 * @example
 * const { frames, recordsPerFrame } = produceFrames({ topic: "t", size: 1024, acks: 1, distinct: 4 });
 */
export function produceFrames(opts: { topic: string; size: number; acks: number; distinct: number; timeoutMs?: number }): ProduceFrameSet {
  const perFrame = recordsPerBatch(opts.size);
  const random = seededRandom(0x5eed);
  const frames: Uint8Array[] = [];
  for (let f = 0; f < opts.distinct; f++) {
    const records = Array.from({ length: perFrame }, (_, i) => {
      const value = new Uint8Array(opts.size);
      for (let j = 0; j < value.length; j++) value[j] = (random() * 256) | 0;
      return { key: null, value, timestamp: 1_700_000_000_000n + BigInt(f * perFrame + i) };
    });
    const batch = encodeRecordBatch({ compression: "none", records });
    frames.push(encodeRequest({ correlationId: 0, clientId: "wire-gen" }, PRODUCE_API_KEY, PRODUCE_API_VERSION, {
      transactionalId: null, acks: opts.acks, timeoutMs: opts.timeoutMs ?? 30_000,
      topicData: [{ name: opts.topic, partitionData: [{ index: 0, records: batch }] }],
    }));
  }
  return { frames, recordsPerFrame: perFrame };
}

/** Sets a frame's correlation id in place (the frame must not be in a socket's send queue). */
export function setCorrelationId(frame: Uint8Array, correlationId: number): void {
  new DataView(frame.buffer, frame.byteOffset, frame.byteLength).setInt32(CORRELATION_ID_OFFSET, correlationId);
}
