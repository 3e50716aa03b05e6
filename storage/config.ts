/**
 * Per-log settings with units in their names. Kafka's names (`segment.bytes`, `retention.ms`, ...) appear
 * only in {@link logConfigFromKafka}, at the edge where topic configs arrive.
 */
import { StreamBusError, assert } from "../protocol/errors.ts";

/** When an append is acknowledged: after the fdatasync covering it, after the write (flushed on an interval), or after the write alone. */
export type FlushPolicy = "fsync" | "interval" | "never";
export type CleanupPolicy = "delete" | "compact" | "compact,delete";

export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  indexIntervalBytes: number;
  /** -1: keep forever. */
  retentionMs: number;
  /** -1: no size limit. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy;
  deleteRetentionMs: number;
  flushPolicy: FlushPolicy;
  flushIntervalMs: number;
  flushIntervalBytes: number;
  /** Largest batch accepted on disk; a larger length field read back is corruption. */
  maxBatchBytes: number;
  /** Cap on bytes coalesced into one write() call. */
  writeBytesMax: number;
  /** Appends wait (backpressure) while more than this many bytes are queued. */
  queueBytesMax: number;
  /** Check each batch's CRC on read before serving it (verify pairs: checked on write and on read). */
  verifyReads: boolean;
  /**
   * TEST ONLY, UNSAFE: acknowledge fsync-policy appends before the fdatasync. Exists so crash tests can
   * prove they detect lost acknowledged writes. Never set it outside tests.
   */
  unsafeAckBeforeFsync: boolean;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1 << 30,
  segmentMs: 7 * 24 * 3600 * 1000,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  cleanupPolicy: "delete",
  deleteRetentionMs: 24 * 3600 * 1000,
  flushPolicy: "fsync",
  flushIntervalMs: 1000,
  flushIntervalBytes: 1 << 20,
  maxBatchBytes: 64 << 20,
  writeBytesMax: 8 << 20,
  queueBytesMax: 64 << 20,
  verifyReads: true,
  unsafeAckBeforeFsync: false,
});

/** Fills defaults and checks the relationships between limits. */
export function resolveLogConfig(partial: Partial<LogConfig> = {}): LogConfig {
  const c: LogConfig = { ...DEFAULT_LOG_CONFIG, ...partial };
  const positive = ["segmentBytes", "segmentMs", "indexIntervalBytes", "flushIntervalMs", "flushIntervalBytes", "maxBatchBytes", "writeBytesMax", "queueBytesMax"] as const;
  for (const k of positive) {
    if (!Number.isSafeInteger(c[k]) || c[k] <= 0) throw new StreamBusError("INVALID_CONFIG", `${k} must be a positive integer, got ${c[k]}`);
  }
  // Positions in .index are int32.
  if (c.segmentBytes > 0x7fffffff) throw new StreamBusError("INVALID_CONFIG", `segmentBytes must be below 2 GiB, got ${c.segmentBytes}`);
  assert(c.queueBytesMax >= c.writeBytesMax, "queueBytesMax must be at least writeBytesMax");
  return c;
}

/** Maps Kafka topic config names to a partial {@link LogConfig}; unknown names are INVALID_CONFIG. */
export function logConfigFromKafka(configs: Record<string, string>): Partial<LogConfig> {
  const out: Partial<LogConfig> = {};
  const num = (k: string, v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new StreamBusError("INVALID_CONFIG", `${k} must be an integer, got "${v}"`);
    return n;
  };
  for (const [k, v] of Object.entries(configs)) {
    switch (k) {
      case "segment.bytes": out.segmentBytes = num(k, v); break;
      case "segment.ms": out.segmentMs = num(k, v); break;
      case "index.interval.bytes": out.indexIntervalBytes = num(k, v); break;
      case "retention.ms": out.retentionMs = num(k, v); break;
      case "retention.bytes": out.retentionBytes = num(k, v); break;
      case "delete.retention.ms": out.deleteRetentionMs = num(k, v); break;
      case "flush.ms": out.flushIntervalMs = num(k, v); break;
      case "flush.messages.bytes": out.flushIntervalBytes = num(k, v); break;
      case "max.message.bytes": out.maxBatchBytes = num(k, v); break;
      case "cleanup.policy": {
        const p = v.split(",").map((s) => s.trim()).sort().join(",");
        if (p !== "delete" && p !== "compact" && p !== "compact,delete") throw new StreamBusError("INVALID_CONFIG", `cleanup.policy "${v}" is not delete, compact or both`);
        out.cleanupPolicy = p;
        break;
      }
      case "flush.policy":
        if (v !== "fsync" && v !== "interval" && v !== "never") throw new StreamBusError("INVALID_CONFIG", `flush.policy "${v}" is not fsync, interval or never`);
        out.flushPolicy = v;
        break;
      default:
        throw new StreamBusError("INVALID_CONFIG", `unknown log config "${k}"`);
    }
  }
  return out;
}

/** Where log lines go; the broker passes its structured logger. */
export interface StorageLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (tests that do not look at logs). */
export const SILENT_LOGGER: StorageLogger = { info() {}, warn() {}, error() {} };

/** Injected time source; the log core never reads the wall clock itself. */
export interface Clock {
  nowMs(): number;
}
