/**
 * The partition log: one directory of segments, appended by a single writer task with group commit,
 * read concurrently. See storage/README.md for the invariants and who owns what between awaits.
 */
import { join } from "node:path";
import { readBatchHeader, rewriteBatchOffsets, MAGIC_V2, type BatchHeader } from "../protocol/batch-header.ts";
import { StreamBusError, assert, isStreamBusError, toStreamBusError } from "../protocol/errors.ts";
import { type Clock, type LogConfig, type StorageLogger, SILENT_LOGGER, resolveLogConfig } from "./config.ts";
import { FileCache, type FileLease } from "./file-cache.ts";
import { isErrno, type StorageIO } from "./io.ts";
import { CLEAN_SHUTDOWN_FILE, LOG_START_FILE, RECOVERY_POINT_FILE, deleteSegmentFiles, recoverLog } from "./recovery.ts";
import { RwLock } from "./rw-lock.ts";
import { Segment } from "./segment.ts";
import { IndexMismatch, SegmentCorruption, findByTimestamp, readSegment } from "./segment-read.ts";
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

interface PendingAppend {
  bytes: Uint8Array;
  headers: BatchHeader[];
  leaderEpoch: number | undefined;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
  result?: AppendResult;
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
  readonly #onHighWatermark: ((hw: bigint) => void) | undefined;
  readonly #lock = new RwLock();
  #segments: Segment[] = [];
  #activeLease!: FileLease;
  #logStartOffset = 0n;
  #logEndOffset = 0n;
  #highWatermark = 0n;
  #offline: StreamBusError | null = null;
  #closed = false;
  #queue: PendingAppend[] = [];
  #queuedBytes = 0;
  #draining: Promise<void> | null = null;
  #unflushedBytes = 0;
  #lastFlushMs = 0;
  #queueSpace: (() => void)[] = [];

  private constructor(readonly dir: string, opts: PartitionLogOptions) {
    this.#config = resolveLogConfig(opts.config);
    this.#io = opts.io;
    this.#clock = opts.clock;
    this.#logger = opts.logger ?? SILENT_LOGGER;
    this.#ownCache = !opts.fileCache;
    this.#cache = opts.fileCache ?? new FileCache(opts.io, 64);
    this.#onHighWatermark = opts.onHighWatermark;
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
    log.#logEndOffset = active.nextOffset;
    log.#highWatermark = active.nextOffset;
    log.#lastFlushMs = opts.clock.nowMs();
    if (r.corruption) {
      const c = r.corruption;
      log.#offline = new StreamBusError("PARTITION_OFFLINE", `partition offline: corrupt log file ${c.path} at byte ${c.position}: ${c.reason}`, { ...c });
    }
    log.#activeLease = await active.lease(log.#cache);
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
  get logEndOffset(): bigint { return this.#logEndOffset; }
  /** Offset after the last acknowledged batch (for fsync: covered by an fdatasync). Reads stop here by default. */
  get highWatermark(): bigint { return this.#highWatermark; }
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
   */
  async append(bytes: Uint8Array, opts: { leaderEpoch?: number } = {}): Promise<AppendResult> {
    this.#checkWritable();
    const headers: BatchHeader[] = [];
    for (let pos = 0; pos < bytes.byteLength; ) {
      const h = readBatchHeader(bytes, pos);
      assert(h.magic === MAGIC_V2 && h.sizeBytes > 0 && pos + h.sizeBytes <= bytes.byteLength, "append takes validated batches");
      headers.push(h);
      pos += h.sizeBytes;
    }
    assert(headers.length > 0, "append of no batches");
    while (this.#queuedBytes > this.config.queueBytesMax) await new Promise<void>((r) => this.#queueSpace.push(r));
    this.#checkWritable();
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ bytes, headers, leaderEpoch: opts.leaderEpoch, resolve, reject });
      this.#queuedBytes += bytes.byteLength;
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#draining) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = null;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  /** The single writer: takes every queued append that fits, one write, one fdatasync, then acks them all. */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      if (this.#offline) {
        this.#rejectQueue(this.#offline);
        return;
      }
      try {
        await this.#maybeRoll(this.#queue[0]!.bytes.byteLength);
      } catch (e) {
        this.#rejectQueue(this.#writeError(e));
        continue;
      }
      await this.#writeGroup(this.#takeGroup());
    }
  }

