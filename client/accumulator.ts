/**
 * The producer's record accumulator: per-partition queues of batches being filled, and the rule for
 * when a batch is ready to send (full, lingered `lingerMs`, or a flush asked for it). Synchronous and
 * clock-free: the caller passes `nowMs`, so batching is tested without timers.
 *
 * A partition with `maxInFlightPerPartition` batches in flight (default 1) is "muted": its next batch waits.
 * With the default, batches of one partition reach the broker in order even when a send is retried (Kafka's
 * guarantee with one in-flight batch per partition, without needing idempotence). A higher limit pipelines
 * a partition's batches (throughput when every append waits for an fsync) at the cost of that guarantee: a
 * retried batch may land after a later one, as with Kafka's max.in.flight > 1 without idempotence.
 */
import { assert } from "../protocol/errors.ts";
import type { RecordHeader } from "../protocol/record-batch.ts";
import type { StreamBusError } from "../protocol/errors.ts";
import type { RecordMetadata } from "./types.ts";

/** Called once per record given to `Producer.produce`: with the error, or with where the record landed. */
export type DeliveryCallback = (error: StreamBusError | null, metadata: RecordMetadata | null) => void;

/**
 * One serialized record waiting in a batch, and how to tell its sender the outcome: a promise's
 * resolve/reject pair (`send`), a delivery callback (`produce`), or neither (`produce` without a callback:
 * failures are counted by the producer and reported by its next `flush`).
 */
export interface PendingRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  timestamp: bigint;
  sizeBytes: number;
  resolve: ((m: RecordMetadata) => void) | null;
  reject: ((e: StreamBusError) => void) | null;
  delivery: DeliveryCallback | null;
}

/** Reports success to whoever waits for `r`; the metadata object is built only when someone does. */
export function settleDelivered(r: PendingRecord, topic: string, partition: number, offset: bigint): void {
  if (r.resolve !== null) r.resolve({ topic, partition, offset });
  else if (r.delivery !== null) r.delivery(null, { topic, partition, offset });
}

/** Reports failure; returns false when nobody waits for this record (the caller counts it as undelivered). */
export function settleFailed(r: PendingRecord, error: StreamBusError): boolean {
  if (r.reject !== null) r.reject(error);
  else if (r.delivery !== null) r.delivery(error, null);
  else return false;
  return true;
}

/** Records for one partition that travel as one RecordBatch. */
export class ProducerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: PendingRecord[] = [];
  readonly createdAtMs: number;
  /** Records fail with TIMEOUT if not acknowledged by then. */
  readonly deadlineMs: number;
  sizeBytes = BATCH_OVERHEAD_BYTES;
  attemptCount = 0;
  /** The encoded RecordBatch, kept so a retry sends the same bytes. */
  encoded: Uint8Array | null = null;

  constructor(topic: string, partition: number, createdAtMs: number, deliveryTimeoutMs: number) {
    this.topic = topic;
    this.partition = partition;
    this.createdAtMs = createdAtMs;
    this.deadlineMs = createdAtMs + deliveryTimeoutMs;
  }
}

/** RecordBatch v2 header bytes, counted against `batchBytes`. */
export const BATCH_OVERHEAD_BYTES = 61;
/** Upper bound of a record's framing (length, attributes, deltas, lengths) beyond its key, value and headers. */
const RECORD_OVERHEAD_BYTES = 21;

/** Bytes a record takes in a batch, rounded up (compression ignored: the estimate is for buffering). */
export function estimateRecordBytes(key: Uint8Array | null, value: Uint8Array | null, headers: readonly RecordHeader[]): number {
  let n = RECORD_OVERHEAD_BYTES + (key?.byteLength ?? 0) + (value?.byteLength ?? 0);
  for (const h of headers) n += 10 + h.key.length * 3 + (h.value?.byteLength ?? 0);
  return n;
}

export interface AccumulatorOptions {
  /** A batch is ready once it holds this many bytes (estimated, uncompressed). */
  batchBytes: number;
  /** A non-full batch is ready this long after its first record. */
  lingerMs: number;
  deliveryTimeoutMs: number;
  /** Batches of one partition allowed in flight at once. Default 1 (order kept across retries). */
  maxInFlightPerPartition?: number;
}

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * @example
 * const acc = new RecordAccumulator({ batchBytes: 1 << 20, lingerMs: 5, deliveryTimeoutMs: 120_000 });
 * acc.append("t", 0, record, now);
 * const batches = acc.drainReady(now + 5, false);
 */
