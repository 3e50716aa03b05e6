/**
 * One simulator run: N nodes, a virtual clock (one tick per step), a faulty network, crashes, restarts,
 * proposals, reads, membership changes, transfers and compactions, all drawn from one seed, with the
 * invariants of checker.ts after every step. Then the faults stop and liveness is checked: within a
 * bounded number of ticks a leader exists and a new proposal is applied on every member.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import type { ConfChange } from "../membership.ts";
import type { RaftMutation } from "../options.ts";
import { SeededRandom } from "../random.ts";
import type { NodeId } from "../types.ts";
import { Checker } from "./checker.ts";
import { drawProfile, type FaultProfile } from "./faults.ts";
import { PERFECT_NETWORK, SimNetwork } from "./network.ts";
import { SimNode, type SimTimeouts } from "./node.ts";

export interface SimOptions {
  seed: number;
  steps: number;
  nodeCount: 3 | 5;
  mutation?: RaftMutation | null;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  /** The violation or liveness failure, with the step it happened at. */
  failure: string | null;
  committed: number;
  elections: number;
  livenessTicks: number;
}

export const SIM_TIMEOUTS: SimTimeouts = { electionTimeoutTicksMin: 10, electionTimeoutTicksMax: 20, heartbeatTicks: 2 };
/** Once faults stop, a leader must be elected and a proposal applied within this many ticks. */
export const LIVENESS_TICKS_MAX = 30 * SIM_TIMEOUTS.electionTimeoutTicksMax;

export function runSim(o: SimOptions): SimResult {
  const sim = new Sim(o);
  try {
    sim.run();
    return sim.result(null);
  } catch (e) {
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return sim.result(`step ${sim.now}: ${msg}`);
  }
}

class Sim {
  now = 0;
  readonly rng: SeededRandom;
  readonly net: SimNetwork;
  readonly checker = new Checker();
  readonly nodes: SimNode[];
  readonly profile: FaultProfile;
  #nextProposal = 1;
  #nextRead = 1;
  elections = 0;
  livenessTicks = 0;

  constructor(readonly o: SimOptions) {
    this.rng = new SeededRandom(o.seed);
    this.net = new SimNetwork(this.rng);
    this.profile = drawProfile(this.rng);
    this.net.faults = this.profile.network;
    const ids = Array.from({ length: o.nodeCount }, (_, i) => i + 1);
    this.nodes = ids.map((id) => new SimNode(id, { voters: ids, learners: [] }, { ...SIM_TIMEOUTS, appendEntriesCountMax: this.profile.appendEntriesCountMax, preVote: this.profile.preVote, checkQuorum: this.profile.checkQuorum }, o.mutation ?? null));
    for (const n of this.nodes) n.start(this.rng.nextU32(), this.checker);
  }

  result(failure: string | null): SimResult {
    return { seed: this.o.seed, ok: failure === null, failure, committed: this.checker.applied.length - 1, elections: this.elections, livenessTicks: this.livenessTicks };
  }

  run(): void {
    for (let s = 0; s < this.o.steps; s++) {
      this.#faults();
      this.#step();
      this.#workload();
      this.#flush();
    }
    this.#liveness();
  }

  node(id: NodeId): SimNode {
    return this.nodes[id - 1]!;
  }

