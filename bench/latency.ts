/**
 * `npm run bench -- latency [--rate N] [--seconds S] [--runs R] [--client librdkafka|sdk|wire] [--broker-env K=V]... [--out DIR]`:
 * the end-to-end latency workload of the compare bench (100 B records at a fixed rate, producer and
 * consumer in one client process; `wire` is gen/kafka-wire-latency.ts, a raw-protocol client as lean as the
 * NATS and Redis generators) against StreamBus alone, relaxed and durable in alternation, with
 * JSC's GC log on in the broker. Each run reports e2e p50/p99/p99.9 next to the broker's collections per
 * second, its pauses and its CPU, so a change to the latency tail can be told apart from a change in
 * GC behaviour. `--broker-env` (repeatable) adds a variable to the broker's environment, e.g. a JSC
 * option (`BUN_JSC_...`) under study. Prints a table and writes latency.json (bench/results unless --out).
 */
import Table from "cli-table3";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { removeDir, startBrokerProcess, tempDataDir } from "../tests/helpers/broker-process.ts";
import { createTopicWithLibrdkafka } from "../tests/helpers/python.ts";
import { bunGenerator, kafkaGenerator, streambusBinary } from "./compare/peers/paths.ts";
import { cpuSeconds, stopAll, track } from "./compare/proc.ts";
import { runGenerators } from "./compare/gen/runner.ts";
import { round, spread } from "./compare/stats.ts";
import { summarizeGcLog, type GcSummary } from "./latency/gc-log.ts";

const RECORD_BYTES = 100;

interface Options {
  ratePerSec: number;
  durationMs: number;
  runs: number;
  client: "librdkafka" | "sdk" | "wire";
  brokerEnv: Record<string, string>;
  outDir: string;
}

interface LatencyResult {
  received: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

interface RunRow {
  mode: "relaxed" | "durable";
  run: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  received: number;
  brokerCpuCores: number;
  gc: GcSummary & { perSec: number; pausedShare: number };
}

function optionsFrom(argv: string[]): Options {
  const num = (flag: string, dflt: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return dflt;
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} must be a positive number, got ${argv[i + 1]}`);
    return v;
  };
  const clientIdx = argv.indexOf("--client");
  const client = clientIdx >= 0 ? argv[clientIdx + 1] : "librdkafka";
  if (client !== "librdkafka" && client !== "sdk" && client !== "wire") throw new Error(`--client must be librdkafka, sdk or wire, got ${client}`);
  const outIdx = argv.indexOf("--out");
  const brokerEnv: Record<string, string> = {};
  argv.forEach((arg, i) => {
    if (arg !== "--broker-env") return;
    const pair = argv[i + 1] ?? "";
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`--broker-env takes KEY=VALUE, got ${pair}`);
    brokerEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  });
  return {
    ratePerSec: num("--rate", 5_000),
    durationMs: num("--seconds", 10) * 1000,
    runs: Math.round(num("--runs", 3)),
    client,
    brokerEnv,
    outDir: outIdx >= 0 ? argv[outIdx + 1]! : join(import.meta.dir, "results"),
  };
}

/** One broker, one topic, one latency run; the broker's GC log is read from its stderr over the run. */
async function runOnce(opts: Options, mode: "relaxed" | "durable", run: number): Promise<RunRow> {
  const dataDir = tempDataDir("sb-bench-latency-");
  const acks = mode === "relaxed" ? "1" : "all";
  const broker = await startBrokerProcess({
    dataDir, binary: streambusBinary(), env: { ...opts.brokerEnv, BUN_JSC_logGC: "1" },
    args: mode === "relaxed" ? ["--set", "log.flush=never"] : [],
  });
  track(broker.proc);
  try {
    const topic = `lat-${mode}-${run}`;
    await createTopicWithLibrdkafka(broker.bootstrap, topic, 1);
    const spec = { op: "latency", bootstrap: broker.bootstrap, topic, size: RECORD_BYTES, rate: opts.ratePerSec, durationMs: opts.durationMs, acks };
    const timeoutMs = opts.durationMs + 60_000;
    const cmd = opts.client === "sdk" ? bunGenerator("sdk-gen.ts", { ...spec, timeoutMs })
      : opts.client === "wire" ? bunGenerator("kafka-wire-latency.ts", { ...spec, port: broker.port, acks: acks === "all" ? -1 : 1, timeoutMs })
      : kafkaGenerator(spec);
    let logOffset = 0;
    let cpu0 = 0;
    let t0 = 0;
    const outcome = await runGenerators<LatencyResult>([cmd], timeoutMs, async () => {
      logOffset = broker.logs().length;
      cpu0 = cpuSeconds(broker.proc.pid);
      t0 = performance.now();
    });
    const wallS = (performance.now() - t0) / 1000;
    const brokerCpuCores = (cpuSeconds(broker.proc.pid) - cpu0) / wallS;
    const gc = summarizeGcLog(broker.logs().slice(logOffset));
    const r = outcome.outcomes[0]!.result;
    return {
      mode, run, p50Ms: r.p50Ms, p99Ms: r.p99Ms, p999Ms: r.p999Ms, received: r.received, brokerCpuCores,
      gc: { ...gc, perSec: gc.collections / wallS, pausedShare: gc.pauseTotalMs / 1000 / wallS },
    };
  } finally {
    await broker.stop();
    removeDir(dataDir);
  }
}

export async function run(argv: string[] = process.argv.slice(2)): Promise<object> {
  const opts = optionsFrom(argv);
  const rows: RunRow[] = [];
  try {
    for (let i = 1; i <= opts.runs; i++) {
      for (const mode of ["relaxed", "durable"] as const) rows.push(await runOnce(opts, mode, i));
    }
  } finally {
    await stopAll();
  }
  const table = new Table({ head: ["mode", "run", "p50 ms", "p99 ms", "p99.9 ms", "GCs/s", "pause p50 / p99 / max ms", "paused", "broker cores"] });
  for (const r of rows) {
    table.push([r.mode, r.run, round(r.p50Ms, 2), round(r.p99Ms, 2), round(r.p999Ms, 2), round(r.gc.perSec, 1),
      `${round(r.gc.pauseP50Ms, 2)} / ${round(r.gc.pauseP99Ms, 2)} / ${round(r.gc.pauseMaxMs, 2)}`, `${round(100 * r.gc.pausedShare, 1)}%`, round(r.brokerCpuCores, 2)]);
  }
  console.log(table.toString());
  const summary = Object.fromEntries((["relaxed", "durable"] as const).map((mode) => {
    const of = rows.filter((r) => r.mode === mode);
    return [mode, { p50Ms: spread(of.map((r) => round(r.p50Ms))), p99Ms: spread(of.map((r) => round(r.p99Ms))), gcPauseP99Ms: spread(of.map((r) => round(r.gc.pauseP99Ms))) }];
  }));
  const report = {
    bench: "latency", at: new Date().toISOString(), machine: { cpuCount: cpus().length },
    config: { ratePerSec: opts.ratePerSec, durationMs: opts.durationMs, runs: opts.runs, client: opts.client, brokerEnv: opts.brokerEnv, recordBytes: RECORD_BYTES, streambus: streambusBinary() ?? "bun cli/main.ts" },
    summary, runs: rows,
  };
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, "latency.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`latency: wrote ${join(opts.outDir, "latency.json")}`);
  return report;
}

if (import.meta.main) await run();
