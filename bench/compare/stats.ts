/** Small statistics helpers: median and range over rounds, percentiles over latency samples. */

/** Median, min and max of the rounds' values (the figure and its spread). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number[];
}

/** Summarizes one figure over rounds; empty input gives NaN so a missing figure is visible, not zero. */
export function spread(values: number[]): Spread {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, rounds: [] };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, rounds: values };
}

/** Nearest-rank percentile of already sorted samples (`p` in 0..100). */
export function percentileSorted(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Rounds to `digits` significant decimals for JSON and tables. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
