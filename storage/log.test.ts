import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, readdirSync, writeFileSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBatchHeader, validateBatches } from "../protocol/batch-header.ts";
import { RealIO, type StorageIO } from "./io.ts";
import { LazyIO } from "./io-lazy.ts";
import { PartitionLog } from "./log.ts";
import { CrashIO } from "./testing/crash-io.ts";
import { ManualClock, makeBatch, makeFilledBatch } from "./testing/make-batch.ts";

let dir: string;
const clock = new ManualClock();
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "sb-log-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (config: Parameters<typeof PartitionLog.open>[0]["config"] = {}, io: StorageIO = new RealIO()) => PartitionLog.open({ dir, io, clock, config });

async function readAll(log: PartitionLog, from = log.logStartOffset): Promise<{ offset: bigint }[]> {
  const out: { offset: bigint }[] = [];
  let at = from;
  while (at < log.highWatermark) {
    const r = await log.read(at, 64 * 1024);
    if (r.bytes.byteLength === 0) break;
    for (const h of validateBatches(r.bytes, { maxBatchBytes: 1 << 26 })) out.push({ offset: h.baseOffset });
    at = r.nextOffset;
  }
  return out;
}

describe("PartitionLog", () => {
  test("append assigns offsets, read returns whole batches with those offsets", async () => {
    const log = await open();
    const a = await log.append(makeBatch([{ key: "a", value: "1" }, { key: "b", value: "2" }]));
    const b = await log.append(makeBatch([{ key: "c", value: "3" }]));
    expect(a).toEqual({ baseOffset: 0n, lastOffset: 1n });
    expect(b).toEqual({ baseOffset: 2n, lastOffset: 2n });
    expect(log.logEndOffset).toBe(3n);
    expect(log.highWatermark).toBe(3n);
    const r = await log.read(2n, 1024);
    expect(readBatchHeader(r.bytes).baseOffset).toBe(2n);
    expect(r.nextOffset).toBe(3n);
    const r0 = await log.read(1n, 1); // inside the first batch, maxBytes below one batch: still one whole batch
    expect(readBatchHeader(r0.bytes).baseOffset).toBe(0n);
    expect(r0.bytes.byteLength).toBe(readBatchHeader(r0.bytes).sizeBytes);
    expect((await log.read(3n, 1024)).bytes.byteLength).toBe(0);
    await expect(log.read(4n, 1024)).rejects.toMatchObject({ code: "OFFSET_OUT_OF_RANGE" });
    await log.close();
  });

  test("rolls segments at segmentBytes, reads across them, reopens cleanly without scanning", async () => {
    const log = await open({ segmentBytes: 8 * 1024, indexIntervalBytes: 512 });
    const batches: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const b = makeFilledBatch(3, 100, i, 1000 + i);
      await log.append(b);
      batches.push(Buffer.from(b));
    }
    expect(log.segmentCount).toBeGreaterThan(5);
    await log.close();
    const again = await open({ segmentBytes: 8 * 1024, indexIntervalBytes: 512 });
    expect(again.logEndOffset).toBe(600n);
    expect(again.counters.indexRebuilds).toBe(0);
    for (let i = 0; i < 200; i++) {
      const r = await again.read(BigInt(i * 3 + 1), 1);
      expect(Buffer.from(r.bytes).equals(batches[i]!)).toBe(true);
    }
    const ts = await again.offsetForTimestamp(1000 + 150);
    expect(ts).toEqual({ offset: 450n, timestampMs: 1150 });
    expect(await again.offsetForTimestamp(99999)).toBeNull();
    await again.close();
  });

  test("group commit: 64 concurrent appenders share fsyncs", async () => {
    const log = await open();
    const all = await Promise.all(Array.from({ length: 64 }, (_, i) => log.append(makeFilledBatch(2, 50, i))));
    const bases = all.map((r) => r.baseOffset).sort((a, b) => Number(a - b));
    expect(bases).toEqual(Array.from({ length: 64 }, (_, i) => BigInt(i * 2)));
    expect(log.counters.fsyncs).toBeLessThan(10);
    await log.close();
  });

  test("unclean stop: torn tail truncated, indexes rebuilt, appends continue", async () => {
    const crashing = new CrashIO(new RealIO());
    const log = await open({ indexIntervalBytes: 256 }, crashing);
    for (let i = 0; i < 50; i++) await log.append(makeFilledBatch(2, 40, i));
    await crashing.crash(); // no close(): the files close as at process exit; then tear the last batch
    const segPath = join(dir, "00000000000000000000.log");
    truncateSync(segPath, statSync(segPath).size - 10);
    const again = await open({ indexIntervalBytes: 256 });
    expect(again.logEndOffset).toBe(98n);
    expect(again.counters.tornTailTruncations).toBe(1);
    expect((await again.append(makeFilledBatch(1, 10, 0))).baseOffset).toBe(98n);
    expect((await readAll(again)).length).toBe(50);
    await again.close();
  });

  test("a mismatching clean-shutdown checkpoint is not trusted", async () => {
    const log = await open();
    await log.append(makeFilledBatch(2, 40, 1));
    await log.close();
    const segPath = join(dir, "00000000000000000000.log");
    writeFileSync(segPath, Buffer.alloc(100), { flag: "a" }); // grew behind our back
    const again = await open();
    expect(again.counters.tornTailTruncations).toBe(1);
    expect(again.logEndOffset).toBe(2n);
    await again.close();
  });

  test("deleteRecordsBefore moves and persists the log start", async () => {
    const log = await open({ segmentBytes: 2048 });
    for (let i = 0; i < 40; i++) await log.append(makeFilledBatch(1, 200, i));
    const segs = log.segmentCount;
    expect(await log.deleteRecordsBefore(25n)).toBe(25n);
    expect(log.segmentCount).toBeLessThan(segs);
    await expect(log.read(3n, 100)).rejects.toMatchObject({ code: "OFFSET_OUT_OF_RANGE" });
    expect(readBatchHeader((await log.read(25n, 100)).bytes).baseOffset).toBe(25n);
    await log.close();
    const again = await open({ segmentBytes: 2048 });
    expect(again.logStartOffset).toBe(25n);
    await again.close();
  });

  test("lazy io: unsynced writes vanish, synced ones stay", async () => {
    const crashing = new CrashIO(new RealIO());
    const log = await open({ flushPolicy: "never" }, new LazyIO(crashing));
    await log.append(makeFilledBatch(1, 10, 1));
    await log.flush();
    await log.append(makeFilledBatch(1, 10, 2));
    // Simulated power cut: drop the LazyIO instance (and its memory) without closing the log.
    await crashing.crash();
    const after = await open({}, new RealIO());
    expect(after.logEndOffset).toBe(1n);
    expect(readdirSync(dir)).toContain("00000000000000000000.log");
    await after.close();
  });
});
