/**
 * Acceptance (a), (b): SIGKILL a real appending process at seeded random moments, many times, and check
 * that no acknowledged batch is lost or changed and nothing unacknowledged is half-present. In LAZY io mode
 * a kill acts like a power cut; the negative control (ack before fsync) must be caught there.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkLog, crashRound } from "./helpers/storage-crash-driver.ts";
import { seededRandom, testSeed } from "./helpers/storage-random.ts";

const ROUNDS = 50;
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function runCrashRounds(env: Record<string, string>, opts: { stopOnLoss: boolean; seedName: string }) {
  const seed = testSeed(opts.seedName);
  const rand = seededRandom(seed);
  const dir = mkdtempSync(join(tmpdir(), "sb-crash-"));
  dirs.push(dir);
  const acked = new Map<bigint, string>();
  let rounds = 0;
  let acks = 0;
  const lost: string[] = [];
  const broken: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rounds++;
    const runMs = 5 + Math.floor(rand() * 60);
    const got = await crashRound(dir, round, runMs, env);
    acks += got.size;
    for (const [o, id] of got) acked.set(o, id);
    const r = await checkLog(dir, acked);
    lost.push(...r.lost);
    broken.push(...r.broken);
    if (opts.stopOnLoss && r.lost.length > 0) break;
    if (r.lost.length > 0 || r.broken.length > 0) break;
  }
  return { seed, rounds, acks, lost, broken };
}

describe("storage crash (SIGKILL) tests", () => {
  test("fsync policy, real io: every acknowledged batch survives 50 kills", async () => {
    const r = await runCrashRounds({}, { stopOnLoss: false, seedName: "STORAGE_CRASH_SEED" });
    console.log(`real io: ${r.rounds} kills, ${r.acks} acknowledged batches, ${r.lost.length} lost (seed ${r.seed})`);
    expect(r.broken).toEqual([]);
    expect(r.lost).toEqual([]);
    expect(r.rounds).toBe(ROUNDS);
    expect(r.acks).toBeGreaterThan(ROUNDS * 5);
  }, 90_000);

  test("fsync policy, LAZY io (power-cut model): 0 acknowledged batches lost", async () => {
    const r = await runCrashRounds({ STREAMBUS_UNSAFE_LAZY_IO: "1" }, { stopOnLoss: false, seedName: "STORAGE_CRASH_LAZY_SEED" });
    console.log(`lazy io: ${r.rounds} kills, ${r.acks} acknowledged batches, ${r.lost.length} lost (seed ${r.seed})`);
    expect(r.broken).toEqual([]);
    expect(r.lost).toEqual([]);
    expect(r.rounds).toBe(ROUNDS);
    expect(r.acks).toBeGreaterThan(ROUNDS * 5);
  }, 90_000);

  test("negative control: acknowledging before fsync is caught as loss in LAZY io mode", async () => {
    const r = await runCrashRounds(
      { STREAMBUS_UNSAFE_LAZY_IO: "1", STREAMBUS_UNSAFE_ACK_BEFORE_FSYNC: "1" },
      { stopOnLoss: true, seedName: "STORAGE_CRASH_NEG_SEED" },
    );
    console.log(`negative control: loss detected after ${r.rounds} kills: ${r.lost.length} acknowledged batches lost, e.g. ${r.lost.slice(0, 3).join(", ")}`);
    expect(r.lost.length).toBeGreaterThan(0);
  }, 90_000);
});