  /** One tick: deliver what is due, tick every running node. */
  #step(): void {
    this.now++;
    for (const m of this.net.due(this.now)) {
      const n = this.node(m.to);
      if (n.up) n.core!.step(m);
    }
    for (const n of this.nodes) if (n.up) n.core!.tick();
  }

  /** Handles every pending Ready and checks leader invariants: the end of a step. */
  #flush(): void {
    for (let round = 0; round < 4; round++) {
      let any = false;
      for (const n of this.nodes) {
        if (!n.up || !n.core!.hasReady()) continue;
        any = true;
        n.handleReady(this.net, this.now, this.checker);
      }
      if (!any) break;
    }
    for (const n of this.nodes) {
      if (!n.up) continue;
      const st = n.core!.status();
      const leads = st.role === "leader";
      if (leads) this.checker.leader(n.id, st.term);
      if (leads && !n.wasLeader) {
        this.elections++;
        this.checker.newLeader(n.id, st.term, st.snapIndex, (i) => n.core!.log.term(i));
      }
      n.wasLeader = leads;
    }
  }

  #faults(): void {
    const p = this.profile;
    const rng = this.rng;
    if (rng.chance(p.partitionRate)) this.#repartition();
    for (const n of this.nodes) {
      if (!n.up && this.now >= n.downUntilTick) n.start(rng.nextU32(), this.checker);
    }
    const crashLeader = rng.chance(p.leaderCrashRate);
    if (crashLeader || rng.chance(p.crashRate)) {
      const n = crashLeader ? this.nodes.find((x) => x.up && x.core!.status().role === "leader") : this.nodes[rng.intBelow(this.nodes.length)]!;
      if (n && n.up) {
        if (n.core!.hasReady() && rng.chance(p.crashAfterPersistRate)) n.handleReady(this.net, this.now, this.checker, true);
        n.crash();
        n.downUntilTick = this.now + 1 + rng.intBelow(p.downTicksMax);
      }
    }
  }

  #repartition(): void {
    const rng = this.rng;
    const ids = this.nodes.map((n) => n.id);
    this.net.heal();
    const kind = rng.intBelow(4);
    if (kind === 0) return; // healed
    if (kind === 1) {
      const x = ids[rng.intBelow(ids.length)]!;
      this.net.split([x], ids.filter((i) => i !== x));
    } else if (kind === 2) {
      const shuffled = ids.slice().sort(() => rng.intBelow(3) - 1);
      const k = 1 + rng.intBelow(ids.length - 1);
      this.net.split(shuffled.slice(0, k), shuffled.slice(k));
    } else {
      // One-way cuts: a node that can send but not receive (or the reverse) is the classic disruptor.
      for (let i = 0; i < 1 + rng.intBelow(ids.length); i++) this.net.cut(ids[rng.intBelow(ids.length)]!, ids[rng.intBelow(ids.length)]!);
    }
  }

  #workload(): void {
    const p = this.profile;
    const rng = this.rng;
    const leader = this.nodes.find((n) => n.up && n.core!.status().role === "leader");
    if (!leader) return;
    const core = leader.core!;
    if (rng.chance(p.proposeRate)) this.#propose(leader);
    if (rng.chance(p.readRate)) {
      const ctx = this.#nextRead++;
      if (core.readIndex(ctx)) leader.reads.set(ctx, this.checker.maxCommit);
    }
    if (rng.chance(p.transferRate)) core.transferLeadership(1 + rng.intBelow(this.nodes.length));
    if (rng.chance(p.confChangeRate)) this.#confChange(leader);
    if (rng.chance(p.compactRate)) {
      const n = this.nodes[rng.intBelow(this.nodes.length)]!;
      if (n.up) n.compact();
    }
  }

  #propose(leader: SimNode): number | null {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint32(0, this.#nextProposal);
    const r = leader.core!.propose(data);
    if (!r) return null;
    return this.#nextProposal++;
  }

  #confChange(leader: SimNode): void {
    const conf = leader.core!.status().conf;
    const rng = this.rng;
    const all = this.nodes.map((n) => n.id);
    const outside = all.filter((id) => !conf.voters.includes(id) && !conf.learners.includes(id));
    let change: ConfChange;
    if (conf.learners.length > 0) change = { type: "addVoter", nodeId: conf.learners[0]! };
    else if (outside.length > 0) change = { type: rng.chance(0.5) ? "addLearner" : "addVoter", nodeId: outside[0]! };
    else {
      const candidates = conf.voters.filter((v) => v !== leader.id);
      if (conf.voters.length <= 2 || candidates.length === 0) return;
      change = { type: "removeVoter", nodeId: candidates[rng.intBelow(candidates.length)]! };
    }
    try {
      leader.core!.proposeConfChange(change);
    } catch (e) {
      if (!(e instanceof StreamBusError)) throw e; // refusals (pending change, no commit yet) are expected
    }
  }

  /** The proposal applied on the leader and on every member of its configuration (followers caught up). */
  #converged(id: number, leader: SimNode): boolean {
    const at = this.checker.applied.findIndex((a, i) => i > 0 && a !== undefined && a[1] === id);
    if (at < 0 || leader.smIndex < at) return false;
    const conf = leader.core!.status().conf;
    return [...conf.voters, ...conf.learners].every((m) => this.node(m).smIndex >= at);
  }

  /** Heals everything, restarts every node, and requires a leader plus an applied proposal in bounded ticks. */
  #liveness(): void {
    this.net.heal();
    this.net.faults = PERFECT_NETWORK;
    for (const n of this.nodes) if (!n.up) n.start(this.rng.nextU32(), this.checker);
    let want: { id: number; leader: SimNode } | null = null;
    for (let t = 0; t < LIVENESS_TICKS_MAX; t++) {
      this.livenessTicks = t + 1;
      this.#step();
      const leader = this.nodes.find((n) => n.core!.status().role === "leader");
      if (leader && (!want || want.leader !== leader)) {
        const id = this.#propose(leader);
        want = id === null ? null : { id, leader };
      }
      this.#flush();
      if (want && this.#converged(want.id, want.leader)) return;
    }
    throw new Error(`liveness: no leader with a proposal applied on every member within ${LIVENESS_TICKS_MAX} ticks after faults stopped`);
  }
}
