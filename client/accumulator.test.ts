import { describe, expect, test } from "bun:test";
import { RecordAccumulator, type PendingRecord } from "./accumulator.ts";

function rec(sizeBytes = 100): PendingRecord {
  return { key: null, value: new Uint8Array(sizeBytes - 21), headers: [], timestamp: 0n, sizeBytes, resolve: null, reject: null, delivery: null };
}

describe("RecordAccumulator", () => {
  test("a batch waits lingerMs, then is ready", () => {
    const acc = new RecordAccumulator({ batchBytes: 10_000, lingerMs: 5, deliveryTimeoutMs: 1000 });
    expect(acc.append("t", 0, rec(), 100)).toBe(false);
    acc.append("t", 0, rec(), 102);
    expect(acc.drainReady(104, false)).toEqual([]);
    expect(acc.nextReadyInMs(104)).toBe(1);
    const [b] = acc.drainReady(105, false);
    expect(b!.records.length).toBe(2);
    expect(acc.recordCount).toBe(0);
  });

  test("a full batch is ready at once and the next record opens a new batch", () => {
    const acc = new RecordAccumulator({ batchBytes: 361, lingerMs: 1000, deliveryTimeoutMs: 1000 });
    expect(acc.append("t", 0, rec(), 0)).toBe(false);
    expect(acc.append("t", 0, rec(), 0)).toBe(false);
    expect(acc.append("t", 0, rec(), 0)).toBe(true); // 61 + 300 bytes
    expect(acc.append("t", 0, rec(), 0)).toBe(true); // second batch behind a full one
    const first = acc.drainReady(0, false);
    expect(first.map((b) => b.records.length)).toEqual([3]);
    // Muted: the second batch waits until the first is acknowledged.
    expect(acc.drainReady(0, true)).toEqual([]);
    acc.unmute("t", 0);
    expect(acc.drainReady(0, true).map((b) => b.records.length)).toEqual([1]);
  });

  test("flush drains every partition, one batch each", () => {
    const acc = new RecordAccumulator({ batchBytes: 10_000, lingerMs: 1000, deliveryTimeoutMs: 1000 });
    for (let p = 0; p < 3; p++) acc.append("t", p, rec(), 0);
    expect(acc.drainReady(0, true).map((b) => b.partition).sort()).toEqual([0, 1, 2]);
  });

  test("a retried batch goes back to the head of its partition, before newer batches", () => {
    const acc = new RecordAccumulator({ batchBytes: 10_000, lingerMs: 0, deliveryTimeoutMs: 1000 });
    acc.append("t", 0, rec(), 0);
    const [b] = acc.drainReady(0, false);
    acc.append("t", 0, rec(), 1);
    b!.attemptCount = 1;
    acc.reenqueue(b!);
    acc.unmute("t", 0);
    const [again] = acc.drainReady(1, false);
    expect(again).toBe(b!);
  });
});
