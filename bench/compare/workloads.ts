/** The workloads every system runs, and the key each one's figures are filed under. */
import type { CompareConfig, RecordBytes } from "./config.ts";
import { PRODUCER_COUNTS, RECORD_SIZES_BYTES } from "./config.ts";

/** Record size used for the fixed-rate latency workload (small, so it measures per-record cost, not bandwidth). */
export const LATENCY_RECORD_BYTES = 100;
/** Record size of the consume backlog. */
export const BACKLOG_RECORD_BYTES: RecordBytes = 1024;

export type Workload =
  | { kind: "produce"; key: string; size: RecordBytes; producers: number; count: number; durationMsMax?: number; fill?: boolean }
  | { kind: "consume"; key: string; size: RecordBytes; count: number }
  | { kind: "latency"; key: string; size: number; rate: number; durationMs: number };

/** Produce workloads (every size x producer count), in run order. */
export function produceWorkloads(cfg: CompareConfig): Workload[] {
  const out: Workload[] = [];
  for (const size of RECORD_SIZES_BYTES) {
    for (const producers of PRODUCER_COUNTS) {
      out.push({ kind: "produce", key: `produce-${sizeLabel(size)}-x${producers}`, size, producers, count: cfg.produceRecordCount[size], durationMsMax: cfg.produceDurationMsMax });
    }
  }
  return out;
}

export function consumeWorkload(cfg: CompareConfig): Workload {
  const count = Math.floor(cfg.backlogBytes / BACKLOG_RECORD_BYTES);
  return { kind: "consume", key: `consume-${sizeLabel(BACKLOG_RECORD_BYTES)}`, size: BACKLOG_RECORD_BYTES, count };
}

export function latencyWorkloads(cfg: CompareConfig): Workload[] {
  return cfg.latencyRatesPerSec.map((rate) => ({
    kind: "latency" as const, key: `latency-${rate >= 1000 ? `${rate / 1000}k` : rate}`, size: LATENCY_RECORD_BYTES, rate, durationMs: cfg.latencyDurationMs,
  }));
}

/** "100B" or "1KiB". */
export function sizeLabel(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}KiB` : `${bytes}B`;
}
