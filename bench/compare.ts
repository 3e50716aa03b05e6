/**
 * `npm run bench -- compare [--quick] [--rounds N] [--only id,id] [--out DIR]`: StreamBus next to NATS JetStream and Redis Streams
 * (Debian packages) and the machine's limits (loopback TCP blast, a trivial append server, sequential
 * write with and without fdatasync, fdatasync/s), all measured in the same run on 127.0.0.1.
 *
 * Each round starts every system fresh in a temp dir, runs its workloads (produce 100 B and 1 KiB with one
 * and four producers, consume a 1 KiB backlog, end-to-end latency at fixed rates, peak RSS, cold start to
 * first produce) and stops it by PID; rounds repeat in the same order (A B A B). Prints a table and writes
 * bench/results/compare.json, compare.md and one SVG chart per workload. Modules live in bench/compare/.
 */
import { cpus, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { configFromArgs } from "./compare/config.ts";
import { measureLimits, type MachineLimits } from "./compare/limits.ts";
import { nats } from "./compare/peers/nats.ts";
import { streambusBinary } from "./compare/peers/paths.ts";
import { redisAlways, redisEverysec } from "./compare/peers/redis.ts";
import { appendServer, tcpBlast } from "./compare/peers/sink.ts";
import { streambusDurable, streambusRelaxed, streambusRelaxedWire, streambusSdkSystems } from "./compare/peers/streambus.ts";
import type { SystemDef, SystemId } from "./compare/peers/types.ts";
import { stopAll } from "./compare/proc.ts";
import { buildReport, consoleTable, writeReport, type Report } from "./compare/report.ts";
import { runSystemRound, type RoundResult } from "./compare/round.ts";

/** Systems in run order within a round. */
export const SYSTEMS: SystemDef[] = [
  streambusDurable, streambusRelaxed, ...streambusSdkSystems, nats, redisAlways, redisEverysec,
  // The wire producer runs next to the append server and the blast, which receive the same bytes.
  streambusRelaxedWire, appendServer, tcpBlast,
];

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** Runs the comparison; returns what it wrote to bench/results/compare.json. */
export async function run(argv: string[] = process.argv.slice(2)): Promise<Report> {
  const cfg = configFromArgs(argv);
  const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1]!.split(",") : undefined;
  const systems = only ? SYSTEMS.filter((s) => only.includes(s.id)) : SYSTEMS;
  const raw: Partial<Record<SystemId, RoundResult[]>> = {};
  const machine: MachineLimits[] = [];
  const t0 = performance.now();
  const onSignal = () => void stopAll().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    for (let round = 1; round <= cfg.roundCount; round++) {
      log(`round ${round}/${cfg.roundCount}`);
      for (const def of systems) (raw[def.id] ??= []).push(await runSystemRound(def, cfg, round, log));
      const diskDir = mkdtempSync(join(tmpdir(), "sb-compare-disk-"));
      try {
        machine.push(measureLimits(diskDir, cfg.diskWriteBytes));
      } finally {
        rmSync(diskDir, { recursive: true, force: true });
      }
    }
  } finally {
    await stopAll();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const elapsedS = Math.round((performance.now() - t0) / 1000);
  const binary = streambusBinary();
  const report = buildReport(cfg, systems, raw, machine, {
    elapsedS,
    machine: { cpuCount: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown" },
    streambusRunFrom: binary ? `${binary} (compiled binary)` : "bun cli/main.ts (from source)",
    notes: [
      `Client and servers share this machine's ${cpus().length} vCPUs, so every figure includes the load generator's own CPU cost; "client cores" says how much it used and SAT marks a generator process that saturated a core.`,
      "StreamBus is driven by librdkafka: through Python (confluent_kafka) for produce and latency, through kcat (its C CLI) for reading the backlog; NATS and Redis by small raw-protocol generators on Bun, so client efficiency differs between systems. The row 'StreamBus relaxed (wire producer)' is StreamBus driven by a raw-protocol generator too (pre-encoded Produce requests, every response checked).",
      "NATS JetStream 2.9 as shipped acknowledges before fsync and syncs periodically: its durability is weaker than StreamBus durable (fsync before ack) and Redis appendfsync always, and it is the peer in both the durable and relaxed comparisons.",
      "Each workload uses one partition / one stream / one stream key. Latency: 100 B records at a fixed rate, producer and consumer in one client process, timestamp in the value, stamped at send time.",
      "The TCP blast and the append server receive the same bytes as the wire producer sends StreamBus (pre-encoded Produce requests in 1 MB batches); relaxedProduce1KiBVsAppendServer compares those two, and relaxedProduce1KiBVsAppendServerLibrdkafka the librdkafka-driven run, whose single Python producer saturates its core first.",
    ],
  });
  const outDir = argv.includes("--out") ? argv[argv.indexOf("--out") + 1]! : join(import.meta.dir, "results");
  writeReport(report, outDir);
  console.log(consoleTable(report));
  console.log(`ratios: ${JSON.stringify(report.ratios)}`);
  console.log(`p99 ms at 5k/s: ${JSON.stringify(report.p99LatencyMsAt5k)}`);
  console.log(`limits: ${JSON.stringify(report.limits)}; cold start ms: ${JSON.stringify(Object.fromEntries(Object.entries(report.coldStartMs).map(([k, v]) => [k, v.median])))}`);
  log(`compare: ${cfg.mode} mode finished in ${elapsedS} s; wrote ${outDir}/compare.{json,md} and charts`);
  return report;
}

if (import.meta.main) await run();
