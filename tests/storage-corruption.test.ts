/**
 * Acceptance (c): damaged files. A flipped byte in a closed segment takes the partition offline with the
 * file path and byte offset (never served); a torn or zero-filled tail is truncated; missing, short or
 * garbage index files are rebuilt from the log.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateBatches } from "../protocol/batch-header.ts";
import { RealIO } from "../storage/io.ts";
import { PartitionLog } from "../storage/log.ts";
import { ManualClock, makeFilledBatch } from "../storage/testing/make-batch.ts";

let dir: string;
const clock = new ManualClock();
const config = { segmentBytes: 16 * 1024, indexIntervalBytes: 1024 };
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "sb-corrupt-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => PartitionLog.open({ dir, io: new RealIO(), clock, config });
const BATCHES = 120; // 3 records of 100 bytes each: about 17 segments

async function fill(): Promise<Buffer[]> {
  const log = await open();
  const out: Buffer[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const b = makeFilledBatch(3, 100, i, 5000 + i);
    await log.append(b);
    out.push(Buffer.from(b));
  }
  await log.close();
  return out;
}

/** Reads everything, checking each batch is exactly what was appended. */
async function expectAllIntact(log: PartitionLog, batches: Buffer[]): Promise<void> {
  let at = log.logStartOffset;
  let n = 0;
  while (at < log.highWatermark) {
    const r = await log.read(at, 4096);
    let pos = 0;
    for (const h of validateBatches(r.bytes, { maxBatchBytes: 1 << 20 })) {
      expect(Buffer.from(r.bytes.subarray(pos, pos + h.sizeBytes)).equals(batches[Number(h.baseOffset) / 3]!)).toBe(true);
      pos += h.sizeBytes;
      n++;
    }
    at = r.nextOffset;
  }
  expect(n).toBe(batches.length);
}

const segFiles = (suffix: string) => readdirSync(dir).filter((f) => f.endsWith(suffix)).sort();

describe("storage corruption", () => {
  for (const [what, delta] of [["a record byte (CRC-covered)", 150], ["the baseOffset field (outside the CRC)", 4]] as const) {
    test(`flipped ${what} in the middle of a closed segment: CORRUPT_MESSAGE with path and offset, then offline`, async () => {
      const batches = await fill();
      const batchBytes = batches[0]!.byteLength;
      const first = join(dir, segFiles(".log")[0]!);
      const bytes = readFileSync(first);
      const batchStart = Math.floor(bytes.byteLength / batchBytes / 2) * batchBytes;
      const flipAt = batchStart + delta;
      bytes[flipAt] = bytes[flipAt]! ^ 0x40;
      writeFileSync(first, bytes);
      const log = await open();
      let err: unknown;
      for (let at = 0n; at < log.highWatermark && !err; ) {
        try {
          const r = await log.read(at, 4096);
          validateBatches(r.bytes, { maxBatchBytes: 1 << 20 }); // nothing served may be bad
          at = r.nextOffset;
        } catch (e) {
          err = e;
        }
      }
      expect(err).toMatchObject({ code: "CORRUPT_MESSAGE", details: { path: first, position: batchStart } });
      await expect(log.read(0n, 100)).rejects.toMatchObject({ code: "PARTITION_OFFLINE" });
      await expect(log.append(makeFilledBatch(1, 10, 0))).rejects.toMatchObject({ code: "PARTITION_OFFLINE" });
      expect(log.offlineError?.message).toContain(first);
      await log.close();
    });
  }

  test("flipped byte in a closed segment found by recovery scan after an unclean stop: offline at open", async () => {
    await fill();
    for (const f of ["clean-shutdown", "recovery-point"]) rmSync(join(dir, f), { force: true });
    const second = join(dir, segFiles(".log")[1]!);
    const bytes = readFileSync(second);
    bytes[200] = bytes[200]! ^ 0x01;
    writeFileSync(second, bytes);
    const log = await open();
    expect(log.offlineError?.code).toBe("PARTITION_OFFLINE");
    expect(log.offlineError?.details).toMatchObject({ path: second, position: 0 });
    await expect(log.read(0n, 100)).rejects.toMatchObject({ code: "PARTITION_OFFLINE" });
    await log.close();
  });

  test("truncated tail after a crash: cut back to the last whole batch", async () => {
    const batches = await fill();
    rmSync(join(dir, "clean-shutdown"));
    const last = join(dir, segFiles(".log").at(-1)!);
    const size = statSync(last).size;
    truncateSync(last, size - 100);
    const log = await open();
    expect(log.offlineError).toBeNull();
    expect(log.counters.tornTailTruncations).toBe(1);
    expect(log.logEndOffset).toBe(BigInt((BATCHES - 1) * 3));
    await expectAllIntact(log, batches.slice(0, -1));
    await log.append(makeFilledBatch(3, 100, 999));
    await log.close();
  });

  test("zero-filled tail after a crash: truncated, nothing lost before it", async () => {
    const batches = await fill();
    rmSync(join(dir, "clean-shutdown"));
    const last = join(dir, segFiles(".log").at(-1)!);
    const size = statSync(last).size;
    appendFileSync(last, Buffer.alloc(8192));
    const log = await open();
    expect(log.counters.truncatedBytes).toBe(8192);
    expect(statSync(last).size).toBe(size);
    await expectAllIntact(log, batches);
    await log.close();
  });

  test("deleted and short index files are rebuilt from the log", async () => {
    const batches = await fill();
    const idx = segFiles(".index");
    unlinkSync(join(dir, idx[0]!));
    unlinkSync(join(dir, segFiles(".timeindex")[1]!));
    truncateSync(join(dir, idx[2]!), 5);
    const log = await open();
    await expectAllIntact(log, batches);
    expect(log.counters.indexRebuilds).toBeGreaterThanOrEqual(3);
    expect(await log.offsetForTimestamp(5000 + 7)).toEqual({ offset: 21n, timestampMs: 5007 });
    await log.close();
  });

  test("garbage index files (random and plausible-but-wrong) are rebuilt; reads stay correct", async () => {
    const batches = await fill();
    const idx = segFiles(".index");
    writeFileSync(join(dir, idx[0]!), Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff)));
    // Increasing entries that pass the shape check but point at the wrong bytes.
    const plausible = Buffer.alloc(16);
    plausible.writeInt32BE(1, 0); plausible.writeInt32BE(100, 4); plausible.writeInt32BE(2, 8); plausible.writeInt32BE(200, 12);
    writeFileSync(join(dir, idx[1]!), plausible);
    writeFileSync(join(dir, segFiles(".timeindex")[2]!), Buffer.alloc(7, 0xee));
    const log = await open();
    await expectAllIntact(log, batches);
    expect(log.counters.indexRebuilds).toBeGreaterThanOrEqual(3);
    expect(log.offlineError).toBeNull();
    await log.close();
  });
});
