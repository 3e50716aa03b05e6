/**
 * One simulated node: a RaftCore, its "disk" (what Ready handling made durable) and a tiny state machine
 * (a hash of applied entries). A crash drops the core and everything not on the disk; a restart builds a
 * new core from the disk alone.
 */
import { RaftCore } from "../core.ts";
import type { RaftMutation } from "../options.ts";
import { SeededRandom } from "../random.ts";
import type { ConfState, Entry, HardState, NodeId, Ready, Snapshot } from "../types.ts";
import type { Checker } from "./checker.ts";
import type { SimNetwork } from "./network.ts";

export interface Disk {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

export interface SimTimeouts {
  electionTimeoutTicksMin: number;
  electionTimeoutTicksMax: number;
  heartbeatTicks: number;
  appendEntriesCountMax?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
}

export class SimNode {
  core: RaftCore | null = null;
  disk: Disk = { hardState: { term: 0, vote: 0, commit: 0 }, snapshot: null, entries: [] };
  /** State machine: hash of applied entries through `smIndex`. */
  smHash = 0;
  smIndex = 0;
  wasLeader = false;
  downUntilTick = 0;
  /** Reads asked and not yet answered: ctx -> max commit in the cluster when asked. */
  reads = new Map<number, number>();

  constructor(
    readonly id: NodeId,
    readonly bootstrap: ConfState,
    readonly timeouts: SimTimeouts,
    readonly mutation: RaftMutation | null,
  ) {}

  get up(): boolean {
    return this.core !== null;
  }

  start(seed: number, checker: Checker): void {
    const s = this.disk.snapshot;
    this.smIndex = s ? s.index : 0;
    this.smHash = s ? new DataView(s.data.buffer, s.data.byteOffset).getUint32(0) : 0;
    if (s) checker.restore(this.id, s.index, this.smHash);
    this.core = new RaftCore({
      id: this.id,
      bootstrap: this.bootstrap,
      random: new SeededRandom(seed),
      persisted: { hardState: this.disk.hardState, snapshot: s, entries: this.disk.entries.slice() },
      mutation: this.mutation,
      ...this.timeouts,
    });
    this.wasLeader = false;
    this.reads.clear();
  }

  crash(): void {
    this.core = null;
  }

  /** Handles one Ready in the documented order. `crashAfterPersist` models a crash between fsync and send. */
  handleReady(net: SimNetwork, now: number, checker: Checker, crashAfterPersist = false): void {
    const core = this.core!;
    const commitBefore = this.disk.hardState.commit;
    const rd = core.ready();
    this.#persist(rd, checker);
    if (crashAfterPersist) {
      core.advance(rd);
      this.crash();
      return;
    }
    for (const m of rd.messages) net.send(m, now);
    if (rd.snapshot) {
      this.smIndex = rd.snapshot.index;
      this.smHash = new DataView(rd.snapshot.data.buffer, rd.snapshot.data.byteOffset).getUint32(0);
      checker.restore(this.id, this.smIndex, this.smHash);
    }
    for (const e of rd.committedEntries) {
      if (e.index !== this.smIndex + 1) throw new Error(`node ${this.id} applies ${e.index} after ${this.smIndex}`);
      this.smHash = checker.apply(this.id, e, this.smHash);
      this.smIndex = e.index;
    }
    for (const rs of rd.readStates) {
      const asked = this.reads.get(rs.ctx);
      if (asked !== undefined) checker.read(this.id, rs.index, asked);
      this.reads.delete(rs.ctx);
    }
    core.advance(rd);
    checker.commit(this.id, commitBefore, core.status().commit);
  }

  /** Takes a snapshot of the state machine at its applied index and compacts the log. */
  compact(): void {
    const core = this.core!;
    if (this.smIndex <= core.status().snapIndex) return;
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint32(0, this.smHash);
    const snap = core.compact(this.smIndex, data);
    this.disk.snapshot = snap;
    this.disk.entries = this.disk.entries.filter((e) => e.index > snap.index);
  }

  #persist(rd: Ready, checker: Checker): void {
    const d = this.disk;
    if (rd.snapshot) {
      d.snapshot = rd.snapshot;
      d.entries = []; // an installed snapshot replaces the whole log
    }
    if (rd.entries.length > 0) {
      const first = rd.entries[0]!.index;
      const base = d.snapshot?.index ?? 0;
      d.entries.length = Math.max(0, Math.min(d.entries.length, first - base - 1));
      if (d.entries.length !== first - base - 1) throw new Error(`node ${this.id}: entries from ${first} leave a gap after ${base + d.entries.length}`);
      for (const e of rd.entries) d.entries.push(e);
      checker.durableEntries(this.id, rd.entries, (i) => this.#diskTerm(i));
    }
    if (rd.hardState) {
      d.hardState = rd.hardState;
      checker.durableCommit(this.id, rd.hardState.commit);
    }
  }

  #diskTerm(index: number): number {
    const s = this.disk.snapshot;
    const base = s?.index ?? 0;
    if (index === base) return s?.term ?? 0;
    const e = this.disk.entries[index - base - 1];
    return e ? e.term : -1;
  }
}
