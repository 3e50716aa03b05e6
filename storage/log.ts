/**
 * The partition log: one directory of segments, appended by a single writer task with group commit
 * (appender.ts), read concurrently. See storage/README.md for the invariants and who owns what between awaits.
 */
import { join } from "node:path";
import { StreamBusError, assert } from "../protocol/errors.ts";
import { Appender } from "./appender.ts";
import { type Clock, type LogConfig, type StorageLogger, SILENT_LOGGER, resolveLogConfig } from "./config.ts";
import { FileCache } from "./file-cache.ts";
import type { StorageIO } from "./io.ts";
import { LOG_START_FILE, deleteSegmentFiles, recoverLog } from "./recovery.ts";
import { RwLock } from "./rw-lock.ts";
import { Segment } from "./segment.ts";
import { IndexMismatch, RECENT_TAIL_BYTES, SegmentCorruption, findByTimestamp, readSegment } from "./segment-read.ts";
import { writeSmallFile } from "./small-file.ts";

export interface PartitionLogOptions {
  /** The partition directory, `<data-dir>/<topic>-<partition>`. */
  dir: string;
  io: StorageIO;
  clock: Clock;
  logger?: StorageLogger;
  config?: Partial<LogConfig>;
  /** Shared descriptor cap across logs; a private cache of 64 files when absent. */
  fileCache?: FileCache;
  /** Called when the high watermark (acknowledged end) moves. */
  onHighWatermark?: (highWatermark: bigint) => void;
}

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
}

export interface ReadResult {
  /** Whole batches back to back; empty when there is nothing at the offset yet. */
  bytes: Uint8Array;
  /** Offset after the last batch returned (the requested offset when nothing was returned). */
  nextOffset: bigint;
  highWatermark: bigint;
  logStartOffset: bigint;
}

/** Counters for metrics and tests. */
export interface LogCounters {
  writes: number;
  fsyncs: number;
  appendedBatches: number;
  tornTailTruncations: number;
  truncatedBytes: number;
  diskFullErrors: number;
  indexRebuilds: number;
}

/** See module doc. Create with {@link PartitionLog.open}. */
export class PartitionLog {
  #config: LogConfig;
  readonly counters: LogCounters = { writes: 0, fsyncs: 0, appendedBatches: 0, tornTailTruncations: 0, truncatedBytes: 0, diskFullErrors: 0, indexRebuilds: 0 };
  readonly #io: StorageIO;
  readonly #clock: Clock;
  readonly #logger: StorageLogger;
  readonly #cache: FileCache;
  readonly #ownCache: boolean;
  readonly #lock = new RwLock();
  /** The single writer; it owns the active file, the log end offset and the high watermark. */
  readonly #writer: Appender;
  #segments: Segment[] = [];
  #logStartOffset = 0n;
  #offline: StreamBusError | null = null;
  #closed = false;

