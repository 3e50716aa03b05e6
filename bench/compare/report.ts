/**
 * Turns the rounds' raw figures into the summary: medians with min-max, the headline ratios, the console
 * table, compare.json, compare.md and one SVG chart per workload.
 */
import Table from "cli-table3";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { barChartSvg, fmt, type Bar } from "./chart.ts";
import type { CompareConfig } from "./config.ts";
import type { MachineLimits } from "./limits.ts";
import type { SystemDef, SystemId } from "./peers/types.ts";
import type { Measurement, RoundResult } from "./round.ts";
import { round, spread, type Spread } from "./stats.ts";

/** A client process at or above this CPU share is treated as having saturated its core. */
export const CLIENT_SATURATED_CORES = 0.9;

/** Per system and workload: medians and ranges over rounds. */
export interface Summary {
  recordsPerSec: Spread;
  MBps: Spread;
  p50Ms?: Spread;
  p99Ms?: Spread;
  p999Ms?: Spread;
  clientCpuCores: number;
  clientMaxProcessCores: number;
  clientSaturated: boolean;
  serverCpuCores: number;
  peakRssMiB: number;
}

type Raw = Partial<Record<SystemId, RoundResult[]>>;

function rounded(s: Spread): Spread {
  return { median: round(s.median), min: round(s.min), max: round(s.max), rounds: s.rounds.map((v) => round(v)) };
}

function summarize(ms: Measurement[]): Summary {
  const pick = (f: (m: Measurement) => number | undefined) => rounded(spread(ms.map(f).filter((v): v is number => typeof v === "number")));
  const s: Summary = {
    recordsPerSec: pick((m) => m.recordsPerSec), MBps: pick((m) => m.MBps),
    clientCpuCores: round(spread(ms.map((m) => m.clientCpuCores)).median, 2),
    clientMaxProcessCores: round(Math.max(...ms.map((m) => m.clientMaxProcessCores)), 2),
    clientSaturated: ms.some((m) => m.clientMaxProcessCores >= CLIENT_SATURATED_CORES),
    serverCpuCores: round(spread(ms.map((m) => m.serverCpuCores)).median, 2),
    peakRssMiB: round(Math.max(...ms.map((m) => m.peakRssMiB)), 1),
  };
  if (ms[0]?.p99Ms !== undefined) Object.assign(s, { p50Ms: pick((m) => m.p50Ms), p99Ms: pick((m) => m.p99Ms), p999Ms: pick((m) => m.p999Ms) });
  return s;
}

/** results[workloadKey][systemId] */
export function summarizeAll(raw: Raw): Record<string, Partial<Record<SystemId, Summary>>> {
  const out: Record<string, Partial<Record<SystemId, Summary>>> = {};
  for (const [id, rounds] of Object.entries(raw) as [SystemId, RoundResult[]][]) {
    const keys = new Set(rounds.flatMap((r) => Object.keys(r.workloads)));
    for (const key of keys) {
      (out[key] ??= {})[id] = summarize(rounds.map((r) => r.workloads[key]).filter((m): m is Measurement => m !== undefined));
    }
  }
  return out;
}

/** StreamBus / other, rounded; NaN (null in JSON) when either side is missing. */
function ratio(results: ReturnType<typeof summarizeAll>, key: string, a: SystemId, b: SystemId, field: "recordsPerSec" | "MBps" = "recordsPerSec"): number {
  const x = results[key]?.[a]?.[field].median ?? NaN;
  const y = results[key]?.[b]?.[field].median ?? NaN;
  return round(x / y);
}

