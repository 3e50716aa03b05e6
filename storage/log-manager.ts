/**
 * Owns every partition log under one data directory (`<data-dir>/<topic>-<partition>/`): opens them at
 * start, creates and deletes them, and runs retention, compaction and interval flushes on a timer the
 * caller injects (so tests drive it by hand and the core never starts timers of its own).
 */
import { join } from "node:path";
import { StreamBusError } from "../protocol/errors.ts";
import { compactLog } from "./compactor.ts";
import { type Clock, type LogConfig, type StorageLogger, SILENT_LOGGER } from "./config.ts";
import { FileCache } from "./file-cache.ts";
import type { StorageIO } from "./io.ts";
import { PartitionLog } from "./log.ts";
import { applyRetention } from "./retention.ts";

/** Injected periodic timer; returns a function that cancels it. */
export type Scheduler = (intervalMs: number, fn: () => Promise<void>) => () => void;

export interface LogManagerOptions {
  dataDir: string;
  io: StorageIO;
  clock: Clock;
  logger?: StorageLogger;
  /** Defaults for every log; per-topic overrides are passed to {@link LogManager.create}. */
  defaults?: Partial<LogConfig>;
  /** Cap on open segment files across all logs. */
  openFilesMax?: number;
  scheduler?: Scheduler;
  maintenanceIntervalMs?: number;
}

/** `orders-3` -> { topic: "orders", partition: 3 }; null for names that are not partition dirs. */
export function parsePartitionDir(name: string): { topic: string; partition: number } | null {
  const m = /^(.+)-(\d+)$/.exec(name);
  return m ? { topic: m[1]!, partition: Number(m[2]) } : null;
}

/** See module doc. */
export class LogManager {
  readonly #logs = new Map<string, PartitionLog>();
  readonly #cache: FileCache;
  readonly #logger: StorageLogger;
  #cancelTimer: (() => void) | null = null;
  #maintaining = false;

  private constructor(private readonly opts: LogManagerOptions) {
    this.#cache = new FileCache(opts.io, opts.openFilesMax ?? 1024);
    this.#logger = opts.logger ?? SILENT_LOGGER;
  }

  /** Opens every partition directory under `dataDir` and starts the maintenance timer if a scheduler is given. */
  static async open(opts: LogManagerOptions, configFor: (topic: string) => Partial<LogConfig> = () => ({})): Promise<LogManager> {
    const m = new LogManager(opts);
    await opts.io.mkdir(opts.dataDir);
    for (const name of await opts.io.readdir(opts.dataDir)) {
      const p = parsePartitionDir(name);
      const st = await opts.io.stat(join(opts.dataDir, name));
      if (!p || !st?.isDirectory) continue;
      await m.#openLog(p.topic, p.partition, configFor(p.topic));
    }
    if (opts.scheduler) m.#cancelTimer = opts.scheduler(opts.maintenanceIntervalMs ?? 1000, () => m.runMaintenance());
    return m;
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(key(topic, partition));
  }

  all(): { topic: string; partition: number; log: PartitionLog }[] {
    return [...this.#logs.entries()].map(([k, log]) => ({ ...parsePartitionDir(k)!, log }));
  }

  /** Creates (or opens, if present) the log of one partition. */
  async create(topic: string, partition: number, config: Partial<LogConfig> = {}): Promise<PartitionLog> {
    const existing = this.get(topic, partition);
    if (existing) return existing;
    const log = await this.#openLog(topic, partition, config);
    await this.opts.io.fsyncDir(this.opts.dataDir);
    return log;
  }

  /** Closes the log and deletes its directory. */
  async delete(topic: string, partition: number): Promise<void> {
    const k = key(topic, partition);
    const log = this.#logs.get(k);
    if (!log) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `no log for ${k}`);
    this.#logs.delete(k);
    await log.close();
    await this.opts.io.rmdir(log.dir);
    await this.opts.io.fsyncDir(this.opts.dataDir);
  }

  /** One round of retention, compaction and interval flushes over every log. Errors are logged per log. */
  async runMaintenance(): Promise<void> {
    if (this.#maintaining) return; // a slow round must not overlap the next tick
    this.#maintaining = true;
    try {
      for (const [k, log] of this.#logs) {
        if (log.offlineError) continue;
        try {
          await log.flushIfDue();
          await applyRetention(log, this.opts.clock.nowMs());
          if (log.config.cleanupPolicy.includes("compact")) await compactLog(log, { nowMs: this.opts.clock.nowMs() });
        } catch (e) {
          this.#logger.warn("log maintenance failed", { log: k, error: String(e) });
        }
      }
    } finally {
      this.#maintaining = false;
    }
  }

  /** Stops the timer and closes every log cleanly. */
  async close(): Promise<void> {
    this.#cancelTimer?.();
    for (const log of this.#logs.values()) await log.close();
    this.#logs.clear();
    await this.#cache.closeAll();
  }

  async #openLog(topic: string, partition: number, config: Partial<LogConfig>): Promise<PartitionLog> {
    const k = key(topic, partition);
    const log = await PartitionLog.open({
      dir: join(this.opts.dataDir, k),
      io: this.opts.io,
      clock: this.opts.clock,
      logger: this.#logger,
      config: { ...this.opts.defaults, ...config },
      fileCache: this.#cache,
    });
    this.#logs.set(k, log);
    return log;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
