/** Runs many simulator seeds; each failure comes with the exact command that replays it. */

/** The CI batch: fixed so every run checks the same ground; others run other seeds and longer runs. */
export const CI_BATCH = { seedFrom: 1, seeds: 500, steps: 2000, nodeCount: null } as const;
import type { RaftMutation } from "../options.ts";
import { runSim, type SimResult } from "./sim.ts";

export interface BatchOptions {
  seedFrom: number;
  seeds: number;
  steps: number;
  /** null: even seeds run 3 nodes, odd seeds 5. */
  nodeCount: 3 | 5 | null;
  mutation?: RaftMutation | null;
  /** Stop at the first failing seed (the mutation test only needs one). */
  stopAtFirstFailure?: boolean;
}

export interface BatchFailure extends SimResult {
  reproduce: string;
}

export interface BatchResult {
  runs: number;
  failures: BatchFailure[];
  committed: number;
  elections: number;
}

export function nodesForSeed(seed: number, fixed: 3 | 5 | null): 3 | 5 {
  return fixed ?? (seed % 2 === 0 ? 3 : 5);
}

export function reproduceCommand(seed: number, steps: number, nodeCount: 3 | 5, mutation: RaftMutation | null): string {
  const m = mutation ? ` --mutation ${mutation}` : "";
  return `bun raft/sim/cli.ts --seed-from ${seed} --seeds 1 --steps ${steps} --nodes ${nodeCount}${m}`;
}

export function runBatch(o: BatchOptions): BatchResult {
  const out: BatchResult = { runs: 0, failures: [], committed: 0, elections: 0 };
  for (let seed = o.seedFrom; seed < o.seedFrom + o.seeds; seed++) {
    const nodeCount = nodesForSeed(seed, o.nodeCount);
    const r = runSim({ seed, steps: o.steps, nodeCount, mutation: o.mutation ?? null });
    out.runs++;
    out.committed += r.committed;
    out.elections += r.elections;
    if (!r.ok) out.failures.push({ ...r, reproduce: reproduceCommand(seed, o.steps, nodeCount, o.mutation ?? null) });
    if (!r.ok && o.stopAtFirstFailure) break;
  }
  return out;
}