/** The headline ratios (StreamBus figure / the other's; durable unless the name says relaxed). */
export function headlineRatios(r: ReturnType<typeof summarizeAll>) {
  return {
    produce1KiBVsNats: ratio(r, "produce-1KiB-x1", "streambusDurable", "nats"),
    produce1KiBVsRedis: ratio(r, "produce-1KiB-x1", "streambusDurable", "redisAlways"),
    produce100BVsNats: ratio(r, "produce-100B-x1", "streambusDurable", "nats"),
    produce100BVsRedis: ratio(r, "produce-100B-x1", "streambusDurable", "redisAlways"),
    consume1KiBVsNats: ratio(r, "consume-1KiB", "streambusDurable", "nats"),
    consume1KiBVsRedis: ratio(r, "consume-1KiB", "streambusDurable", "redisAlways"),
    // The broker against the machine's ceiling on equal bytes: both fed pre-encoded Produce requests by a
    // wire-level generator, since librdkafka's Python producer saturates its core below the target.
    relaxedProduce1KiBVsAppendServer: ratio(r, "produce-1KiB-x1", "streambusRelaxedWire", "appendServer", "MBps"),
    // Beyond the required keys: the same pairing with librdkafka as the client, the relaxed and four-producer pairings.
    relaxedProduce1KiBVsAppendServerLibrdkafka: ratio(r, "produce-1KiB-x1", "streambusRelaxed", "appendServer", "MBps"),
    relaxedProduce1KiBVsNats: ratio(r, "produce-1KiB-x1", "streambusRelaxed", "nats"),
    relaxedProduce1KiBVsRedis: ratio(r, "produce-1KiB-x1", "streambusRelaxed", "redisEverysec"),
    relaxedProduce100BVsNats: ratio(r, "produce-100B-x1", "streambusRelaxed", "nats"),
    relaxedProduce100BVsRedis: ratio(r, "produce-100B-x1", "streambusRelaxed", "redisEverysec"),
    produce1KiBx4VsNats: ratio(r, "produce-1KiB-x4", "streambusDurable", "nats"),
    produce1KiBx4VsRedis: ratio(r, "produce-1KiB-x4", "streambusDurable", "redisAlways"),
    relaxedProduce1KiBVsTcpBlast: ratio(r, "produce-1KiB-x1", "streambusRelaxedWire", "tcpBlast", "MBps"),
    relaxedProduce100BVsAppendServer: ratio(r, "produce-100B-x1", "streambusRelaxedWire", "appendServer", "MBps"),
  };
}

/**
 * Secondary ratios for the StreamBus systems driven by our own SDK (gen/sdk-gen.ts), kept apart from the
 * headline ratios, which stay librdkafka-driven (but for the append-server pairing, on equal bytes). `sdkVsLibrdkafka*` compare the two clients on the same
 * broker configuration (SDK figure / librdkafka figure).
 */
export function sdkRatios(r: ReturnType<typeof summarizeAll>) {
  return {
    sdkProduce1KiBVsNats: ratio(r, "produce-1KiB-x1", "streambusDurableSdk", "nats"),
    sdkProduce1KiBVsRedis: ratio(r, "produce-1KiB-x1", "streambusDurableSdk", "redisAlways"),
    sdkProduce100BVsNats: ratio(r, "produce-100B-x1", "streambusDurableSdk", "nats"),
    sdkProduce100BVsRedis: ratio(r, "produce-100B-x1", "streambusDurableSdk", "redisAlways"),
    sdkConsume1KiBVsNats: ratio(r, "consume-1KiB", "streambusDurableSdk", "nats"),
    sdkConsume1KiBVsRedis: ratio(r, "consume-1KiB", "streambusDurableSdk", "redisAlways"),
    sdkRelaxedProduce1KiBVsNats: ratio(r, "produce-1KiB-x1", "streambusRelaxedSdk", "nats"),
    sdkRelaxedProduce1KiBVsRedis: ratio(r, "produce-1KiB-x1", "streambusRelaxedSdk", "redisEverysec"),
    sdkRelaxedProduce1KiBVsAppendServer: ratio(r, "produce-1KiB-x1", "streambusRelaxedSdk", "appendServer", "MBps"),
    sdkVsLibrdkafkaProduce1KiB: ratio(r, "produce-1KiB-x1", "streambusDurableSdk", "streambusDurable"),
    sdkVsLibrdkafkaProduce100B: ratio(r, "produce-100B-x1", "streambusDurableSdk", "streambusDurable"),
    sdkVsLibrdkafkaProduce1KiBx4: ratio(r, "produce-1KiB-x4", "streambusDurableSdk", "streambusDurable"),
    sdkVsLibrdkafkaConsume1KiB: ratio(r, "consume-1KiB", "streambusDurableSdk", "streambusDurable"),
    sdkVsLibrdkafkaRelaxedProduce1KiB: ratio(r, "produce-1KiB-x1", "streambusRelaxedSdk", "streambusRelaxed"),
    sdkVsLibrdkafkaRelaxedProduce100B: ratio(r, "produce-100B-x1", "streambusRelaxedSdk", "streambusRelaxed"),
  };
}

const SDK_NOTE = "Rows labelled (SDK) drive the same two StreamBus configurations with StreamBus's own TypeScript SDK on Bun (bench/compare/gen/sdk-gen.ts) instead of librdkafka; the headline ratios use the librdkafka rows (relaxedProduce1KiBVsAppendServer the wire producer's), and `sdk.ratios` in compare.json holds the SDK's.";

