/**
 * Seeded generators of records and batches for the RecordBatch codec's tests, fuzzing and benchmark.
 * Test support only: nothing in the product imports this module.
 */
import type { CompressionName } from "./batch-header.ts";
import type { RecordBatchInput, RecordInput } from "./record-batch.ts";

export { seededRandom } from "./seeded-random.ts";

/** An integer in [0, n). */
export function randInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** Bytes that compress somewhat, like real payloads: runs of a small alphabet mixed with noise. */
export function randomBytes(rand: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rand() < 0.7 ? 97 + randInt(rand, 8) : randInt(rand, 256);
  return out;
}

function maybeBytes(rand: () => number, maxBytes: number): Uint8Array | null {
  const r = rand();
  if (r < 0.15) return null;
  if (r < 0.25) return new Uint8Array(0);
  return randomBytes(rand, randInt(rand, maxBytes + 1));
}

/** Random records: null, empty and filled keys and values, 0-3 headers, timestamps around a base. */
export function randomRecords(rand: () => number, count: number, maxValueBytes = 300): RecordInput[] {
  const base = 1_700_000_000_000n + BigInt(randInt(rand, 1_000_000));
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const headers = Array.from({ length: randInt(rand, 4) }, () => ({
      key: `h${randInt(rand, 100)}-é`,
      value: maybeBytes(rand, 20),
    }));
    records.push({ key: maybeBytes(rand, 30), value: maybeBytes(rand, maxValueBytes), headers, timestamp: base + BigInt(randInt(rand, 2000) - 500) });
  }
  return records;
}

/** A random batch input with random header fields. */
export function randomBatchInput(rand: () => number, compression: CompressionName, count: number, maxValueBytes = 300): RecordBatchInput {
  return {
    baseOffset: BigInt(randInt(rand, 1_000_000)),
    partitionLeaderEpoch: randInt(rand, 100),
    compression,
    producerId: rand() < 0.5 ? -1n : BigInt(randInt(rand, 1 << 30)),
    producerEpoch: randInt(rand, 10),
    baseSequence: randInt(rand, 1000),
    transactional: rand() < 0.2,
    records: randomRecords(rand, count, maxValueBytes),
  };
}

const WORDS = ["user", "order", "click", "view", "cart", "price", "amount", "status", "ok", "error", "session",
  "region", "eu-west-1", "us-east-2", "true", "false", "null", "item", "sku", "quantity", "currency", "EUR", "USD"];

/** JSON-like text of exactly `length` bytes: event-shaped payloads that compress the way real ones do. */
export function textBytes(rand: () => number, length: number): Uint8Array {
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const p = `"${WORDS[randInt(rand, WORDS.length)]}":"${WORDS[randInt(rand, WORDS.length)]}-${randInt(rand, 100000)}",`;
    parts.push(p);
    size += p.length;
  }
  return new TextEncoder().encode(parts.join("")).subarray(0, length);
}

/** Fixed-size records for throughput measurements: `valueBytes` of JSON-like text each. */
export function benchRecords(rand: () => number, count: number, valueBytes: number): RecordInput[] {
  return Array.from({ length: count }, (_, i) => ({
    key: new TextEncoder().encode(`key-${i}`),
    value: textBytes(rand, valueBytes),
    timestamp: 1_700_000_000_000n + BigInt(i),
  }));
}
