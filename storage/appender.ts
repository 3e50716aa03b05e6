/**
 * The partition log's single writer: appends queue here and one task drains them with group commit (one
 * write and, under `fsync`, one fdatasync per group), rolls segments and applies the flush policy. It alone
 * moves the tail: the active segment's file and size, the log end offset and the high watermark.
 * See storage/README.md for the invariants.
 */
import { join } from "node:path";
import { readBatchHeader, rewriteBatchOffsets, MAGIC_V2, type BatchHeader } from "../protocol/batch-header.ts";
import { StreamBusError, assert, isStreamBusError, toStreamBusError } from "../protocol/errors.ts";
import type { Clock, LogConfig, StorageLogger } from "./config.ts";
import type { FileCache, FileLease } from "./file-cache.ts";
import { isErrno, type StorageIO } from "./io.ts";
import type { AppendResult, LogCounters } from "./log.ts";
import { CLEAN_SHUTDOWN_FILE, RECOVERY_POINT_FILE } from "./recovery.ts";
import { Segment } from "./segment.ts";
import { writeSmallFile } from "./small-file.ts";

/** What the writer needs from its PartitionLog: the surroundings, and the few pieces of log state it reads or changes. */
export interface AppenderHost {
  readonly dir: string;
  readonly io: StorageIO;
  readonly clock: Clock;
  readonly logger: StorageLogger;
  readonly cache: FileCache;
  readonly counters: LogCounters;
  readonly onHighWatermark: ((hw: bigint) => void) | undefined;
  /** The settings in force (read on every use, so a reconfigure takes effect at once). */
  config(): LogConfig;
  /** The active (newest) segment. */
  active(): Segment;
  /** Adds a new active segment after the current one (roll). */
  addSegment(seg: Segment): void;
  offline(): StreamBusError | null;
  closed(): boolean;
  /** Throws the offline error, or SHUTTING_DOWN once closed. */
  checkWritable(): void;
  goOffline(e: StreamBusError): void;
}

interface PendingAppend {
  bytes: Uint8Array;
  headers: BatchHeader[];
  leaderEpoch: number | undefined;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
  result?: AppendResult;
}

/** See module doc. Start it with {@link start} before the first append. */
export class Appender {
  readonly #host: AppenderHost;
  #activeLease!: FileLease;
  #logEndOffset = 0n;
  #highWatermark = 0n;
  #queue: PendingAppend[] = [];
  #queuedBytes = 0;
  #draining: Promise<void> | null = null;
  #unflushedBytes = 0;
  #lastFlushMs = 0;
  #queueSpace: (() => void)[] = [];

  constructor(host: AppenderHost) {
    this.#host = host;
  }

