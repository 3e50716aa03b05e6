/**
 * Fault profiles: each seed draws its own mix, so a batch covers calm runs, lossy runs, partitions that
 * flap, one-way cuts and crash storms without tuning anything per seed.
 */
import type { SeededRandom } from "../random.ts";
import type { NetworkFaults } from "./network.ts";

export interface FaultProfile {
  network: NetworkFaults;
  /** Chance per tick that the partition layout changes. */
  partitionRate: number;
  /** Chance per tick that an up node crashes. */
  crashRate: number;
  /** Chance per tick that the current leader crashes: terms with divergent uncommitted tails. */
  leaderCrashRate: number;
  /** Chance that a crash happens after the Ready was made durable but before its messages went out. */
  crashAfterPersistRate: number;
  downTicksMax: number;
  proposeRate: number;
  readRate: number;
  transferRate: number;
  confChangeRate: number;
  compactRate: number;
  /** Small caps split a catch-up into many appends, which exposes commit-rule bugs (Raft paper, Fig. 8). */
  appendEntriesCountMax: number;
  /** The core's options are part of the profile: both settings must be safe. */
  preVote: boolean;
  checkQuorum: boolean;
}

function pick<T>(rng: SeededRandom, xs: readonly T[]): T {
  return xs[rng.intBelow(xs.length)]!;
}

export function drawProfile(rng: SeededRandom): FaultProfile {
  return {
    network: {
      dropRate: pick(rng, [0, 0.01, 0.05, 0.2]),
      duplicateRate: pick(rng, [0, 0.02, 0.1]),
      delayTicksMax: pick(rng, [1, 2, 4, 10]),
    },
    partitionRate: pick(rng, [0, 0.005, 0.02, 0.1]),
    crashRate: pick(rng, [0, 0.002, 0.01, 0.03]),
    leaderCrashRate: pick(rng, [0, 0.01, 0.03]),
    crashAfterPersistRate: 0.5,
    downTicksMax: pick(rng, [5, 40, 150]),
    proposeRate: pick(rng, [0.1, 0.3, 0.8]),
    readRate: pick(rng, [0, 0.05]),
    transferRate: pick(rng, [0, 0.005]),
    confChangeRate: pick(rng, [0, 0.005, 0.02]),
    compactRate: pick(rng, [0, 0.01, 0.05]),
    appendEntriesCountMax: pick(rng, [1, 2, 8, 256]),
    preVote: rng.chance(0.75),
    checkQuorum: rng.chance(0.75),
  };
}
