/**
 * The CI simulator batch: fixed seeds, 3 and 5 nodes, every fault on. Each failing seed is printed with the
 * command that replays it.
 */
import { expect, test } from "bun:test";
import { CI_BATCH, runBatch } from "../raft/sim/batch.ts";

test(`raft simulator: ${CI_BATCH.seeds} seeds x ${CI_BATCH.steps} steps hold every invariant and stay live`, () => {
  const started = performance.now();
  const r = runBatch(CI_BATCH);
  const secs = (performance.now() - started) / 1000;
  for (const f of r.failures) console.error(`FAIL seed ${f.seed}: ${f.failure}\n  reproduce: ${f.reproduce}`);
  console.log(`raft sim batch: ${r.runs} seeds in ${secs.toFixed(1)}s, ${r.committed} entries committed, ${r.elections} elections`);
  expect(r.failures.map((f) => f.reproduce)).toEqual([]);
  expect(r.runs).toBe(CI_BATCH.seeds);
  // Sanity that the batch did real work: a simulator that commits nothing proves nothing.
  expect(r.committed).toBeGreaterThan(CI_BATCH.seeds * 50);
  expect(r.elections).toBeGreaterThan(CI_BATCH.seeds);
}, 120_000);

test("raft simulator: a seed replays exactly", async () => {
  const { runSim } = await import("../raft/sim/sim.ts");
  const a = runSim({ seed: 4242, steps: 1500, nodeCount: 5 });
  const b = runSim({ seed: 4242, steps: 1500, nodeCount: 5 });
  expect(a).toEqual(b);
  expect(a.ok).toBe(true);
});
