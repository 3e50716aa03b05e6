/** What the bench verbs share: flags, the bench topic, latency percentiles and the results table. */
import type { StreamBus } from "../../client/index.ts";
import { isStreamBusError } from "../../protocol/errors.ts";
import { clientFlags } from "../common-flags.ts";
import { withDeadline } from "../connect.ts";
import type { TableView } from "../output.ts";
import type { FlagSpec, FlagValues } from "../spec.ts";

export const benchFlags: readonly FlagSpec[] = [
  ...clientFlags,
  { name: "topic", kind: "string", short: "t", placeholder: "name", brief: "Topic to use (created if missing)", default: "streambus-bench" },
  { name: "partitions", kind: "number", placeholder: "n", brief: "Partitions when the topic is created", default: "3" },
  { name: "records", kind: "number", short: "n", placeholder: "n", brief: "Number of records" },
  { name: "recordBytes", kind: "number", short: "s", placeholder: "bytes", brief: "Record value size", default: "100" },
  { name: "acks", kind: "enum", values: ["all", "1", "0"], default: "all", brief: "Acknowledgement level" },
  { name: "compression", kind: "enum", short: "z", values: ["none", "gzip", "snappy", "lz4", "zstd"], default: "none", brief: "Compression codec" },
  { name: "lingerMs", kind: "number", placeholder: "ms", brief: "Producer linger (default 5; e2e default 0)" },
  { name: "output", kind: "enum", short: "o", values: ["table", "json", "yaml"], brief: "Result format (table on a TTY, json otherwise)" },
];

/** Creates the bench topic unless it exists. */
export async function ensureTopic(bus: StreamBus, topic: string, partitions: number, timeoutMs: number): Promise<number> {
  const admin = bus.admin({ timeoutMs });
  try {
    const [d] = await withDeadline(admin.describeTopics([topic]), timeoutMs, `looking up "${topic}"`);
    return d!.partitions.length;
  } catch (e) {
    if (!isStreamBusError(e, "UNKNOWN_TOPIC_OR_PARTITION")) throw e;
  }
  await withDeadline(admin.createTopics([{ name: topic, partitions }]), timeoutMs, `creating "${topic}"`);
  return partitions;
}

export function acksOf(flags: FlagValues): 0 | 1 | "all" {
  return flags.acks === "0" ? 0 : flags.acks === "1" ? 1 : "all";
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** Percentiles (nearest rank) of the first `n` samples; sorts them in place. */
export function percentiles(samples: Float64Array, n: number): Latency {
  const s = samples.subarray(0, n).sort();
  const at = (q: number) => (n === 0 ? 0 : round3(s[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!));
  return { p50Ms: at(0.5), p99Ms: at(0.99), p999Ms: at(0.999), maxMs: n === 0 ? 0 : round3(s[n - 1]!) };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export interface BenchResult {
  bench: "produce" | "consume" | "e2e";
  topic: string;
  records: number;
  recordBytes: number;
  seconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  acks?: string;
  compression?: string;
  rate?: number;
  latency?: Latency;
  failed?: number;
}

export function throughput(records: number, bytes: number, ms: number): Pick<BenchResult, "seconds" | "recordsPerSec" | "mbPerSec"> {
  const s = Math.max(ms, 1) / 1000;
  return { seconds: round3(s), recordsPerSec: Math.round(records / s), mbPerSec: Math.round((bytes / 1e6 / s) * 100) / 100 };
}

export function benchTable(r: BenchResult): TableView[] {
  const rows: [string, string | number][] = [
    ["topic", r.topic], ["records", r.records], ["record bytes", r.recordBytes], ["seconds", r.seconds],
    ["records/s", r.recordsPerSec], ["MB/s", r.mbPerSec],
  ];
  if (r.acks) rows.push(["acks", r.acks]);
  if (r.compression) rows.push(["compression", r.compression]);
  if (r.rate !== undefined) rows.push(["target rate/s", r.rate]);
  if (r.latency) rows.push(["latency p50 ms", r.latency.p50Ms], ["latency p99 ms", r.latency.p99Ms], ["latency p99.9 ms", r.latency.p999Ms], ["latency max ms", r.latency.maxMs]);
  if (r.failed) rows.push(["failed", r.failed]);
  return [{ title: `bench ${r.bench}`, head: ["METRIC", "VALUE"], rows }];
}
