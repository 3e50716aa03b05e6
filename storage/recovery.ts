/**
 * Opening a partition directory. After a clean close (a valid `clean-shutdown` checkpoint that matches the
 * files) nothing is scanned. Otherwise every segment from the `recovery-point` on is scanned batch by batch
 * (length, magic, CRC32C, increasing offsets): a bad tail of the last segment is a torn write and is
 * truncated; bad bytes in an earlier (closed, synced) segment are corruption and take the partition offline.
 * Leftovers of interrupted work (`*.tmp`, `*.cleaned`, segments below the log start) are deleted.
 */
import { join } from "node:path";
import type { Clock, LogConfig, StorageLogger } from "./config.ts";
import { scanBatches } from "./batch-scan.ts";
import type { FileCache } from "./file-cache.ts";
import type { StorageIO } from "./io.ts";
import { INDEX_SUFFIX, LOG_SUFFIX, Segment, TIME_INDEX_SUFFIX, segmentFileStem } from "./segment.ts";
import { readSmallFile, removeSmallFile } from "./small-file.ts";

export const CLEAN_SHUTDOWN_FILE = "clean-shutdown";
export const RECOVERY_POINT_FILE = "recovery-point";
export const LOG_START_FILE = "log-start-offset";
export const CLEANED_SUFFIX = ".cleaned";

export interface RecoveryContext {
  dir: string;
  io: StorageIO;
  cache: FileCache;
  config: LogConfig;
  clock: Clock;
  logger: StorageLogger;
}

export interface Corruption {
  path: string;
  position: number;
  reason: string;
}

export interface RecoveredLog {
  segments: Segment[];
  logStartOffset: bigint;
  cleanShutdown: boolean;
  /** Bytes cut off torn tails (0 after a clean close). */
  truncatedBytes: number;
  /** Set when a closed segment holds bad bytes: the partition must go offline. */
  corruption: Corruption | null;
}

interface CleanCheckpoint {
  logEndOffset: string;
  activeBaseOffset: string;
  activeSizeBytes: number;
}

/** See module doc. Leaves the directory ready for appends (clean marker removed durably). */
export async function recoverLog(ctx: RecoveryContext): Promise<RecoveredLog> {
  const { dir, io, config } = ctx;
  await io.mkdir(dir);
  const bases = await listSegmentsAndClean(io, dir);
  const persistedStart = parseOffset(await readSmallFile(io, join(dir, LOG_START_FILE)));
  const recoveryPoint = parseOffset(await readSmallFile(io, join(dir, RECOVERY_POINT_FILE))) ?? 0n;
  const clean = (await readSmallFile(io, join(dir, CLEAN_SHUTDOWN_FILE))) as CleanCheckpoint | null;

  if (bases.length === 0) bases.push(persistedStart ?? 0n);
  const now = ctx.clock.nowMs();
  const segments: Segment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!;
    const st = await io.stat(join(dir, segmentFileStem(base) + LOG_SUFFIX));
    const next = bases[i + 1] ?? base;
    segments.push(new Segment(dir, { baseOffset: base, sizeBytes: st?.sizeBytes ?? 0, nextOffset: next, createdAtMs: now }, config.indexIntervalBytes));
  }
  if (!(await io.stat(segments[0]!.logPath))) {
    await (await io.open(segments[0]!.logPath, "create")).close();
    await io.fsyncDir(dir);
  }

  const active = segments[segments.length - 1]!;
  const result: RecoveredLog = { segments, logStartOffset: 0n, cleanShutdown: false, truncatedBytes: 0, corruption: null };
  const cleanMatches = clean !== null && BigInt(clean.activeBaseOffset) === active.baseOffset && clean.activeSizeBytes === active.sizeBytes;
  if (cleanMatches) {
    active.nextOffset = BigInt(clean.logEndOffset);
    result.cleanShutdown = true;
  } else {
    if (clean) ctx.logger.warn("clean-shutdown checkpoint does not match the files; recovering", { dir });
    await scanFrom(ctx, segments, recoveryPoint, result);
  }
  // Appends after this point must not be mistaken for a clean state by the next open.
  await removeSmallFile(io, join(dir, CLEAN_SHUTDOWN_FILE));

  const firstBase = segments[0]!.baseOffset;
  result.logStartOffset = persistedStart !== null && persistedStart > firstBase ? persistedStart : firstBase;
  // Segments wholly below the log start are leftovers of a deletion interrupted by a crash.
  while (segments.length > 1 && segments[1]!.baseOffset <= result.logStartOffset) {
    const dead = segments.shift()!;
    ctx.cache.retire(dead.cacheKey);
    await deleteSegmentFiles(io, dead);
  }
  return result;
}