  private constructor(readonly dir: string, opts: PartitionLogOptions) {
    this.#config = resolveLogConfig(opts.config);
    this.#io = opts.io;
    this.#clock = opts.clock;
    this.#logger = opts.logger ?? SILENT_LOGGER;
    this.#ownCache = !opts.fileCache;
    this.#cache = opts.fileCache ?? new FileCache(opts.io, 64);
    this.#writer = new Appender({
      dir,
      io: opts.io,
      clock: opts.clock,
      logger: this.#logger,
      cache: this.#cache,
      counters: this.counters,
      onHighWatermark: opts.onHighWatermark,
      config: () => this.#config,
      active: () => this.active,
      addSegment: (seg) => this.#segments.push(seg),
      offline: () => this.#offline,
      closed: () => this.#closed,
      checkWritable: () => this.#checkWritable(),
      goOffline: (e) => this.#goOffline(e),
    });
  }

  /** Opens (recovering if needed) or creates the log in `opts.dir`. */
  static async open(opts: PartitionLogOptions): Promise<PartitionLog> {
    const log = new PartitionLog(opts.dir, opts);
    const r = await recoverLog({ dir: opts.dir, io: opts.io, cache: log.#cache, config: log.config, clock: opts.clock, logger: log.#logger });
    log.#segments = r.segments;
    log.#logStartOffset = r.logStartOffset;
    if (r.truncatedBytes > 0) {
      log.counters.tornTailTruncations++;
      log.counters.truncatedBytes += r.truncatedBytes;
    }
    const active = log.active;
    if (r.corruption) {
      const c = r.corruption;
      log.#offline = new StreamBusError("PARTITION_OFFLINE", `partition offline: corrupt log file ${c.path} at byte ${c.position}: ${c.reason}`, { ...c });
    }
    await log.#writer.start(active.nextOffset);
    if (!active.indexesLoaded) await log.#loadIndexes(active);
    return log;
  }

  /** The settings in force (read on every use, so {@link reconfigure} takes effect at once). */
  get config(): LogConfig { return this.#config; }

  /**
   * Applies changed topic settings (retention, segment size, flush policy, ...) to the open log. New
   * segments pick up a new index interval; existing files are not rewritten.
   */
  reconfigure(partial: Partial<LogConfig>): void {
    this.#config = resolveLogConfig({ ...this.#config, ...partial });
  }

  get active(): Segment { return this.#segments[this.#segments.length - 1]!; }
  get logStartOffset(): bigint { return this.#logStartOffset; }
  /** Offset after the last batch written to the OS. */
  get logEndOffset(): bigint { return this.#writer.logEndOffset; }
  /** Offset after the last acknowledged batch (for fsync: covered by an fdatasync). Reads stop here by default. */
  get highWatermark(): bigint { return this.#writer.highWatermark; }
  /** The error every operation fails with once the partition is offline, else null. */
  get offlineError(): StreamBusError | null { return this.#offline; }
  get segmentCount(): number { return this.#segments.length; }
  /** Total bytes of all segment logs. */
  get sizeBytes(): number { return this.#segments.reduce((n, s) => n + s.sizeBytes, 0); }
  /** The segments, oldest first (a copy: the list changes across awaits). */
  segments(): Segment[] { return [...this.#segments]; }

  /**
   * Appends already-validated RecordBatch v2 bytes (one or more batches). Offsets are assigned by
   * rewriting baseOffset in place (and the leader epoch, if given). Resolves per the flush policy.
   * The caller must have checked every batch's CRC (or computed it over these bytes): the log counts
   * appended bytes as verified and does not check them again on read in this process.
   */
  append(bytes: Uint8Array, opts: { leaderEpoch?: number } = {}): Promise<AppendResult> {
    return this.#writer.append(bytes, opts.leaderEpoch);
  }

  /** For the interval policy: flushes when flushIntervalBytes or flushIntervalMs have passed. Safe to call from a timer. */
  flushIfDue(): Promise<void> {
    return this.#writer.flushIfDue();
  }

  /** Makes everything written so far durable. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Closes the active segment (synced, indexes written) and starts a new one at the log end. Writer-only. */
  roll(): Promise<void> {
    return this.#writer.roll();
  }

  /**
   * Whole batches from `offset` on, at most `maxBytes` (but always at least one batch), from one segment,
   * stopping before `maxOffset` (default: the high watermark).
   */
  async read(offset: bigint, maxBytes: number, opts: { maxOffset?: bigint } = {}): Promise<ReadResult> {
    this.#checkReadable();
    assert(maxBytes > 0, "maxBytes must be positive");
    return this.#lock.shared(async () => {
      const maxOffset = opts.maxOffset ?? this.highWatermark;
      if (offset < this.#logStartOffset || offset > this.logEndOffset) {
        throw new StreamBusError("OFFSET_OUT_OF_RANGE", `offset ${offset} is outside [${this.#logStartOffset}, ${this.logEndOffset}] of ${this.dir}`);
      }
      const empty = (): ReadResult => ({ bytes: new Uint8Array(0), nextOffset: offset, highWatermark: this.highWatermark, logStartOffset: this.#logStartOffset });
      let at = offset;
      let retried = false;
      for (let i = this.#segmentIndexFor(offset); i < this.#segments.length; i++) {
        const seg = this.#segments[i]!;
        if (seg.baseOffset >= maxOffset) break;
        if (!seg.indexesLoaded) await this.#loadIndexes(seg);
        const lease = await seg.lease(this.#cache);
        try {
          const segmentEndOffset = this.#segments[i + 1]?.baseOffset ?? this.logEndOffset;
          const active = i === this.#segments.length - 1;
          const recentFromPosition = active ? seg.sizeBytes - RECENT_TAIL_BYTES : Infinity;
          const limits = { maxBytes, maxOffset, endPosition: seg.sizeBytes, segmentEndOffset, maxBatchBytes: this.config.maxBatchBytes, verify: this.config.verifyReads, recentFromPosition };
          const r = await readSegment(seg, lease.file, at, limits);
          if (r) return { bytes: r.bytes, nextOffset: r.lastOffset + 1n, highWatermark: this.highWatermark, logStartOffset: this.#logStartOffset };
        } catch (e) {
          if (e instanceof IndexMismatch && !retried) {
            retried = true;
            this.#logger.warn("index disagrees with the log; rebuilding", { path: seg.logPath });
            this.counters.indexRebuilds++;
            await seg.rebuildIndexes(this.#cache, this.config.maxBatchBytes);
            i--;
            continue;
          }
          throw this.#readError(e);
        } finally {
          lease.release();
        }
        const nextSeg = this.#segments[i + 1];
        if (nextSeg) at = nextSeg.baseOffset;
      }
      return empty();
    });
  }

  /** First record (offset and its timestamp) whose timestamp is >= `timestampMs` (Kafka ListOffsets by time), or null if none. */
  async offsetForTimestamp(timestampMs: number): Promise<{ offset: bigint; timestampMs: number } | null> {
    this.#checkReadable();
    return this.#lock.shared(async () => {
      for (const seg of this.#segments) {
        if (seg.nextOffset <= this.#logStartOffset && seg !== this.active) continue;
        if (!seg.indexesLoaded) await this.#loadIndexes(seg);
        if (seg.maxTimestampMs < timestampMs) continue;
        const lease = await seg.lease(this.#cache);
        try {
          const r = await findByTimestamp(seg, lease.file, timestampMs, this.#logStartOffset, seg.sizeBytes, this.config.maxBatchBytes);
          if (r && r.offset < this.highWatermark) return r;
        } catch (e) {
          throw this.#readError(e);
        } finally {
          lease.release();
        }
      }
      return null;
    });
  }

  /** Moves the log start offset forward (persisted) and deletes segments wholly below it. Returns the new start. */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    this.#checkWritable();
    if (offset > this.highWatermark) throw new StreamBusError("OFFSET_OUT_OF_RANGE", `cannot delete records before ${offset}: the high watermark is ${this.highWatermark}`);
    if (offset <= this.#logStartOffset) return this.#logStartOffset;
    await this.#setLogStart(offset);
    let count = 0;
    while (count < this.#segments.length - 1 && this.#segments[count + 1]!.baseOffset <= offset) count++;
    await this.removeOldestSegments(count, "delete-records");
    return this.#logStartOffset;
  }

  async #setLogStart(offset: bigint): Promise<void> {
    if (offset <= this.#logStartOffset) return;
    await writeSmallFile(this.#io, join(this.dir, LOG_START_FILE), { offset: offset.toString() });
    this.#logStartOffset = offset;
  }

  /** Deletes the `count` oldest segments (never the active one), moving the log start past them. */
  async removeOldestSegments(count: number, reason: string): Promise<void> {
    if (count <= 0) return;
    await this.#lock.exclusive(async () => {
      const n = Math.min(count, this.#segments.length - 1);
      if (n <= 0) return;
      await this.#setLogStart(this.#segments[n]!.baseOffset);
      const dead = this.#segments.splice(0, n);
      for (const seg of dead) {
        seg.retired = true;
        this.#cache.retire(seg.cacheKey);
        await deleteSegmentFiles(this.#io, seg);
        this.#logger.info("deleted segment", { path: seg.logPath, reason });
      }
    });
  }

  /** Runs `fn` with no reads in flight (the cleaner swaps files under it). */
  withExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.exclusive(fn);
  }

  /** Replaces a closed segment object after its file was swapped by the cleaner (under {@link withExclusive}). */
  replaceSegment(old: Segment, fresh: Segment): void {
    const i = this.#segments.indexOf(old);
    assert(i >= 0 && old !== this.active, "only closed segments are replaced");
    this.#segments[i] = fresh;
    old.retired = true;
    this.#cache.retire(old.cacheKey);
  }

  /** The file cache and io, for the cleaner. */
  get internals(): { io: StorageIO; cache: FileCache; clock: Clock; logger: StorageLogger } {
    return { io: this.#io, cache: this.#cache, clock: this.#clock, logger: this.#logger };
  }

  /** Finishes queued appends, syncs, writes indexes and the clean-shutdown checkpoint, closes files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writer.close();
    for (const seg of this.#segments) this.#cache.retire(seg.cacheKey);
    if (this.#ownCache) await this.#cache.closeAll();
  }

  /** Loads a closed segment's indexes (and its largest timestamp) if not yet in memory. */
  async ensureIndexes(seg: Segment): Promise<void> {
    if (!seg.indexesLoaded) await this.#loadIndexes(seg);
  }

  async #loadIndexes(seg: Segment): Promise<void> {
    if ((await seg.loadIndexes(this.#io, this.#cache, this.config.maxBatchBytes)) === "rebuilt") this.counters.indexRebuilds++;
  }

  #segmentIndexFor(offset: bigint): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #readError(e: unknown): unknown {
    if (e instanceof SegmentCorruption) {
      const details = { path: e.path, position: e.position, reason: e.reason };
      this.#goOffline(new StreamBusError("PARTITION_OFFLINE", `partition offline: ${e.message}`, details));
      return new StreamBusError("CORRUPT_MESSAGE", e.message, details);
    }
    return e;
  }

  #goOffline(e: StreamBusError): void {
    if (this.#offline) return;
    this.#offline = e;
    this.#logger.error("partition log offline", { dir: this.dir, error: e.message, ...e.details });
  }

  #checkReadable(): void {
    if (this.#offline) throw this.#offline;
    if (this.#closed) throw new StreamBusError("SHUTTING_DOWN", `log ${this.dir} is closed`);
  }

  #checkWritable(): void {
    this.#checkReadable();
  }
}
