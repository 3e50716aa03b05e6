/**
 * Acceptance (d): a full disk (a 2 MiB tmpfs mounted here as root) fails appends with DISK_FULL, keeps the
 * log readable with every acknowledged batch, leaves no partial batch behind, and appends work again once
 * space is freed.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateBatches } from "../protocol/batch-header.ts";
import { RealIO } from "../storage/io.ts";
import { PartitionLog } from "../storage/log.ts";
import { ManualClock, makeFilledBatch } from "../storage/testing/make-batch.ts";

const mountDir = mkdtempSync(join(tmpdir(), "sb-diskfull-"));
const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountDir]);
const mounted = mount.exitCode === 0;
if (!mounted) console.log(`SKIP disk-full test: cannot mount a tmpfs (${mount.stderr.toString().trim()}); needs root`);

afterAll(() => {
  if (mounted) {
    // A file handle closing late can keep the mount busy for a moment: retry, then detach lazily, and
    // never rm -rf through a still-mounted tmpfs.
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) {
      ok = Bun.spawnSync(["umount", mountDir]).exitCode === 0;
      if (!ok) Bun.sleepSync(50);
    }
    if (!ok) ok = Bun.spawnSync(["umount", "-l", mountDir]).exitCode === 0;
    if (!ok) return;
  }
  rmSync(mountDir, { recursive: true, force: true });
});

async function readAllBatches(log: PartitionLog): Promise<Map<bigint, Buffer>> {
  const out = new Map<bigint, Buffer>();
  for (let at = log.logStartOffset; at < log.highWatermark; ) {
    const r = await log.read(at, 64 * 1024);
    let pos = 0;
    for (const h of validateBatches(r.bytes, { maxBatchBytes: 1 << 20 })) {
      out.set(h.baseOffset, Buffer.from(r.bytes.subarray(pos, pos + h.sizeBytes)));
      pos += h.sizeBytes;
    }
    at = r.nextOffset;
  }
  return out;
}

describe("storage disk full", () => {
  test.skipIf(!mounted)("ENOSPC fails the append with DISK_FULL, loses nothing acknowledged, recovers when space returns", async () => {
    const filler = join(mountDir, "filler");
    writeFileSync(filler, Buffer.alloc(512 * 1024, 1));
    const dir = join(mountDir, "t-0");
    const config = { segmentBytes: 256 * 1024, indexIntervalBytes: 1024 };
    const log = await PartitionLog.open({ dir, io: new RealIO(), clock: new ManualClock(), config });
    const acked = new Map<bigint, Buffer>();
    let diskFull: unknown = null;
    for (let i = 0; i < 1000 && !diskFull; i++) {
      const b = makeFilledBatch(7, 1000, i); // about 7 KiB
      try {
        const r = await log.append(b);
        acked.set(r.baseOffset, Buffer.from(b));
      } catch (e) {
        diskFull = e;
      }
    }
    expect(diskFull).toMatchObject({ code: "DISK_FULL" });
    expect(acked.size).toBeGreaterThan(10);
    expect(log.offlineError).toBeNull();
    expect(log.counters.diskFullErrors).toBeGreaterThan(0);
    // Still readable, everything acknowledged is there, nothing else.
    const seen = await readAllBatches(log);
    expect(seen.size).toBe(acked.size);
    for (const [o, b] of acked) expect(seen.get(o)?.equals(b)).toBe(true);
    // Still full: another append fails the same way and changes nothing.
    await expect(log.append(makeFilledBatch(7, 1000, 5000))).rejects.toMatchObject({ code: "DISK_FULL" });
    expect((await readAllBatches(log)).size).toBe(acked.size);
    // Space returns: appends succeed again at the next offset.
    rmSync(filler);
    const more = makeFilledBatch(7, 1000, 9999);
    const r = await log.append(more);
    expect(r.baseOffset).toBe(log.logEndOffset - 7n);
    acked.set(r.baseOffset, Buffer.from(more));
    await log.close();
    // And after a restart (clean or not) the log is whole.
    rmSync(join(dir, "clean-shutdown"), { force: true });
    const again = await PartitionLog.open({ dir, io: new RealIO(), clock: new ManualClock(), config });
    const after = await readAllBatches(again);
    expect(after.size).toBe(acked.size);
    for (const [o, b] of acked) expect(after.get(o)?.equals(b)).toBe(true);
    expect(again.counters.tornTailTruncations).toBe(0);
    await again.close();
  }, 30_000);
});
