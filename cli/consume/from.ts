/**
 * `--from`: where each assigned partition starts.
 *   earliest | latest       the ends of the log
 *   OFFSET                  that offset in every assigned partition (e.g. 42)
 *   @TIMESTAMP_MS           the first record at or after that time (e.g. @1700000000000)
 *   -DURATION               the first record at or after now minus DURATION (e.g. -15m, -1h30m)
 *   -N                      N records before the end of each partition (kcat's -o -N)
 */
import { parseDurationMs } from "../../broker/config/units.ts";
import type { SeekPosition } from "../../client/index.ts";
import { StreamBusError } from "../../protocol/errors.ts";

export type StartSpec =
  | { kind: "earliest" }
  | { kind: "latest" }
  | { kind: "offset"; offset: bigint }
  | { kind: "timestamp"; timestampMs: number }
  | { kind: "fromEnd"; count: bigint };

export function parseFrom(input: string, nowMs: number): StartSpec {
  const s = input.trim();
  if (s === "earliest" || s === "beginning") return { kind: "earliest" };
  if (s === "latest" || s === "end") return { kind: "latest" };
  if (/^\d+$/.test(s)) return { kind: "offset", offset: BigInt(s) };
  if (/^@\d+$/.test(s)) return { kind: "timestamp", timestampMs: Number(s.slice(1)) };
  if (/^-\d+$/.test(s)) return { kind: "fromEnd", count: BigInt(s.slice(1)) };
  if (s.startsWith("-")) {
    try {
      return { kind: "timestamp", timestampMs: nowMs - parseDurationMs(s.slice(1)) };
    } catch {
      // fall through to the usage error below
    }
  }
  throw new StreamBusError("USAGE", `--from "${input}": expected earliest, latest, OFFSET, @TIMESTAMP_MS, -DURATION (e.g. -15m) or -N`);
}

/** The seek for one partition; `fromEnd` needs the partition's earliest and latest offsets. */
export function seekFor(spec: StartSpec, earliest: bigint, latest: bigint): SeekPosition {
  switch (spec.kind) {
    case "earliest":
    case "latest":
      return spec.kind;
    case "offset":
      return spec.offset;
    case "timestamp":
      return { timestamp: spec.timestampMs };
    case "fromEnd": {
      const at = latest - spec.count;
      return at < earliest ? earliest : at;
    }
  }
}
