/**
 * offsetForTimestamp answers per record (Kafka ListOffsets by time): the first offset whose record
 * timestamp is >= the target, with that record's timestamp, inside uncompressed and compressed batches.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32c } from "@node-rs/crc32";
import { Attr, BATCH_HEADER_BYTES, CRC_START_BYTES, Offsets, stampLogAppendTime } from "../protocol/batch-header.ts";
import type { CompressionName } from "../protocol/compression.ts";
import { encodeRecordBatch } from "../protocol/record-batch.ts";
import { RealIO } from "./io.ts";
import { PartitionLog } from "./log.ts";
import { ManualClock, makeBatch } from "./testing/make-batch.ts";

let dir: string;
const clock = new ManualClock();
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "sb-ts-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (config: Parameters<typeof PartitionLog.open>[0]["config"] = {}) => PartitionLog.open({ dir, io: new RealIO(), clock, config });
const enc = (s: string) => new TextEncoder().encode(s);

/** One batch whose records carry the given create timestamps (in order). */
function batch(timestamps: number[], compression: CompressionName): Uint8Array {
  return encodeRecordBatch({ compression, records: timestamps.map((t, i) => ({ key: enc(`k${i}`), value: enc(`v${t}`.repeat(20)), timestamp: BigInt(t) })) });
}

describe("offsetForTimestamp: the first record at or after the target", () => {
  for (const compression of ["none", "gzip", "snappy", "lz4", "zstd"] as const) {
    test(`${compression}: several records per batch spanning the target`, async () => {
      const log = await open();
      // Offsets 0..4 at 1000..1004, 5..9 at 1010..1014, 10..14 at 1020..1024.
      for (let b = 0; b < 3; b++) await log.append(batch([0, 1, 2, 3, 4].map((i) => 1000 + 10 * b + i), compression));
      expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0n, timestampMs: 1000 });
      expect(await log.offsetForTimestamp(1000)).toEqual({ offset: 0n, timestampMs: 1000 });
      expect(await log.offsetForTimestamp(1003)).toEqual({ offset: 3n, timestampMs: 1003 });
      expect(await log.offsetForTimestamp(1004)).toEqual({ offset: 4n, timestampMs: 1004 });
      // Between batches: the next batch's first record.
      expect(await log.offsetForTimestamp(1005)).toEqual({ offset: 5n, timestampMs: 1010 });
      expect(await log.offsetForTimestamp(1012)).toEqual({ offset: 7n, timestampMs: 1012 });
      expect(await log.offsetForTimestamp(1024)).toEqual({ offset: 14n, timestampMs: 1024 });
      expect(await log.offsetForTimestamp(1025)).toBeNull();
      await log.close();
    });
  }

  test("create time out of order inside a batch: the first offset whose own timestamp qualifies", async () => {
    const log = await open();
    await log.append(batch([100, 300, 200, 400], "zstd"));
    expect(await log.offsetForTimestamp(150)).toEqual({ offset: 1n, timestampMs: 300 });
    expect(await log.offsetForTimestamp(301)).toEqual({ offset: 3n, timestampMs: 400 });
    await log.close();
  });

  test("log-append time: every record of a batch has its max timestamp", async () => {
    const log = await open();
    for (const stamp of [5000n, 6000n]) {
      const b = Buffer.from(batch([1, 2, 3], "gzip"));
      stampLogAppendTime(b, 0, stamp);
      expect(b.readInt16BE(Offsets.attributes) & Attr.timestampLogAppend).toBe(Attr.timestampLogAppend);
      await log.append(b);
    }
    expect(await log.offsetForTimestamp(2)).toEqual({ offset: 0n, timestampMs: 5000 });
    expect(await log.offsetForTimestamp(5000)).toEqual({ offset: 0n, timestampMs: 5000 });
    expect(await log.offsetForTimestamp(5001)).toEqual({ offset: 3n, timestampMs: 6000 });
    await log.close();
  });

  test("a log start inside the batch: the answer is never below it", async () => {
    const log = await open();
    await log.append(batch([1000, 1001, 1002, 1003], "lz4"));
    await log.append(batch([2000, 2001], "none"));
    await log.deleteRecordsBefore(2n);
    expect(await log.offsetForTimestamp(1001)).toEqual({ offset: 2n, timestampMs: 1002 });
    await log.close();
  });

  test("a candidate batch whose qualifying record sits below the log start: the next batch answers", async () => {
    // Out of order: the batch's max (offset 0) is below the log start; the later records are older than the target.
    const again = await open();
    await again.append(batch([3000, 1000, 1000], "snappy"));
    await again.append(batch([3500, 3600], "none"));
    await again.deleteRecordsBefore(1n);
    expect(await again.offsetForTimestamp(2000)).toEqual({ offset: 3n, timestampMs: 3500 });
    await again.close();
  });

  test("across rolled segments, after a reopen (time index from disk)", async () => {
    const cfg = { segmentBytes: 4096, indexIntervalBytes: 256 };
    const log = await open(cfg);
    for (let b = 0; b < 60; b++) await log.append(batch([0, 1, 2, 3].map((i) => 10_000 + 10 * b + 2 * i), b % 2 ? "gzip" : "none"));
    expect(log.segmentCount).toBeGreaterThan(3);
    await log.close();
    const again = await open(cfg);
    for (let b = 0; b < 60; b += 7) {
      for (let i = 0; i < 4; i++) {
        const t = 10_000 + 10 * b + 2 * i;
        expect(await again.offsetForTimestamp(t - 1)).toEqual({ offset: BigInt(4 * b + i), timestampMs: t });
        expect(await again.offsetForTimestamp(t)).toEqual({ offset: BigInt(4 * b + i), timestampMs: t });
      }
    }
    await again.close();
  });

  test("a CRC-valid batch whose compressed records cannot be decoded falls back to its base offset", async () => {
    const log = await open();
    await log.append(batch([1000, 1001], "none"));
    // A gzip batch with garbage in place of the gzip stream, CRC fixed up: headers validate, records do not.
    const bad = Buffer.from(batch([2000, 2001, 2002], "gzip"));
    bad.fill(0x55, BATCH_HEADER_BYTES);
    bad.writeUInt32BE(crc32c(bad.subarray(CRC_START_BYTES)), Offsets.crc);
    await log.append(bad);
    expect(await log.offsetForTimestamp(2001)).toEqual({ offset: 2n, timestampMs: 2002 });
    expect(log.offlineError).toBeNull();
    await log.close();
  });

  test("uncompressed test batches (storage helper) with per-record timestamp deltas", async () => {
    const log = await open();
    await log.append(makeBatch([{ key: "a", value: "1", timestampDelta: 0 }, { key: "b", value: "2", timestampDelta: 5 }, { key: "c", value: "3", timestampDelta: 9 }], { baseTimestampMs: 700 }));
    expect(await log.offsetForTimestamp(701)).toEqual({ offset: 1n, timestampMs: 705 });
    expect(await log.offsetForTimestamp(706)).toEqual({ offset: 2n, timestampMs: 709 });
    await log.close();
  });
});
