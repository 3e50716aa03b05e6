/** `streambus bench consume`: reads the topic from the beginning; throughput until N records or the end. */
import { withDeadline, withSession } from "../connect.ts";
import { printResult } from "../output.ts";
import { startTicker } from "../progress.ts";
import type { VerbSpec } from "../spec.ts";
import { benchFlags, benchTable, ensureTopic, throughput, type BenchResult } from "./common.ts";

export const benchConsumeVerb: VerbSpec = {
  name: "consume", brief: "Consume throughput (from the beginning of the topic)",
  description: "Reads the bench topic from the earliest offset until --records records or the end of every partition (as of the start). Run bench produce first.",
  flags: benchFlags,
  examples: ["streambus bench produce -n 1000000 && streambus bench consume"],
  async run(ctx, flags) {
    const topic = String(flags.topic);
    const result = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      await ensureTopic(bus, topic, flags.partitions as number, timeoutMs);
      const [d] = await withDeadline(bus.admin({ timeoutMs }).describeTopics([topic]), timeoutMs, `describing "${topic}"`);
      const available = d!.partitions.reduce((n, p) => n + Number(p.latestOffset - p.earliestOffset), 0);
      const target = Math.min((flags.records as number | undefined) ?? available, available);
      const consumer = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: 100 });
      consumer.assign(d!.partitions.map((p) => ({ topic, partition: p.partition })));
      let records = 0;
      let bytes = 0;
      const started = performance.now();
      const ticker = startTicker(ctx, () => `bench consume ${target ? Math.floor((records * 100) / target) : 100}%  ${Math.round(records / ((performance.now() - started) / 1000))} rec/s`);
      while (records < target) {
        for (const r of await consumer.poll()) {
          records++;
          bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
        }
      }
      const elapsed = performance.now() - started;
      ticker.stop();
      await consumer.close();
      const r: BenchResult = { bench: "consume", topic, records, recordBytes: records ? Math.round(bytes / records) : 0, ...throughput(records, bytes, elapsed) };
      return r;
    });
    printResult(ctx, flags, result, benchTable);
  },
};
