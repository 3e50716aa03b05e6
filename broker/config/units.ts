/**
 * Sizes and durations with units, as config files, env vars and flags accept them:
 * sizes `512`, `64KiB`, `64MiB`, `1GiB`, `10MB` (SI units are powers of 1000, IEC of 1024);
 * durations `250ms`, `30s`, `5m`, `2h`, `7d`, `1w`, compound `1h30m`; a bare number is milliseconds.
 * `-1` passes through as "unlimited" where a setting allows it.
 */
import { StreamBusError } from "../../protocol/errors.ts";

const SIZE_UNITS: Record<string, number> = {
  "": 1, b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
  k: 1024, m: 1024 ** 2, g: 1024 ** 3,
};

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000,
};

/** Parses a size such as `64MiB` into bytes. Numbers are taken as bytes. */
export function parseSizeBytes(input: string | number): number {
  if (typeof input === "number") return input;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(input);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new StreamBusError("INVALID_CONFIG", `"${input}" is not a size (examples: 4096, 64KiB, 64MiB, 1GiB, 10MB)`);
  }
  const value = Number(m[1]) * unit;
  if (!Number.isSafeInteger(Math.round(value))) throw new StreamBusError("INVALID_CONFIG", `size "${input}" is out of range`);
  return Math.round(value);
}

/** Parses a duration such as `7d` or `1h30m` into milliseconds. Numbers are taken as milliseconds. */
export function parseDurationMs(input: string | number): number {
  if (typeof input === "number") return input;
  const s = input.trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== s.length) {
    throw new StreamBusError("INVALID_CONFIG", `"${input}" is not a duration (examples: 250ms, 30s, 5m, 2h, 7d, 1h30m)`);
  }
  return Math.round(total);
}

/** Formats bytes with the largest IEC unit that divides them exactly (for --print-config). */
export function formatSizeBytes(bytes: number): string | number {
  if (bytes < 0) return bytes;
  for (const [unit, n] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return bytes;
}

/** Formats milliseconds with the largest unit that divides them exactly. */
export function formatDurationMs(ms: number): string | number {
  if (ms <= 0) return ms;
  for (const [unit, n] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms % n === 0) return `${ms / n}${unit}`;
  }
  return `${ms}ms`;
}
