/**
 * Time and size retention (cleanup.policy=delete): deletes whole closed segments, oldest first, whose
 * largest timestamp is older than retention.ms, or while the log without them still holds at least
 * retention.bytes. The active segment is never deleted.
 */
import type { PartitionLog } from "./log.ts";

/** Applies retention once; returns how many segments were deleted. */
export async function applyRetention(log: PartitionLog, nowMs: number): Promise<number> {
  const c = log.config;
  if (!c.cleanupPolicy.split(",").includes("delete")) return 0;
  const closed = log.segments().slice(0, -1);
  let byTime = 0;
  if (c.retentionMs >= 0) {
    for (const seg of closed) {
      await log.ensureIndexes(seg);
      // A segment without timestamps is kept: we cannot tell its age.
      if (seg.maxTimestampMs < 0 || nowMs - seg.maxTimestampMs <= c.retentionMs) break;
      byTime++;
    }
  }
  let bySize = 0;
  if (c.retentionBytes >= 0) {
    let total = log.sizeBytes;
    while (bySize < closed.length && total - closed[bySize]!.sizeBytes >= c.retentionBytes) {
      total -= closed[bySize]!.sizeBytes;
      bySize++;
    }
  }
  const count = Math.max(byTime, bySize);
  await log.removeOldestSegments(count, byTime >= bySize ? "retention.ms" : "retention.bytes");
  return count;
}
