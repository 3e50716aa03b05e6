/**
 * Partitioners: which partition a record goes to when the caller does not say.
 *
 * Keyed records use Kafka's murmur2 (the Java client's `Utils.murmur2` with seed 0x9747b28c, then
 * `toPositive(hash) % numPartitions`), so a key lands on the same partition as with the Java client or
 * librdkafka's `murmur2_random` partitioner: mixed-client deployments keep per-key ordering.
 * Null keys use a sticky partitioner: one partition until its batch is sent, then another, which fills
 * batches faster than round robin (KIP-480).
 */
import { assert } from "../protocol/errors.ts";

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 hash of `data` as a signed 32-bit integer (same result as Java's `Utils.murmur2`).
 *
 * @example
 * murmur2(new TextEncoder().encode("21")); // -973932308
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const fourByteChunks = length >>> 2;
  for (let i = 0; i < fourByteChunks; i++) {
    const at = i * 4;
    // Little-endian, as Java reads the bytes: (b0 & 0xff) + ((b1 & 0xff) << 8) + ...
    let k = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = fourByteChunks * 4;
  // Java's switch on (length & 3) falls through from case 3 to case 1; the ifs below do the same.
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * Kafka's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which differs for negative numbers).
 *
 * @example
 * toPositive(-973932308); // 1173551340
 */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * The partition of a keyed record, as the Java client's default partitioner picks it.
 *
 * @example
 * keyPartition(new TextEncoder().encode("order-17"), 3); // 0, 1 or 2, the same as Java's
 */
export function keyPartition(key: Uint8Array, partitionCount: number): number {
  assert(Number.isInteger(partitionCount) && partitionCount > 0, `partitionCount must be a positive integer, got ${partitionCount}`);
  return toPositive(murmur2(key)) % partitionCount;
}

/** Picks a partition for a record; `partitionCount` comes from the current metadata. */
export type Partitioner = (topic: string, key: Uint8Array | null, partitionCount: number) => number;

/**
 * The default partitioner: murmur2 for keys, sticky for null keys. `random` is injected so tests are
 * deterministic; the sticky choice changes only when the producer calls `onBatchSent(topic)`.
 *
 * @example
 * const p = new DefaultPartitioner();
 * p.partition("orders", null, 3);   // sticky until p.onBatchSent("orders")
 */
export class DefaultPartitioner {
  readonly #sticky = new Map<string, number>();
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** The partition for one record. */
  partition(topic: string, key: Uint8Array | null, partitionCount: number): number {
    if (key !== null) return keyPartition(key, partitionCount);
    const current = this.#sticky.get(topic);
    if (current !== undefined && current < partitionCount) return current;
    const chosen = Math.floor(this.#random() * partitionCount) % partitionCount;
    this.#sticky.set(topic, chosen);
    return chosen;
  }

  /** A batch for `topic` was closed: the next null-key record picks a new partition (another one when possible). */
  onBatchSent(topic: string, partitionCount: number): void {
    const previous = this.#sticky.get(topic);
    if (previous === undefined) return;
    if (partitionCount <= 1) return;
    // Pick among the other partitions so consecutive batches spread out.
    const offset = 1 + Math.floor(this.#random() * (partitionCount - 1));
    this.#sticky.set(topic, (previous + offset) % partitionCount);
  }
}