  #takeGroup(): PendingAppend[] {
    const group: PendingAppend[] = [];
    let bytes = 0;
    const room = Math.max(0, this.config.segmentBytes - this.active.sizeBytes);
    while (this.#queue.length > 0) {
      const n = this.#queue[0]!.bytes.byteLength;
      if (group.length > 0 && (bytes + n > this.config.writeBytesMax || bytes + n > room)) break;
      group.push(this.#queue.shift()!);
      bytes += n;
    }
    this.#queuedBytes -= bytes;
    for (const wake of this.#queueSpace.splice(0)) wake();
    return group;
  }

  async #writeGroup(group: PendingAppend[]): Promise<void> {
    const seg = this.active;
    const file = this.#activeLease.file;
    const startPosition = seg.sizeBytes;
    let next = this.#logEndOffset;
    for (const item of group) {
      const base = next;
      let pos = 0;
      for (const h of item.headers) {
        rewriteBatchOffsets(item.bytes, pos, next, item.leaderEpoch ?? h.partitionLeaderEpoch);
        h.baseOffset = next;
        next += BigInt(h.lastOffsetDelta) + 1n;
        pos += h.sizeBytes;
      }
      item.result = { baseOffset: base, lastOffset: next - 1n };
    }
    const buf = group.length === 1 ? group[0]!.bytes : Buffer.concat(group.map((g) => g.bytes));
    try {
      await file.write(buf, startPosition);
      this.counters.writes++;
    } catch (e) {
      await this.#undoWrite(startPosition);
      return this.#rejectGroup(group, this.#writeError(e));
    }
    const syncFirst = this.config.flushPolicy === "fsync" && !this.config.unsafeAckBeforeFsync;
    if (syncFirst) {
      try {
        await this.#datasyncActive();
      } catch (e) {
        // Nothing of this group was acknowledged or indexed: cut it off so no unacknowledged half-state stays.
        await this.#undoWrite(startPosition);
        return this.#rejectGroup(group, this.#writeError(e));
      }
    }
    // Only now does the segment grow in memory: readers never see bytes that might be cut off above.
    let pos = startPosition;
    for (const item of group) {
      for (const h of item.headers) {
        seg.noteBatch(h, pos);
        pos += h.sizeBytes;
      }
    }
    seg.sizeBytes = pos;
    this.#logEndOffset = next;
    this.#unflushedBytes += syncFirst ? 0 : buf.byteLength;
    this.counters.appendedBatches += group.reduce((n, g) => n + g.headers.length, 0);
    this.#advanceHighWatermark(next);
    for (const item of group) item.resolve(item.result!);
    if (this.config.flushPolicy === "fsync" && this.config.unsafeAckBeforeFsync) await this.#datasyncActive().catch(() => undefined);
    if (this.config.flushPolicy === "interval") await this.flushIfDue();
  }