/** Scans segments at or after the recovery point; fixes a torn tail, reports corruption. */
async function scanFrom(ctx: RecoveryContext, segments: Segment[], recoveryPoint: bigint, out: RecoveredLog): Promise<void> {
  const { io, cache, config, logger } = ctx;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const isLast = i === segments.length - 1;
    const nextBase = segments[i + 1]?.baseOffset;
    if (!isLast && nextBase! <= recoveryPoint) continue; // synced and checkpointed before the crash
    const lease = await seg.lease(cache);
    try {
      seg.resetIndexes();
      const r = await scanBatches(lease.file, { startPosition: 0, endPosition: seg.sizeBytes, minBaseOffset: seg.baseOffset, maxBatchBytes: config.maxBatchBytes }, (b) => {
        if (nextBase !== undefined && b.header.baseOffset >= nextBase) return false;
        seg.noteBatch(b.header, b.position);
      });
      const bad = r.invalidReason !== undefined || r.validEndPosition < seg.sizeBytes;
      if (bad && !isLast) {
        out.corruption = { path: seg.logPath, position: r.validEndPosition, reason: r.invalidReason ?? "batch beyond the next segment's base offset" };
        logger.error("corrupt closed segment; partition goes offline", { ...out.corruption });
        return;
      }
      if (bad) {
        const cut = seg.sizeBytes - r.validEndPosition;
        logger.info("truncating torn tail of the log", { path: seg.logPath, position: r.validEndPosition, bytes: cut, reason: r.invalidReason });
        await lease.file.truncate(r.validEndPosition);
        await lease.file.datasync();
        seg.sizeBytes = r.validEndPosition;
        seg.verified.truncated(seg.sizeBytes);
        out.truncatedBytes += cut;
      }
      // The scan CRC-checked everything it kept: reads in this process need not check it again.
      seg.verified.noteChecked(0, r.validEndPosition);
      if (isLast) seg.nextOffset = r.nextOffset > seg.baseOffset ? r.nextOffset : seg.baseOffset;
      else {
        seg.nextOffset = nextBase!;
        await seg.writeIndexes(io);
      }
    } finally {
      lease.release();
    }
  }
}

/** Segment base offsets in order; deletes leftovers of interrupted writes and cleanings. */
async function listSegmentsAndClean(io: StorageIO, dir: string): Promise<bigint[]> {
  const names = await io.readdir(dir);
  const bases: bigint[] = [];
  let removed = false;
  for (const name of names) {
    if (name.endsWith(".tmp") || name.endsWith(CLEANED_SUFFIX)) {
      await io.unlink(join(dir, name));
      removed = true;
    } else if (name.endsWith(LOG_SUFFIX) && /^\d{20}\.log$/.test(name)) {
      bases.push(BigInt(name.slice(0, 20)));
    }
  }
  // Index files without their log are stale (the log was deleted after them).
  const baseSet = new Set(bases.map((b) => b.toString().padStart(20, "0")));
  for (const name of names) {
    if ((name.endsWith(INDEX_SUFFIX) || name.endsWith(TIME_INDEX_SUFFIX)) && !baseSet.has(name.slice(0, 20))) {
      await io.unlink(join(dir, name));
      removed = true;
    }
  }
  if (removed) await io.fsyncDir(dir);
  return bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function parseOffset(v: unknown): bigint | null {
  if (v && typeof v === "object" && typeof (v as { offset?: unknown }).offset === "string") {
    try {
      return BigInt((v as { offset: string }).offset);
    } catch {
      return null;
    }
  }
  return null;
}

/** Unlinks a segment's files (log last, so a crash mid-way leaves a log whose indexes get rebuilt) and syncs the directory. */
export async function deleteSegmentFiles(io: StorageIO, seg: Segment): Promise<void> {
  for (const path of [seg.indexPath, seg.timeIndexPath, seg.logPath]) {
    if (await io.stat(path)) await io.unlink(path);
  }
  await io.fsyncDir(seg.dir);
}
