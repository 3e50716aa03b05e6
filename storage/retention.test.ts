import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RealIO } from "./io.ts";
import { PartitionLog } from "./log.ts";
import { LogManager } from "./log-manager.ts";
import { applyRetention } from "./retention.ts";
import { ManualClock, makeFilledBatch } from "./testing/make-batch.ts";

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "sb-ret-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("retention.ms deletes old closed segments, never the active one", async () => {
  const clock = new ManualClock(1_000_000);
  const log = await PartitionLog.open({ dir, io: new RealIO(), clock, config: { segmentBytes: 2048, retentionMs: 10_000 } });
  for (let i = 0; i < 30; i++) await log.append(makeFilledBatch(1, 300, i, i < 20 ? 1_000_000 : 1_050_000));
  const before = log.segmentCount;
  clock.ms = 1_055_000; // the first 20 batches are 55 s old, the rest 5 s
  const deleted = await applyRetention(log, clock.nowMs());
  expect(deleted).toBeGreaterThan(0);
  expect(log.segmentCount).toBe(before - deleted);
  expect(log.logStartOffset).toBeGreaterThan(0n);
  expect(log.logStartOffset).toBeLessThanOrEqual(20n);
  clock.ms = 2_000_000;
  await applyRetention(log, clock.nowMs());
  expect(log.segmentCount).toBe(1); // only the active segment is left
  await log.close();
});

test("retention.bytes keeps the log under the limit", async () => {
  const log = await PartitionLog.open({ dir, io: new RealIO(), clock: new ManualClock(), config: { segmentBytes: 2048, retentionBytes: 6000 } });
  for (let i = 0; i < 40; i++) await log.append(makeFilledBatch(1, 300, i));
  await applyRetention(log, 0);
  expect(log.sizeBytes).toBeLessThan(6000 + 2048);
  expect(log.sizeBytes).toBeGreaterThanOrEqual(6000 - 2048);
  await log.close();
});

test("LogManager opens partition dirs, creates, runs maintenance, deletes", async () => {
  const clock = new ManualClock();
  const io = new RealIO();
  const m = await LogManager.open({ dataDir: dir, io, clock, defaults: { segmentBytes: 2048, retentionBytes: 4000 } });
  const log = await m.create("orders", 0);
  for (let i = 0; i < 30; i++) await log.append(makeFilledBatch(1, 300, i));
  await m.runMaintenance();
  expect(log.logStartOffset).toBeGreaterThan(0n);
  await m.close();
  const again = await LogManager.open({ dataDir: dir, io, clock });
  expect(again.all().map((p) => `${p.topic}-${p.partition}`)).toEqual(["orders-0"]);
  expect(again.get("orders", 0)!.logEndOffset).toBe(30n);
  await again.delete("orders", 0);
  expect(again.all()).toEqual([]);
  await again.close();
});