  async #datasyncActive(): Promise<void> {
    await this.#activeLease.file.datasync();
    this.counters.fsyncs++;
    this.#unflushedBytes = 0;
    this.#lastFlushMs = this.#clock.nowMs();
  }

  /** For the interval policy: flushes when flushIntervalBytes or flushIntervalMs have passed. Safe to call from a timer. */
  async flushIfDue(): Promise<void> {
    if (this.#unflushedBytes === 0 || this.#closed || this.#offline) return;
    const due = this.#unflushedBytes >= this.config.flushIntervalBytes || this.#clock.nowMs() - this.#lastFlushMs >= this.config.flushIntervalMs;
    if (due) await this.#datasyncActive().catch((e) => this.#logger.warn("interval flush failed", { dir: this.dir, error: String(e) }));
  }

  /** Makes everything written so far durable. */
  async flush(): Promise<void> {
    await this.#draining;
    if (this.#unflushedBytes > 0) await this.#datasyncActive();
  }

  #advanceHighWatermark(hw: bigint): void {
    if (hw <= this.#highWatermark) return;
    this.#highWatermark = hw;
    this.#onHighWatermark?.(hw);
  }

  async #undoWrite(position: number): Promise<void> {
    try {
      await this.#activeLease.file.truncate(position);
      this.active.sizeBytes = position;
    } catch (e) {
      this.#goOffline(new StreamBusError("PARTITION_OFFLINE", `cannot truncate ${this.active.logPath} back to ${position} after a failed write: ${String(e)}`));
    }
  }

  #writeError(e: unknown): StreamBusError {
    if (isErrno(e, "ENOSPC") || isStreamBusError(e, "DISK_FULL")) {
      this.counters.diskFullErrors++;
      return toStreamBusError(e);
    }
    if (isStreamBusError(e)) return e;
    return new StreamBusError("STORAGE_ERROR", `write to ${this.dir} failed: ${String(e)}`, undefined, { cause: e });
  }

  #rejectGroup(group: PendingAppend[], e: StreamBusError): void {
    for (const item of group) item.reject(e);
  }

  #rejectQueue(e: StreamBusError): void {
    const q = this.#queue.splice(0);
    this.#queuedBytes = 0;
    for (const wake of this.#queueSpace.splice(0)) wake();
    this.#rejectGroup(q, e);
  }

  async #maybeRoll(nextBytes: number): Promise<void> {
    const seg = this.active;
    if (seg.sizeBytes === 0) return;
    const full = seg.sizeBytes + nextBytes > this.config.segmentBytes;
    const old = this.#clock.nowMs() - seg.createdAtMs >= this.config.segmentMs;
    if (full || old) await this.roll();
  }

  /** Closes the active segment (synced, indexes written) and starts a new one at the log end. Writer-only. */
  async roll(): Promise<void> {
    const old = this.active;
    await this.#activeLease.file.datasync();
    this.#unflushedBytes = 0;
    await old.writeIndexes(this.#io).catch(async (e) => {
      this.#logger.warn("could not write segment indexes; they will be rebuilt", { path: old.indexPath, error: String(e) });
      for (const p of [old.indexPath, old.timeIndexPath]) await this.#io.unlink(p).catch(() => undefined);
    });
    const seg = new Segment(this.dir, { baseOffset: this.#logEndOffset, sizeBytes: 0, nextOffset: this.#logEndOffset, createdAtMs: this.#clock.nowMs() }, this.config.indexIntervalBytes);
    seg.resetIndexes();
    try {
      await (await this.#io.open(seg.logPath, "create")).close();
      await this.#io.fsyncDir(this.dir);
    } catch (e) {
      await this.#io.unlink(seg.logPath).catch(() => undefined);
      throw e;
    }
    const lease = await seg.lease(this.#cache);
    this.#segments.push(seg);
    this.#activeLease.release();
    this.#activeLease = lease;
    await writeSmallFile(this.#io, join(this.dir, RECOVERY_POINT_FILE), { offset: seg.baseOffset.toString() }).catch((e) =>
      this.#logger.warn("could not write the recovery point; the next recovery scans more", { dir: this.dir, error: String(e) }),
    );
  }

  /**
   * Whole batches from `offset` on, at most `maxBytes` (but always at least one batch), from one segment,
   * stopping before `maxOffset` (default: the high watermark).
   */
  async read(offset: bigint, maxBytes: number, opts: { maxOffset?: bigint } = {}): Promise<ReadResult> {
    this.#checkReadable();
    assert(maxBytes > 0, "maxBytes must be positive");
    return this.#lock.shared(async () => {
      const maxOffset = opts.maxOffset ?? this.#highWatermark;
      if (offset < this.#logStartOffset || offset > this.#logEndOffset) {
        throw new StreamBusError("OFFSET_OUT_OF_RANGE", `offset ${offset} is outside [${this.#logStartOffset}, ${this.#logEndOffset}] of ${this.dir}`);
      }
      const empty = (): ReadResult => ({ bytes: new Uint8Array(0), nextOffset: offset, highWatermark: this.#highWatermark, logStartOffset: this.#logStartOffset });
      let at = offset;
      let retried = false;
      for (let i = this.#segmentIndexFor(offset); i < this.#segments.length; i++) {
        const seg = this.#segments[i]!;
        if (seg.baseOffset >= maxOffset) break;
        if (!seg.indexesLoaded) await this.#loadIndexes(seg);
        const lease = await seg.lease(this.#cache);
        try {
          const segmentEndOffset = this.#segments[i + 1]?.baseOffset ?? this.#logEndOffset;
          const limits = { maxBytes, maxOffset, endPosition: seg.sizeBytes, segmentEndOffset, maxBatchBytes: this.config.maxBatchBytes, verify: this.config.verifyReads };
          const r = await readSegment(seg, lease.file, at, limits);
          if (r) return { bytes: r.bytes, nextOffset: r.lastOffset + 1n, highWatermark: this.#highWatermark, logStartOffset: this.#logStartOffset };
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

  /** First batch whose max timestamp is >= `timestampMs` (Kafka ListOffsets by time), or null if none. */
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
          if (r && r.offset < this.#highWatermark) return r;
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
    if (offset > this.#highWatermark) throw new StreamBusError("OFFSET_OUT_OF_RANGE", `cannot delete records before ${offset}: the high watermark is ${this.#highWatermark}`);
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
    while (this.#draining) await this.#draining;
    const active = this.active;
    if (!this.#offline) {
      await this.#activeLease.file.datasync();
      await active.writeIndexes(this.#io);
      await writeSmallFile(this.#io, join(this.dir, CLEAN_SHUTDOWN_FILE), {
        logEndOffset: this.#logEndOffset.toString(),
        activeBaseOffset: active.baseOffset.toString(),
        activeSizeBytes: active.sizeBytes,
      });
    }
    this.#activeLease.release();
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