function p99At(r: ReturnType<typeof summarizeAll>, key: string, id: SystemId): number {
  return r[key]?.[id]?.p99Ms?.median ?? NaN;
}

/** Everything compare.json holds. */
export function buildReport(cfg: CompareConfig, defs: SystemDef[], raw: Raw, machine: MachineLimits[], meta: { notes: string[] } & Record<string, unknown>) {
  const results = summarizeAll(raw);
  const latency5k = "latency-5k";
  const sdkRan = defs.some((d) => d.id === "streambusDurableSdk" || d.id === "streambusRelaxedSdk");
  return {
    bench: "compare",
    at: new Date().toISOString(),
    mode: cfg.mode,
    rounds: cfg.roundCount,
    ...meta,
    notes: sdkRan ? [...meta.notes, SDK_NOTE] : meta.notes,
    systems: Object.fromEntries(defs.map((d) => [d.id, { label: d.label, client: d.client, durability: d.durability }])),
    ratios: headlineRatios(results),
    p99LatencyMsAt5k: {
      streambusRelaxed: p99At(results, latency5k, "streambusRelaxed"),
      streambusDurable: p99At(results, latency5k, "streambusDurable"),
      nats: p99At(results, latency5k, "nats"),
      redisEverysec: p99At(results, latency5k, "redisEverysec"),
      redisAlways: p99At(results, latency5k, "redisAlways"),
    },
    /** Present when the SDK-driven systems ran (peers/sdk-hook.ts); secondary to `ratios`. */
    sdk: sdkRan ? {
      ratios: sdkRatios(results),
      p99LatencyMsAt5k: {
        streambusRelaxedSdk: p99At(results, latency5k, "streambusRelaxedSdk"),
        streambusDurableSdk: p99At(results, latency5k, "streambusDurableSdk"),
      },
    } : undefined,
    coldStartMs: Object.fromEntries(Object.entries(raw).filter(([, rs]) => rs.some((r) => Number.isFinite(r.coldStartMs)))
      .map(([id, rs]) => [id, rounded(spread(rs.map((r) => r.coldStartMs)))])),
    limits: {
      seqWriteMBps: rounded(spread(machine.map((d) => d.seqWriteMBps))),
      seqWriteFdatasyncPerMiBMBps: rounded(spread(machine.map((d) => d.seqWriteFdatasyncMBps))),
      fdatasyncPerSec: rounded(spread(machine.map((d) => d.fdatasyncPerSec))),
      cpuStallsPerSec: rounded(spread(machine.map((d) => d.cpuStallsPerSec))),
      cpuStallLostPercent: rounded(spread(machine.map((d) => d.cpuStallLostPercent))),
      cpuStallMaxMs: rounded(spread(machine.map((d) => d.cpuStallMaxMs))),
    },
    results,
    config: cfg,
  };
}

export type Report = ReturnType<typeof buildReport>;

/** "median [min-max]" when there were several rounds, else the one figure. */
function range(s: Spread | undefined): string {
  if (!s || !Number.isFinite(s.median)) return "";
  return s.rounds.length > 1 ? `${fmt(s.median)} [${fmt(s.min)}-${fmt(s.max)}]` : fmt(s.median);
}

/** Console and markdown rows: one per workload and system. */
function rows(report: Report): string[][] {
  const out: string[][] = [];
  for (const [key, bySystem] of Object.entries(report.results)) {
    for (const [id, s] of Object.entries(bySystem) as [SystemId, Summary][]) {
      const latency = s.p99Ms !== undefined;
      out.push([
        key, report.systems[id]?.label ?? id,
        latency ? "" : range(s.recordsPerSec), latency ? "" : range(s.MBps),
        latency ? `${fmt(s.p50Ms!.median)} / ${fmt(s.p99Ms!.median)} / ${fmt(s.p999Ms!.median)}` : "",
        `${fmt(s.clientCpuCores)}${s.clientSaturated ? " SAT" : ""}`, fmt(s.serverCpuCores), fmt(s.peakRssMiB),
      ]);
    }
  }
  return out;
}

const HEAD = ["workload", "system", "records/s median [min-max]", "MB/s", "p50 / p99 / p99.9 ms", "client cores", "server cores", "peak RSS MiB"];

/** The console table. */
export function consoleTable(report: Report): string {
  const table = new Table({ head: HEAD, style: process.stdout.isTTY ? undefined : { head: [], border: [] } });
  for (const r of rows(report)) table.push(r);
  return table.toString();
}