  /** Offset after the last batch written to the OS. */
  get logEndOffset(): bigint { return this.#logEndOffset; }
  /** Offset after the last acknowledged batch. */
  get highWatermark(): bigint { return this.#highWatermark; }

  /** Takes over the recovered tail: everything recovered counts as written and acknowledged. Leases the active file. */
  async start(logEndOffset: bigint): Promise<void> {
    this.#logEndOffset = logEndOffset;
    this.#highWatermark = logEndOffset;
    this.#lastFlushMs = this.#host.clock.nowMs();
    this.#activeLease = await this.#host.active().lease(this.#host.cache);
  }

  /** See {@link PartitionLog.append}. */
  async append(bytes: Uint8Array, leaderEpoch: number | undefined): Promise<AppendResult> {
    this.#host.checkWritable();
    const headers: BatchHeader[] = [];
    for (let pos = 0; pos < bytes.byteLength; ) {
      const h = readBatchHeader(bytes, pos);
      assert(h.magic === MAGIC_V2 && h.sizeBytes > 0 && pos + h.sizeBytes <= bytes.byteLength, "append takes validated batches");
      headers.push(h);
      pos += h.sizeBytes;
    }
    assert(headers.length > 0, "append of no batches");
    while (this.#queuedBytes > this.#host.config().queueBytesMax) await new Promise<void>((r) => this.#queueSpace.push(r));
    this.#host.checkWritable();
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ bytes, headers, leaderEpoch, resolve, reject });
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
      const offline = this.#host.offline();
      if (offline) {
        this.#rejectQueue(offline);
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
    const config = this.#host.config();
    const group: PendingAppend[] = [];
    let bytes = 0;
    const room = Math.max(0, config.segmentBytes - this.#host.active().sizeBytes);
    while (this.#queue.length > 0) {
      const n = this.#queue[0]!.bytes.byteLength;
      if (group.length > 0 && (bytes + n > config.writeBytesMax || bytes + n > room)) break;
      group.push(this.#queue.shift()!);
      bytes += n;
    }
    this.#queuedBytes -= bytes;
    for (const wake of this.#queueSpace.splice(0)) wake();
    return group;
  }

  async #writeGroup(group: PendingAppend[]): Promise<void> {
    const seg = this.#host.active();
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
    // One vectored write for the whole group: no concatenating copy of the batches.
    const bufs = group.map((g) => g.bytes);
    const groupBytes = bufs.reduce((n, b) => n + b.byteLength, 0);
    try {
      if (bufs.length === 1) await file.write(bufs[0]!, startPosition);
      else await file.writev(bufs, startPosition);
      this.#host.counters.writes++;
    } catch (e) {
      await this.#undoWrite(startPosition);
      return this.#rejectGroup(group, this.#writeError(e));
    }
    const syncFirst = this.#host.config().flushPolicy === "fsync" && !this.#host.config().unsafeAckBeforeFsync;
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
    // Every append path checked (produce) or computed (group records) each batch's CRC before this write.
    seg.verified.noteAppended(startPosition, pos);
    this.#logEndOffset = next;
    this.#unflushedBytes += syncFirst ? 0 : groupBytes;
    this.#host.counters.appendedBatches += group.reduce((n, g) => n + g.headers.length, 0);
    this.#advanceHighWatermark(next);
    for (const item of group) item.resolve(item.result!);
    if (this.#host.config().flushPolicy === "fsync" && this.#host.config().unsafeAckBeforeFsync) await this.#datasyncActive().catch(() => undefined);
    if (this.#host.config().flushPolicy === "interval") await this.flushIfDue();
  }

  async #datasyncActive(): Promise<void> {
    await this.#activeLease.file.datasync();
    this.#host.counters.fsyncs++;
    this.#unflushedBytes = 0;
    this.#lastFlushMs = this.#host.clock.nowMs();
  }

  /** See {@link PartitionLog.flushIfDue}. */
  async flushIfDue(): Promise<void> {
    const host = this.#host;
    if (this.#unflushedBytes === 0 || host.closed() || host.offline()) return;
    const config = host.config();
    const due = this.#unflushedBytes >= config.flushIntervalBytes || host.clock.nowMs() - this.#lastFlushMs >= config.flushIntervalMs;
    if (due) await this.#datasyncActive().catch((e) => host.logger.warn("interval flush failed", { dir: host.dir, error: String(e) }));
  }

  /** See {@link PartitionLog.flush}. */
  async flush(): Promise<void> {
    await this.#draining;
    if (this.#unflushedBytes > 0) await this.#datasyncActive();
  }

  #advanceHighWatermark(hw: bigint): void {
    if (hw <= this.#highWatermark) return;
    this.#highWatermark = hw;
    this.#host.onHighWatermark?.(hw);
  }

  async #undoWrite(position: number): Promise<void> {
    try {
      await this.#activeLease.file.truncate(position);
      this.#host.active().sizeBytes = position;
      this.#host.active().verified.truncated(position);
    } catch (e) {
      this.#host.goOffline(new StreamBusError("PARTITION_OFFLINE", `cannot truncate ${this.#host.active().logPath} back to ${position} after a failed write: ${String(e)}`));
    }
  }

  #writeError(e: unknown): StreamBusError {
    if (isErrno(e, "ENOSPC") || isStreamBusError(e, "DISK_FULL")) {
      this.#host.counters.diskFullErrors++;
      return toStreamBusError(e);
    }
    if (isStreamBusError(e)) return e;
    return new StreamBusError("STORAGE_ERROR", `write to ${this.#host.dir} failed: ${String(e)}`, undefined, { cause: e });
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
    const seg = this.#host.active();
    if (seg.sizeBytes === 0) return;
    const full = seg.sizeBytes + nextBytes > this.#host.config().segmentBytes;
    const old = this.#host.clock.nowMs() - seg.createdAtMs >= this.#host.config().segmentMs;
    if (full || old) await this.roll();
  }

  /** See {@link PartitionLog.roll}. */
  async roll(): Promise<void> {
    const { dir, io, clock, logger, cache } = this.#host;
    const old = this.#host.active();
    await this.#activeLease.file.datasync();
    this.#unflushedBytes = 0;
    await old.writeIndexes(io).catch(async (e) => {
      logger.warn("could not write segment indexes; they will be rebuilt", { path: old.indexPath, error: String(e) });
      for (const p of [old.indexPath, old.timeIndexPath]) await io.unlink(p).catch(() => undefined);
    });
    const seg = new Segment(dir, { baseOffset: this.#logEndOffset, sizeBytes: 0, nextOffset: this.#logEndOffset, createdAtMs: clock.nowMs() }, this.#host.config().indexIntervalBytes);
    seg.resetIndexes();
    try {
      await (await io.open(seg.logPath, "create")).close();
      await io.fsyncDir(dir);
    } catch (e) {
      await io.unlink(seg.logPath).catch(() => undefined);
      throw e;
    }
    const lease = await seg.lease(cache);
    this.#host.addSegment(seg);
    this.#activeLease.release();
    this.#activeLease = lease;
    await writeSmallFile(io, join(dir, RECOVERY_POINT_FILE), { offset: seg.baseOffset.toString() }).catch((e) =>
      logger.warn("could not write the recovery point; the next recovery scans more", { dir, error: String(e) }),
    );
  }

  /**
   * For close (after the log refuses new appends): finishes queued appends, then, unless offline, syncs the
   * active segment and writes its indexes and the clean-shutdown checkpoint; releases the active file.
   */
  async close(): Promise<void> {
    while (this.#draining) await this.#draining;
    const active = this.#host.active();
    if (!this.#host.offline()) {
      await this.#activeLease.file.datasync();
      await active.writeIndexes(this.#host.io);
      await writeSmallFile(this.#host.io, join(this.#host.dir, CLEAN_SHUTDOWN_FILE), {
        logEndOffset: this.#logEndOffset.toString(),
        activeBaseOffset: active.baseOffset.toString(),
        activeSizeBytes: active.sizeBytes,
      });
    }
    this.#activeLease.release();
  }
}
