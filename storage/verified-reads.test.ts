/**
 * Reads CRC-check only what this process has not checked or appended itself (verified-bytes.ts): the mark
 * moves on append, on read and on scans; bytes never checked in this process are still checked, with the
 * file path and byte offset on failure; a new process (a new PartitionLog on the same files) trusts nothing.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compactLog } from "./compactor.ts";
import { RealIO, type StorageIO } from "./io.ts";
import { PartitionLog } from "./log.ts";
import { CrashIO } from "./testing/crash-io.ts";
import { ManualClock, makeBatch, makeFilledBatch } from "./testing/make-batch.ts";

let dir: string;
const clock = new ManualClock();
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "sb-verified-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const BATCH_COUNT = 20;
const batchBytes = makeFilledBatch(3, 100, 0).byteLength;
const open = (config: Parameters<typeof PartitionLog.open>[0]["config"] = {}, io: StorageIO = new RealIO()) => PartitionLog.open({ dir, io, clock, config });

async function fill(log: PartitionLog, count = BATCH_COUNT, seed = 0): Promise<void> {
  for (let i = 0; i < count; i++) await log.append(makeFilledBatch(3, 100, seed + i));
}

/** Flips one byte of the first segment file on disk (the page cache serves the change to the next read). */
function flip(position: number, name = "00000000000000000000.log"): string {
  const path = join(dir, name);
  const bytes = readFileSync(path);
  bytes[position] = bytes[position]! ^ 0x40;
  writeFileSync(path, bytes);
  return path;
}

/** Reads `[offset, offset + batches*3)` one request per call. */
const readBatches = (log: PartitionLog, offset: bigint, batches: number) => log.read(offset, batches * batchBytes);

describe("verified reads", () => {
  test("the mark advances on append and covers everything this process wrote", async () => {
    const log = await open();
    await fill(log, 5);
    expect(log.active.verified.markBytes).toBe(5 * batchBytes);
    expect(log.active.verified.markBytes).toBe(log.active.sizeBytes);
    await log.close();
  });

  test("after a restart the mark starts at 0 and advances with contiguous verified reads", async () => {
    const first = await open();
    await fill(first);
    await first.close();
    const log = await open();
    const seg = log.active;
    expect(seg.verified.markBytes).toBe(0);
    await readBatches(log, 9n, 2); // batches 3..4: not contiguous with the mark
    expect(seg.verified.markBytes).toBe(0);
    await readBatches(log, 0n, 4); // batches 0..3
    expect(seg.verified.markBytes).toBe(4 * batchBytes);
    await readBatches(log, 12n, 4); // batches 4..7
    expect(seg.verified.markBytes).toBe(8 * batchBytes);
    await log.close();
  });

  test("a byte flipped where this process never checked is detected on read, with path and byte offset", async () => {
    const first = await open();
    await fill(first);
    await first.close();
    const log = await open();
    await readBatches(log, 0n, 5); // checks batches 0..4
    const badBatch = 12;
    const path = flip(badBatch * batchBytes + 150);
    await readBatches(log, 15n, 5); // batches 5..9: still good
    let err: unknown;
    for (let at = 30n; at < log.highWatermark && !err; ) {
      try {
        at = (await readBatches(log, at, 2)).nextOffset;
      } catch (e) {
        err = e;
      }
    }
    expect(err).toMatchObject({ code: "CORRUPT_MESSAGE", details: { path, position: badBatch * batchBytes } });
    expect(log.offlineError?.code).toBe("PARTITION_OFFLINE");
    await log.close();
  });

  test("a new log instance on the same files checks an old segment on its first read", async () => {
    const first = await open({ segmentBytes: 4 * batchBytes });
    await fill(first); // this instance appended (and so trusts) everything
    expect(first.segments()[0]!.verified.markBytes).toBe(first.segments()[0]!.sizeBytes);
    await first.close();
    const path = flip(2 * batchBytes + 150);
    const log = await open({ segmentBytes: 4 * batchBytes });
    expect(log.segments()[0]!.verified.markBytes).toBe(0);
    await expect(readBatches(log, 0n, 4)).rejects.toMatchObject({ code: "CORRUPT_MESSAGE", details: { path, position: 2 * batchBytes } });
    await log.close();
  });

  test("a batch checked once is not checked again in this process (Kafka's trade-off, for what we already saw)", async () => {
    const first = await open();
    await fill(first);
    await first.close();
    const log = await open();
    await readBatches(log, 0n, 5);
    flip(2 * batchBytes + 150); // damage after the check: served as is until the next process start
    const again = await readBatches(log, 0n, 5);
    expect(again.bytes.byteLength).toBe(5 * batchBytes);
    await log.close();
  });

  test("after a restart, appends to the active segment are trusted while its older bytes are still checked", async () => {
    const first = await open();
    await fill(first, 10);
    await first.close();
    const log = await open();
    await fill(log, 5, 100);
    expect(log.active.verified.markBytes).toBe(0);
    expect(log.active.verified.tailFromBytes).toBe(10 * batchBytes);
    flip(12 * batchBytes + 150); // inside the tail this process appended: trusted, not re-checked
    expect((await readBatches(log, 30n, 5)).bytes.byteLength).toBe(5 * batchBytes);
    const path = flip(3 * batchBytes + 150); // older bytes: checked
    await expect(readBatches(log, 0n, 5)).rejects.toMatchObject({ code: "CORRUPT_MESSAGE", details: { path, position: 3 * batchBytes } });
    await log.close();
  });

  test("verifyReads: false checks nothing, even bytes never checked", async () => {
    const first = await open();
    await fill(first);
    await first.close();
    flip(2 * batchBytes + 150);
    const log = await open({ verifyReads: false });
    expect((await readBatches(log, 0n, 5)).bytes.byteLength).toBe(5 * batchBytes);
    await log.close();
  });

  test("recovery of a torn tail leaves the mark at the end of what it checked, within the truncated size", async () => {
    const crashing = new CrashIO(new RealIO());
    const first = await open({}, crashing);
    await fill(first);
    await crashing.crash(); // no close: an unclean stop, then garbage after the last whole batch
    appendFileSync(join(dir, "00000000000000000000.log"), Buffer.alloc(500, 7));
    const log = await open();
    expect(log.counters.truncatedBytes).toBe(500);
    expect(log.active.sizeBytes).toBe(BATCH_COUNT * batchBytes);
    expect(log.active.verified.markBytes).toBe(log.active.sizeBytes);
    await log.close();
  });

  test("a compacted segment's replacement counts its checked and rewritten bytes as verified", async () => {
    const log = await open({ segmentBytes: 1024, cleanupPolicy: "compact" });
    for (let i = 0; i < 30; i++) await log.append(makeBatch([{ key: `k${i % 3}`, value: `v${i}` }]));
    await log.close();
    const again = await open({ segmentBytes: 1024, cleanupPolicy: "compact" });
    const stats = await compactLog(again, { nowMs: clock.nowMs() });
    expect(stats.segmentsRewritten).toBeGreaterThan(0);
    for (const seg of again.segments()) expect(seg.verified.markBytes).toBe(seg.sizeBytes);
    await again.close();
  });
});