function tone(id: SystemId): Bar["tone"] {
  return id.startsWith("streambus") ? "streambus" : id === "appendServer" || id === "tcpBlast" ? "limit" : "peer";
}

/** The markdown section of the secondary SDK-driven ratios (none when the SDK systems did not run). */
function sdkSection(report: Report): string[] {
  if (!report.sdk) return [];
  return [
    "## StreamBus via its own SDK (secondary ratios: SDK-driven StreamBus / other)",
    "",
    "| ratio | value |",
    "|---|---|",
    ...Object.entries(report.sdk.ratios).map(([k, v]) => `| ${k} | ${fmt(v)} |`),
    "",
    "p99 latency at 5,000 records/s via the SDK (ms): " + Object.entries(report.sdk.p99LatencyMsAt5k).map(([k, v]) => `${k} ${fmt(v)}`).join(", "),
    "",
  ];
}

/** Writes compare.json, compare.md and compare.<workload>.svg into `dir`. */
export function writeReport(report: Report, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "compare.json"), JSON.stringify(report, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n");
  const charts: string[] = [];
  for (const [key, bySystem] of Object.entries(report.results)) {
    const entries = Object.entries(bySystem) as [SystemId, Summary][];
    const isLatency = entries[0]?.[1].p99Ms !== undefined;
    const bars: Bar[] = entries.map(([id, s]) => {
      const sp = isLatency ? s.p99Ms! : s.MBps;
      return { label: report.systems[id]?.label ?? id, median: sp.median, min: sp.min, max: sp.max, tone: tone(id) };
    });
    const file = `compare.${key}.svg`;
    writeFileSync(join(dir, file), barChartSvg(isLatency ? `${key} p99` : key, isLatency ? "ms" : "MB/s", bars, isLatency));
    charts.push(`### ${key}\n\n![${key}](${file})\n`);
  }
  const cold = Object.entries(report.coldStartMs).map(([id, s]) => ({ label: report.systems[id as SystemId]?.label ?? id, median: s.median, min: s.min, max: s.max, tone: tone(id as SystemId) }));
  writeFileSync(join(dir, "compare.cold-start.svg"), barChartSvg("cold start to first acknowledged produce", "ms", cold, true));
  charts.push(`### cold start\n\n![cold start](compare.cold-start.svg)\n`);
  const md = [
    `# StreamBus compared with NATS JetStream and Redis Streams`,
    "",
    `Generated by \`npm run bench -- compare${report.mode === "quick" ? " --quick" : ""}\` at ${report.at}: ${report.mode} mode, ${report.rounds} round(s) of A B A B; figures are medians with [min-max] over rounds.`,
    "",
    "**Read this first.** " + report.notes.join(" "),
    "",
    "## Systems",
    "",
    "| id | system | durability | client |",
    "|---|---|---|---|",
    ...Object.entries(report.systems).map(([id, s]) => `| ${id} | ${s.label} | ${s.durability} | ${s.client} |`),
    "",
    "## Headline ratios (StreamBus / other)",
    "",
    "| ratio | value |",
    "|---|---|",
    ...Object.entries(report.ratios).map(([k, v]) => `| ${k} | ${fmt(v)} |`),
    "",
    "p99 latency at 5,000 records/s (ms): " + Object.entries(report.p99LatencyMsAt5k).map(([k, v]) => `${k} ${fmt(v)}`).join(", "),
    "",
    ...sdkSection(report),
    `Machine limits: sequential write ${range(report.limits.seqWriteMBps)} MB/s without fdatasync, ${range(report.limits.seqWriteFdatasyncPerMiBMBps)} MB/s with one fdatasync per MiB, ${range(report.limits.fdatasyncPerSec)} fdatasync/s (4 KiB writes). A thread spinning on the clock for 2 s stopped running for over 1 ms ${range(report.limits.cpuStallsPerSec)} times a second (longest ${range(report.limits.cpuStallMaxMs)} ms, ${range(report.limits.cpuStallLostPercent)}% of the time): a single-threaded server or client stalls as long, a floor under every p99.`,
    "",
    "## All figures",
    "",
    `| ${HEAD.join(" | ")} |`,
    `|${HEAD.map(() => "---").join("|")}|`,
    ...rows(report).map((r) => `| ${r.join(" | ")} |`),
    "",
    "`SAT`: a generator process used at least 90% of a core, so the client may be the bottleneck of that figure.",
    "",
    "## Charts",
    "",
    ...charts,
  ].join("\n");
  writeFileSync(join(dir, "compare.md"), md);
}
