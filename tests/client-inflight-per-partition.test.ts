/** maxInFlightPerPartition: the accumulator hands out up to N batches of a partition, in order, and mutes it at N. */
import { describe, expect, test } from "bun:test";
import { RecordAccumulator, type PendingRecord } from "../client/accumulator.ts";

function rec(sizeBytes = 100): PendingRecord {
  return { key: null, value: new Uint8Array(sizeBytes - 21), headers: [], timestamp: 0n, sizeBytes, resolve: null, reject: null, delivery: null };
}

/** Appends `count` full batches (one record each) to t/0. */
function fill(acc: RecordAccumulator, count: number): void {
  for (let i = 0; i < count; i++) acc.append("t", 0, rec(200), 0);
}

describe("RecordAccumulator maxInFlightPerPartition", () => {
  test("default 1: one batch per partition until unmute", () => {
    const acc = new RecordAccumulator({ batchBytes: 200, lingerMs: 1000, deliveryTimeoutMs: 1000 });
    fill(acc, 3);
    expect(acc.drainReady(0, false).length).toBe(1);
    expect(acc.drainReady(0, false).length).toBe(0);
    expect(acc.nextReadyInMs(0)).toBeNull();
    acc.unmute("t", 0);
    expect(acc.drainReady(0, false).length).toBe(1);
  });

  test("N in flight: batches come out in order up to N, and each unmute frees one slot", () => {
    const acc = new RecordAccumulator({ batchBytes: 200, lingerMs: 1000, deliveryTimeoutMs: 1000, maxInFlightPerPartition: 3 });
    fill(acc, 5);
    const first = acc.drainReady(0, false);
    expect(first.length).toBe(3);
    expect(acc.drainReady(0, false).length).toBe(0);
    expect(acc.nextReadyInMs(0)).toBeNull();
    acc.unmute("t", 0);
    const next = acc.drainReady(0, false);
    expect(next.length).toBe(1);
    acc.unmute("t", 0);
    acc.unmute("t", 0);
    acc.unmute("t", 0);
    expect(acc.drainReady(0, false).length).toBe(1);
    expect(acc.recordCount).toBe(0);
    // Order: every record was its own batch, handed out first to last.
    const all = [...first, ...next];
    for (let i = 1; i < all.length; i++) expect(all[i]!.records[0]).not.toBe(all[i - 1]!.records[0]);
  });

  test("a lingering (not ready) head stops the partition even with free slots", () => {
    const acc = new RecordAccumulator({ batchBytes: 10_000, lingerMs: 5, deliveryTimeoutMs: 1000, maxInFlightPerPartition: 4 });
    acc.append("t", 0, rec(), 0);
    expect(acc.drainReady(1, false)).toEqual([]);
    expect(acc.nextReadyInMs(1)).toBe(4);
    expect(acc.drainReady(5, false).length).toBe(1);
  });

  test("a retried batch goes back to the head and out again", () => {
    const acc = new RecordAccumulator({ batchBytes: 200, lingerMs: 1000, deliveryTimeoutMs: 1000, maxInFlightPerPartition: 2 });
    fill(acc, 2);
    const [a, b] = acc.drainReady(0, false);
    a!.attemptCount = 1;
    acc.reenqueue(a!);
    acc.unmute("t", 0);
    expect(acc.drainReady(0, false)).toEqual([a!]);
    acc.unmute("t", 0);
    acc.unmute("t", 0);
    expect(b).toBeDefined();
  });

  test("rejects a limit below 1", () => {
    expect(() => new RecordAccumulator({ batchBytes: 200, lingerMs: 1, deliveryTimeoutMs: 1000, maxInFlightPerPartition: 0 })).toThrow();
  });
});

describe("producer with maxInFlightPerPartition against the fake broker", () => {
  test("pipelined batches of one partition arrive in order, one batch per partition per request", async () => {
    const { StreamBus } = await import("../client/index.ts");
    const { startFakeBroker } = await import("./helpers/client-fake-broker.ts");
    const fake = await startFakeBroker();
    const bus = new StreamBus({ brokers: [fake.bootstrap], clientId: "test" });
    try {
      fake.createTopic("pipe", 2);
      // Small batches so many are ready at once and several of each partition go out together.
      const producer = bus.producer({ lingerMs: 1, batchBytes: 1024, maxInFlightPerPartition: 4, maxRequestBytes: 64 * 1024 });
      const value = new Uint8Array(100).fill(7);
      const sends = Array.from({ length: 2000 }, (_, i) => producer.send({ topic: "pipe", partition: i % 2, value: new Uint8Array([...value.subarray(0, 96), i >> 24, (i >> 16) & 255, (i >> 8) & 255, i & 255]) }));
      const metas = await Promise.all(sends);
      for (const p of [0, 1]) {
        const offsets = metas.filter((m) => m.partition === p).map((m) => m.offset);
        expect(offsets).toEqual(Array.from({ length: 1000 }, (_, i) => BigInt(i)));
      }
      const c = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 20 });
      c.assign([{ topic: "pipe", partition: 0 }, { topic: "pipe", partition: 1 }]);
      const got: number[][] = [[], []];
      while (got[0]!.length + got[1]!.length < 2000) {
        for (const r of await c.poll()) {
          const v = r.value!;
          got[r.partition]!.push(((v[96]! << 24) | (v[97]! << 16) | (v[98]! << 8) | v[99]!) >>> 0);
        }
      }
      expect(got[0]).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * i));
      expect(got[1]).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * i + 1));
      await c.close();
      await producer.close();
    } finally {
      await bus.close();
      await fake.close();
    }
  });

  test("rejects a limit below 1", async () => {
    const { StreamBus } = await import("../client/index.ts");
    const bus = new StreamBus({ brokers: ["127.0.0.1:1"] });
    expect(() => bus.producer({ maxInFlightPerPartition: 0 })).toThrow(/maxInFlightPerPartition/);
    await bus.close();
  });
});
