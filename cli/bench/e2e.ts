/**
 * `streambus bench e2e`: produce at a fixed rate and consume at the same time; latency is from just
 * before `send` to the moment the consumer has the record. The send time travels in the record's first
 * 8 bytes (a float64 of this process's monotonic clock), so both ends read the same clock.
 */
import type { CompressionName } from "../../protocol/compression.ts";
import { StreamBusError } from "../../protocol/errors.ts";
import { withDeadline, withSession } from "../connect.ts";
import { printResult } from "../output.ts";
import { startTicker } from "../progress.ts";
import type { VerbSpec } from "../spec.ts";
import { acksOf, benchFlags, benchTable, ensureTopic, percentiles, throughput, type BenchResult } from "./common.ts";

/** How long to wait for the last records after the producer is done. */
const DRAIN_GRACE_MS = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export const benchE2eVerb: VerbSpec = {
  name: "e2e", brief: "End-to-end latency (produce to consume) at a fixed rate",
  flags: [...benchFlags, { name: "rate", kind: "number", placeholder: "n/s", brief: "Records per second", default: "1000" }],
  examples: ["streambus bench e2e --rate 5000 -n 50000", "streambus bench e2e --rate 1000 --acks 1 -o json"],
  async run(ctx, flags) {
    const rate = flags.rate as number;
    if (!(rate > 0)) throw new StreamBusError("USAGE", `--rate must be positive, got ${rate}`);
    const records = (flags.records as number | undefined) ?? rate * 10;
    const recordBytes = Math.max(8, flags.recordBytes as number);
    const topic = String(flags.topic);
    const result = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      const partitions = await ensureTopic(bus, topic, flags.partitions as number, timeoutMs);
      const consumer = bus.consumer({ maxWaitMs: 100 });
      const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
      consumer.assign(tps);
      for (const tp of tps) consumer.seek(tp, "latest");
      await withDeadline(consumer.poll(), timeoutMs, "positioning the consumer"); // resolves the seeks before producing starts
      const producer = bus.producer({ acks: acksOf(flags), compression: flags.compression as CompressionName, lingerMs: (flags.lingerMs as number | undefined) ?? 0 });

      const latencies = new Float64Array(records);
      let received = 0;
      let sent = 0;
      let failed = 0;
      let producing = true;
      const started = performance.now();
      const ticker = startTicker(ctx, () => `bench e2e ${Math.floor((received * 100) / records)}%  sent ${sent}  received ${received}`);
      const consuming = (async () => {
        let lastProgress = performance.now();
        while (received < records && (producing || performance.now() - lastProgress < DRAIN_GRACE_MS)) {
          const batch = await consumer.poll();
          const now = performance.now();
          for (const r of batch) {
            if (!r.value || r.value.length < 8 || received >= records) continue;
            const sentAt = new DataView(r.value.buffer, r.value.byteOffset, 8).getFloat64(0, true);
            latencies[received++] = now - sentAt;
          }
          if (batch.length > 0) lastProgress = now;
        }
      })();
      // Pacing: send whatever is due by now, then sleep a millisecond; a late timer catches up in a burst.
      while (sent < records) {
        const due = Math.min(records, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
        for (; sent < due; sent++) {
          const value = new Uint8Array(recordBytes);
          new DataView(value.buffer).setFloat64(0, performance.now(), true);
          producer.send({ topic, value }).catch(() => failed++);
        }
        await sleep(1);
      }
      await producer.flush();
      producing = false;
      await consuming;
      const elapsed = performance.now() - started;
      ticker.stop();
      await consumer.close();
      await producer.close();
      const r: BenchResult = {
        bench: "e2e", topic, records: received, recordBytes, ...throughput(received, received * recordBytes, elapsed),
        acks: String(flags.acks), compression: String(flags.compression), rate, latency: percentiles(latencies, received), failed,
      };
      return r;
    });
    printResult(ctx, flags, result, benchTable);
  },
};
