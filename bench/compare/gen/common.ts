/** Shared pieces of the Bun load generators: the ready/go handshake, CPU accounting and latency summaries. */
import { percentileSorted } from "../stats.ts";

/** Prints "ready" and resolves when the harness writes a line to stdin (see gen/runner.ts). */
export async function readyAndWait(): Promise<void> {
  process.stdout.write("ready\n");
  for await (const _line of console) return;
}

/** CPU seconds (user+system, all threads) this process used since `start` (from `process.cpuUsage()`). */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

/** p50/p99/p99.9/max in ms from latency samples in ms (sorts in place). */
export function latencySummary(samplesMs: Float64Array): { p50Ms: number; p99Ms: number; p999Ms: number; maxMs: number } {
  samplesMs.sort();
  return {
    p50Ms: percentileSorted(samplesMs, 50), p99Ms: percentileSorted(samplesMs, 99),
    p999Ms: percentileSorted(samplesMs, 99.9), maxMs: samplesMs.length ? samplesMs[samplesMs.length - 1]! : NaN,
  };
}

/** Rejects after `ms` so no generator loop can run unbounded. */
export function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)));
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** A record value of `size` bytes whose first 8 bytes hold `stampMs` (float64, little-endian). */
export function stampInto(value: Uint8Array, stampMs: number): void {
  new DataView(value.buffer, value.byteOffset, 8).setFloat64(0, stampMs, true);
}

/** Reads the float64 stamp back from a value's first 8 bytes. */
export function readStamp(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getFloat64(0, true);
}

/**
 * Writes queued frames to a socket in order until the kernel takes less than offered; the rest stays at
 * the head of `pending` for the next call (from the socket's drain handler).
 */
export function writeQueued(socket: { write(bytes: Uint8Array): number }, pending: Uint8Array[]): void {
  while (pending.length > 0) {
    const head = pending[0]!;
    const n = socket.write(head);
    if (n < head.byteLength) {
      pending[0] = head.subarray(Math.max(0, n));
      return;
    }
    pending.shift();
  }
}

/** Fixed-rate pacer: how many records should have been sent by now, ticking every ~1 ms. */
export function dueCount(t0Ms: number, ratePerSec: number, total: number): number {
  return Math.min(total, Math.floor(((performance.now() - t0Ms) * ratePerSec) / 1000) + 1);
}
