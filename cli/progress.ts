/**
 * A one-line status on stderr, redrawn a few times a second, only when stderr is a TTY: progress is for
 * people, and scripts reading stderr for errors should not have to filter it out.
 */
import type { CliContext } from "./context.ts";

export interface Ticker {
  stop(): void;
}

/** Starts redrawing `line()` every `intervalMs` on a TTY; a no-op otherwise. */
export function startTicker(ctx: CliContext, line: () => string, intervalMs = 250): Ticker {
  const err = ctx.process.stderr;
  if (!err.isTTY || ctx.process.env.STREAMBUS_NO_PROGRESS) return { stop() {} };
  const timer = setInterval(() => err.write(`\r\x1b[K${line()}`), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      err.write("\r\x1b[K");
    },
  };
}

/** A rate line: "12,345 records  4,321 rec/s  1.2 MB/s". */
export function rateLine(verb: string, records: number, bytes: number, elapsedMs: number): string {
  const s = Math.max(elapsedMs, 1) / 1000;
  return `${verb} ${records.toLocaleString("en-US")} records  ${Math.round(records / s).toLocaleString("en-US")} rec/s  ${(bytes / 1e6 / s).toFixed(1)} MB/s`;
}
