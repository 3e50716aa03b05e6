/** Sizes and counts for one `compare` run: `--quick` (CI smoke, under 2 minutes) or full (under 10 minutes). */

/** Every knob of a compare run; counts are records unless the name says bytes. */
export interface CompareConfig {
  mode: "quick" | "full";
  /** Rounds of A B A B: every system runs every workload once per round. */
  roundCount: number;
  /** Records per produce run (split across producers) for each record size. */
  produceRecordCount: Record<RecordBytes, number>;
  /** A produce run stops sending after this long and reports the records acknowledged (slow peers). */
  produceDurationMsMax: number;
  /** Bytes of 1 KiB records in the backlog that the consume workload reads. */
  backlogBytes: number;
  /** Fixed rates for the end-to-end latency workload. */
  latencyRatesPerSec: number[];
  latencyDurationMs: number;
  /** Bytes written for the sequential-write limits. */
  diskWriteBytes: number;
  /** Upper bound on any one generator process before it is killed. */
  generatorTimeoutMs: number;
}

export type RecordBytes = 100 | 1024;
export const RECORD_SIZES_BYTES: RecordBytes[] = [100, 1024];
export const PRODUCER_COUNTS = [1, 4] as const;

/** Builds the config from argv (`--quick`, `--rounds N`). */
export function configFromArgs(argv: string[]): CompareConfig {
  const quick = argv.includes("--quick");
  const roundsIdx = argv.indexOf("--rounds");
  const rounds = roundsIdx > 0 ? Number(argv[roundsIdx + 1]) : quick ? 1 : 3;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error(`--rounds must be 1..10, got ${argv[roundsIdx + 1]}`);
  if (quick) {
    return {
      mode: "quick", roundCount: rounds,
      produceRecordCount: { 100: 20_000, 1024: 10_000 }, produceDurationMsMax: 1_500,
      backlogBytes: 16 * 1024 * 1024,
      latencyRatesPerSec: [5_000, 50_000], latencyDurationMs: 500,
      diskWriteBytes: 32 * 1024 * 1024,
      generatorTimeoutMs: 60_000,
    };
  }
  return {
    mode: "full", roundCount: rounds,
    produceRecordCount: { 100: 1_000_000, 1024: 300_000 }, produceDurationMsMax: 2_500,
    backlogBytes: 1024 * 1024 * 1024,
    // 3 s at 5,000/s: p99 rests on the 150 slowest of 15,000 samples (1.5 s gave rounds 3.4-7.7 ms apart).
    latencyRatesPerSec: [5_000, 50_000], latencyDurationMs: 3_000,
    diskWriteBytes: 256 * 1024 * 1024,
    generatorTimeoutMs: 120_000,
  };
}
