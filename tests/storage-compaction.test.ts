/**
 * Acceptance (e): compaction of 100k records over 1k keys keeps exactly the newest record per key
 * (tombstones expire), preserves offsets, and a kill -9 at any point of the swap protocol, or at a random
 * moment, leaves a consistent log that still shows every key's newest value.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compactLog } from "../storage/compactor.ts";
import { RealIO } from "../storage/io.ts";
import { PartitionLog } from "../storage/log.ts";
import { COMPACT_CONFIG, buildFixture, readNewest } from "./helpers/storage-compact-fixture.ts";
import { seededRandom, testSeed } from "./helpers/storage-random.ts";

const root = mkdtempSync(join(tmpdir(), "sb-compact-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const seed = testSeed("STORAGE_COMPACT_SEED");
const fixture = join(root, "fixture");
let expected: Map<string, string | null>;

/** The newest values, with tombstoned keys absent (they expired: delete.retention.ms is long past). */
function visible(m: Map<string, string | null>): Map<string, string> {
  return new Map([...m].filter((e): e is [string, string] => e[1] !== null));
}

async function runChild(dir: string, env: Record<string, string>, killAfterMs: number | null): Promise<string> {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "helpers/storage-compact-child.ts"), dir], { stdout: "pipe", stderr: "inherit", env: { ...process.env, ...env } });
  const timer = setTimeout(() => proc.kill("SIGKILL"), killAfterMs ?? 20_000);
  const out = await new Response(proc.stdout).text().catch(() => "");
  clearTimeout(timer);
  proc.kill("SIGKILL");
  await proc.exited;
  return out;
}

describe("storage compaction", () => {
  test("newest value per key survives, tombstones expire, offsets kept", async () => {
    expected = await buildFixture(fixture, seed);
    const dir = join(root, "inproc");
    cpSync(fixture, dir, { recursive: true });
    const before = await readNewest(dir);
    expect(before.records).toBe(100_000);
    const log = await PartitionLog.open({ dir, io: new RealIO(), clock: { nowMs: () => 1_700_000_000_000 }, config: COMPACT_CONFIG });
    const stats = await compactLog(log, { nowMs: 1_700_000_000_000 });
    await log.close();
    expect(stats.segmentsRewritten).toBeGreaterThan(0);
    const after = await readNewest(dir);
    expect(visible(after.newest)).toEqual(visible(expected));
    // k7 ends in a tombstone: a reader sees no value for it (the tombstone itself lives in the active segment).
    expect(expected.get("k7")).toBeNull();
    expect(after.newest.get("k7") ?? null).toBeNull();
    // Only the active segment may still hold superseded records.
    expect(after.records).toBeLessThan(before.records / 10);
    console.log(`compaction: ${before.records} -> ${after.records} records, ${stats.bytesBefore} -> ${stats.bytesAfter} bytes`);
  }, 60_000);

  for (const step of ["cleaned-written", "indexes-removed", "swapped"]) {
    test(`kill -9 at step "${step}" of a swap leaves a consistent log`, async () => {
      const dir = join(root, `kill-${step}`);
      cpSync(fixture, dir, { recursive: true });
      const out = await runChild(dir, { COMPACT_KILL_AT_STEP: step }, null);
      expect(out).toContain(`step ${step}`);
      expect(out).not.toContain("done");
      const r = await readNewest(dir);
      expect(visible(r.newest)).toEqual(visible(expected));
    }, 30_000);
  }

  test("a corrupt batch in a closed segment stops compaction instead of dropping what follows it", async () => {
    const dir = join(root, "corrupt");
    cpSync(fixture, dir, { recursive: true });
    const first = join(dir, readdirSync(dir).filter((f) => f.endsWith(".log")).sort()[0]!);
    const bytes = readFileSync(first);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(first, bytes);
    const log = await PartitionLog.open({ dir, io: new RealIO(), clock: { nowMs: () => 1_700_000_000_000 }, config: COMPACT_CONFIG });
    const failure = await compactLog(log, { nowMs: 1_700_000_000_000 }).then(() => null, (e: Error) => e);
    await log.close();
    expect(failure?.name).toBe("SegmentCorruption");
    expect(failure?.message).toContain(first);
    expect(readFileSync(first)).toEqual(bytes); // untouched, corruption included
    expect(existsSync(first + ".cleaned")).toBe(false);
  }, 30_000);

  test("kill -9 at seeded random moments, then a full compaction: consistent throughout", async () => {
    const rand = seededRandom(seed ^ 0x5a5a);
    const dir = join(root, "kill-random");
    cpSync(fixture, dir, { recursive: true });
    for (let round = 0; round < 3; round++) {
      await runChild(dir, {}, 60 + Math.floor(rand() * 400));
      const r = await readNewest(dir);
      expect(visible(r.newest)).toEqual(visible(expected));
    }
    const log = await PartitionLog.open({ dir, io: new RealIO(), clock: { nowMs: () => 1_700_000_000_000 }, config: COMPACT_CONFIG });
    await compactLog(log, { nowMs: 1_700_000_000_000 });
    await log.close();
    const r = await readNewest(dir);
    expect(visible(r.newest)).toEqual(visible(expected));
  }, 60_000);
});
