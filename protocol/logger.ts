/**
 * A small structured logger, passed in everywhere (no globals). JSON lines by default; a compact
 * human format on a TTY. It lives in protocol/ because protocol is the floor every layer may import.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

/** What every component takes. `child` adds fields (component, partition, ...) to every line. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: "json" | "pretty";
  /** Where lines go; defaults to process.stderr. */
  sink?: { write(line: string): unknown };
  /** Wall clock for timestamps (injected so tests can pin it). */
  nowMs?: () => number;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const PRETTY_TAG: Record<LogLevel, string> = { debug: "DBG", info: "INF", warn: "WRN", error: "ERR" };

function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Error) return { name: v.name, message: v.message, code: (v as { code?: unknown }).code };
  return v;
}

function prettyValue(v: unknown): string {
  if (typeof v === "string") return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v, jsonSafe) ?? String(v);
}

/**
 * Creates a logger.
 *
 * @example
 * const log = createLogger({ level: "info", format: "json" });
 * log.child({ component: "storage" }).info("segment rolled", { baseOffset: 1000 });
 */
export function createLogger(opts: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const min = RANK[opts.level ?? "info"];
  const sink = opts.sink ?? process.stderr;
  const now = opts.nowMs ?? Date.now;
  const format = opts.format ?? "json";

  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const all = fields ? { ...bound, ...fields } : bound;
    const ts = new Date(now()).toISOString();
    if (format === "json") {
      sink.write(JSON.stringify({ ts, level, msg, ...all }, jsonSafe) + "\n");
    } else {
      const extra = Object.entries(all).map(([k, v]) => `${k}=${prettyValue(v)}`).join(" ");
      sink.write(`${ts.slice(11, 23)} ${PRETTY_TAG[level]} ${msg}${extra ? " " + extra : ""}\n`);
    }
  };

  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(opts, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (tests, library defaults). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
