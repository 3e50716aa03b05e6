/**
 * Runs a batch of simulator seeds and prints one line per failing seed with the command that reproduces it.
 *
 *   bun raft/sim/cli.ts --seed-from 1 --seeds 200 --steps 2000 [--nodes 3|5] [--mutation commitAnyTerm]
 *
 * Without --nodes, even seeds run 3 nodes and odd seeds 5. Exit code 1 when any seed failed.
 */
import type { RaftMutation } from "../options.ts";
import { runBatch } from "./batch.ts";

function arg(name: string, fallback: string | null): string | null {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

function int(name: string, fallback: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isInteger(v) || v < 0) {
    console.error(`streambus-sim: USAGE: ${name} needs a non-negative integer`);
    process.exit(2);
  }
  return v;
}

const nodes = arg("--nodes", null);
if (nodes !== null && nodes !== "3" && nodes !== "5") {
  console.error("streambus-sim: USAGE: --nodes must be 3 or 5");
  process.exit(2);
}
const mutation = arg("--mutation", null) as RaftMutation | null;
const started = performance.now();
const r = runBatch({
  seedFrom: int("--seed-from", 1),
  seeds: int("--seeds", 100),
  steps: int("--steps", 2000),
  nodeCount: nodes === null ? null : (Number(nodes) as 3 | 5),
  mutation,
});
for (const f of r.failures) console.log(`FAIL seed ${f.seed}: ${f.failure}\n  reproduce: ${f.reproduce}`);
const secs = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${r.runs - r.failures.length}/${r.runs} seeds passed in ${secs}s; ${r.committed} entries committed, ${r.elections} elections`);
process.exit(r.failures.length === 0 ? 0 : 1);
