/** `streambus bench produce`: as fast as the producer goes; throughput and send-to-ack latency. */
import type { CompressionName } from "../../protocol/compression.ts";
import { StreamBusError } from "../../protocol/errors.ts";
import { withSession } from "../connect.ts";
import { printResult } from "../output.ts";
import { startTicker } from "../progress.ts";
import type { VerbSpec } from "../spec.ts";
import { acksOf, benchFlags, benchTable, ensureTopic, percentiles, throughput, type BenchResult } from "./common.ts";

/** Unacknowledged bytes allowed in flight (keeps memory flat at any record count). */
const WINDOW_BYTES = 4 * 1024 * 1024;

export const benchProduceVerb: VerbSpec = {
  name: "produce", brief: "Produce throughput and send-to-acknowledgement latency",
  flags: benchFlags,
  examples: ["streambus bench produce -n 1000000 -s 100", "streambus bench produce -n 200000 -s 1024 --acks 1 -z lz4 -o json"],
  async run(ctx, flags) {
    const records = (flags.records as number | undefined) ?? 500_000;
    const recordBytes = flags.recordBytes as number;
    const topic = String(flags.topic);
    const result = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      await ensureTopic(bus, topic, flags.partitions as number, timeoutMs);
      const producer = bus.producer({ acks: acksOf(flags), compression: flags.compression as CompressionName, lingerMs: (flags.lingerMs as number | undefined) ?? 5 });
      const value = new Uint8Array(recordBytes).fill(0x61);
      const latencies = new Float64Array(records);
      let acked = 0;
      let failed = 0;
      let firstError: unknown = null;
      let inflightBytes = 0;
      let wake: (() => void) | null = null;
      const started = performance.now();
      const ticker = startTicker(ctx, () => `bench produce ${Math.floor((acked * 100) / records)}%  ${Math.round(acked / ((performance.now() - started) / 1000))} rec/s`);
      const done = () => {
        inflightBytes -= recordBytes;
        if (wake && inflightBytes < WINDOW_BYTES / 2) {
          const w = wake;
          wake = null;
          w();
        }
      };
      for (let i = 0; i < records; i++) {
        const t0 = performance.now();
        inflightBytes += recordBytes;
        producer.send({ topic, value }).then(
          () => {
            latencies[acked++] = performance.now() - t0;
            done();
          },
          (e: unknown) => {
            failed++;
            firstError ??= e;
            done();
          },
        );
        if (inflightBytes >= WINDOW_BYTES) await new Promise<void>((r) => (wake = r));
      }
      await producer.flush();
      const elapsed = performance.now() - started;
      ticker.stop();
      await producer.close();
      if (failed === records) throw firstError ?? new StreamBusError("UNKNOWN_SERVER_ERROR", "every record failed");
      const r: BenchResult = {
        bench: "produce", topic, records: acked, recordBytes, ...throughput(acked, acked * recordBytes, elapsed),
        acks: String(flags.acks), compression: String(flags.compression), latency: percentiles(latencies, acked), failed,
      };
      return r;
    });
    printResult(ctx, flags, result, benchTable);
  },
};