export class RecordAccumulator {
  readonly #opts: AccumulatorOptions;
  readonly #queues = new Map<string, ProducerBatch[]>();
  /** Batches in flight per partition key; a partition at the limit is muted. */
  readonly #inFlight = new Map<string, number>();
  readonly #maxInFlight: number;
  #recordCount = 0;
  /** The last append's partition key: consecutive records mostly go to one partition, so the key string is reused. */
  #lastTopic = "";
  #lastPartition = -1;
  #lastKey = "";

  constructor(opts: AccumulatorOptions) {
    this.#maxInFlight = opts.maxInFlightPerPartition ?? 1;
    assert(opts.batchBytes > BATCH_OVERHEAD_BYTES && opts.lingerMs >= 0 && opts.deliveryTimeoutMs > 0 && Number.isInteger(this.#maxInFlight) && this.#maxInFlight >= 1, "accumulator limits are sane");
    this.#opts = opts;
  }

  /** Records waiting in batches that were not drained yet. */
  get recordCount(): number {
    return this.#recordCount;
  }

  /** Adds a record; returns true when its partition now has a full batch (send without waiting for linger). */
  append(topic: string, partition: number, rec: PendingRecord, nowMs: number): boolean {
    if (topic !== this.#lastTopic || partition !== this.#lastPartition) {
      this.#lastTopic = topic;
      this.#lastPartition = partition;
      this.#lastKey = tpKey(topic, partition);
    }
    const key = this.#lastKey;
    let queue = this.#queues.get(key);
    if (queue === undefined) this.#queues.set(key, (queue = []));
    let last = queue[queue.length - 1];
    // A record larger than batchBytes still gets a batch of its own (the broker decides if it is too large).
    if (last === undefined || (last.records.length > 0 && last.sizeBytes + rec.sizeBytes > this.#opts.batchBytes)) {
      last = new ProducerBatch(topic, partition, nowMs, this.#opts.deliveryTimeoutMs);
      queue.push(last);
    }
    last.records.push(rec);
    last.sizeBytes += rec.sizeBytes;
    this.#recordCount++;
    return queue.length > 1 || last.sizeBytes >= this.#opts.batchBytes;
  }

  /**
   * Takes the ready batches, in order, up to `maxInFlightPerPartition` in flight per partition, and counts
   * them as in flight (muting a partition at the limit).
   */
  drainReady(nowMs: number, flushing: boolean): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const [key, queue] of this.#queues) {
      let inFlight = this.#inFlight.get(key) ?? 0;
      const before = inFlight;
      while (inFlight < this.#maxInFlight) {
        const head = queue[0];
        if (head === undefined) break;
        const ready = flushing || queue.length > 1 || head.sizeBytes >= this.#opts.batchBytes || nowMs - head.createdAtMs >= this.#opts.lingerMs
          || head.attemptCount > 0;
        if (!ready) break;
        queue.shift();
        inFlight++;
        this.#recordCount -= head.records.length;
        out.push(head);
      }
      if (queue.length === 0) this.#queues.delete(key);
      if (inFlight !== before) this.#inFlight.set(key, inFlight);
    }
    return out;
  }

  /** Puts a batch back at the head of its partition for a retry; it stays counted in flight until `unmute`. */
  reenqueue(batch: ProducerBatch): void {
    const key = tpKey(batch.topic, batch.partition);
    let queue = this.#queues.get(key);
    if (queue === undefined) this.#queues.set(key, (queue = []));
    queue.unshift(batch);
    this.#recordCount += batch.records.length;
  }

  /** One of the partition's in-flight batches finished (or was put back): its next batch may go. */
  unmute(topic: string, partition: number): void {
    const key = tpKey(topic, partition);
    const n = this.#inFlight.get(key) ?? 0;
    if (n <= 1) this.#inFlight.delete(key);
    else this.#inFlight.set(key, n - 1);
  }

  /** Ms until the oldest unmuted batch lingers enough, or null when nothing is waiting. */
  nextReadyInMs(nowMs: number): number | null {
    let best: number | null = null;
    for (const [key, queue] of this.#queues) {
      if ((this.#inFlight.get(key) ?? 0) >= this.#maxInFlight || queue.length === 0) continue;
      const waitMs = Math.max(0, queue[0]!.createdAtMs + this.#opts.lingerMs - nowMs);
      best = best === null ? waitMs : Math.min(best, waitMs);
    }
    return best;
  }

  /** Removes and returns every batch (on close or fatal error). */
  takeAll(): ProducerBatch[] {
    const out = [...this.#queues.values()].flat();
    this.#queues.clear();
    this.#recordCount = 0;
    return out;
  }
}
