/**
 * One system through one round: start it (measuring cold start), run its workloads, stop it by PID even
 * when a workload fails. Each workload writes to a fresh topic/stream so runs never share data.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompareConfig, RecordBytes } from "./config.ts";
import { runGenerators, type RunOutcome } from "./gen/runner.ts";
import type { SystemDef, RunningSystem } from "./peers/types.ts";
import { ServerMeter } from "./proc.ts";
import { consumeWorkload, latencyWorkloads, produceWorkloads, type Workload } from "./workloads.ts";

/** Figures of one workload in one round. Throughput fields for produce/consume, percentiles for latency. */
export interface Measurement {
  recordsPerSec: number;
  MBps: number;
  p50Ms?: number;
  p99Ms?: number;
  p999Ms?: number;
  /** Client CPU seconds / wall seconds, summed over generator processes (1.0 = one core). */
  clientCpuCores: number;
  /** The busiest generator process's CPU / its own elapsed time: >= 0.9 means that client saturated a core. */
  clientMaxProcessCores: number;
  serverCpuCores: number;
  peakRssMiB: number;
}

/** Everything one system produced in one round. */
export interface RoundResult {
  coldStartMs: number;
  workloads: Record<string, Measurement>;
}

interface GenResult {
  records: number;
  bytes?: number;
  received?: number;
  elapsedS: number;
  p50Ms?: number;
  p99Ms?: number;
  p999Ms?: number;
}

function toMeasurement(w: Workload, run: RunOutcome<GenResult>, meter: { peakRssMiB: number; serverCpuCores: number }): Measurement {
  const records = run.outcomes.reduce((s, o) => s + o.result.records, 0);
  // Generators start together on "go"; the slowest one's elapsed time bounds the aggregate.
  const elapsedS = Math.max(...run.outcomes.map((o) => o.result.elapsedS));
  const m: Measurement = {
    recordsPerSec: records / elapsedS, MBps: (records * w.size) / elapsedS / 1e6,
    clientCpuCores: run.clientCpuCores, clientMaxProcessCores: run.clientMaxProcessCores, ...meter,
  };
  if (w.kind === "latency") {
    const r = run.outcomes[0]!.result;
    if ((r.received ?? 0) < r.records) throw new Error(`${w.key}: received ${r.received} of ${r.records}`);
    Object.assign(m, { p50Ms: r.p50Ms, p99Ms: r.p99Ms, p999Ms: r.p999Ms });
  }
  return m;
}

async function runWorkload(sys: RunningSystem, w: Workload, topic: string, cfg: CompareConfig, op: "produce" | "consume" | "latency"): Promise<Measurement> {
  const producers = w.kind === "produce" ? w.producers : 1;
  const perGenerator = w.kind === "latency" ? w : { ...w, count: Math.ceil(w.count / producers) };
  const cmds = Array.from({ length: producers }, (_, i) => sys.generator(perGenerator, topic, i, op));
  const meter = new ServerMeter(sys.pid);
  try {
    const run = await runGenerators<GenResult>(cmds, cfg.generatorTimeoutMs);
    return toMeasurement(w, run, meter.stop());
  } finally {
    meter.stop();
  }
}

/** Runs `def` through every workload it supports; `log` reports progress on stderr. */
export async function runSystemRound(def: SystemDef, cfg: CompareConfig, round: number, log: (msg: string) => void): Promise<RoundResult> {
  const tmp = mkdtempSync(join(tmpdir(), `sb-compare-${def.id}-`));
  let sys: RunningSystem | undefined;
  try {
    sys = await def.start(tmp, cfg.generatorTimeoutMs);
    const out: RoundResult = { coldStartMs: sys.coldStartMs, workloads: {} };
    const todo: [Workload, "produce" | "consume" | "latency"][] = [];
    if (def.runs.produce) for (const w of produceWorkloads(cfg)) todo.push([w, "produce"]);
    if (def.runs.consume) todo.push([consumeWorkload(cfg), "consume"]);
    if (def.runs.latency) for (const w of latencyWorkloads(cfg)) todo.push([w, "latency"]);
    for (const [w, op] of todo) {
      const topic = `r${round}-${w.key}`;
      await sys.prepare(w, topic);
      if (op === "consume") {
        // The backlog is written first with the system's own produce path (not timed).
        const fill: Workload = { kind: "produce", key: w.key, size: w.size as RecordBytes, producers: 4, count: (w as { count: number }).count, fill: true };
        const t0 = performance.now();
        await sys.fillMode?.(true);
        await runWorkload(sys, fill, topic, cfg, "produce");
        await sys.fillMode?.(false);
        log(`  ${def.id} backlog of ${fill.count} records written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      const m = await runWorkload(sys, w, topic, cfg, op);
      out.workloads[w.key] = m;
      log(`  ${def.id} ${w.key}: ${w.kind === "latency" ? `p50 ${m.p50Ms?.toFixed(2)} ms p99 ${m.p99Ms?.toFixed(2)} ms` : `${Math.round(m.recordsPerSec)} rec/s ${m.MBps.toFixed(1)} MB/s`} (client ${m.clientCpuCores.toFixed(2)} cores, server ${m.serverCpuCores.toFixed(2)})`);
    }
    return out;
  } finally {
    await sys?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
