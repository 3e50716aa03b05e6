/**
 * Safety invariants checked by the simulator after every step or event. Each check is incremental, so a
 * run of thousands of steps stays cheap:
 * - election safety: at most one leader per term;
 * - log matching: entries with the same index and term carry the same data and sit after the same term
 *   (by induction, identical prefixes), checked on every entry a node makes durable;
 * - leader completeness: a new leader holds every entry applied anywhere so far;
 * - state-machine safety: no two nodes apply different entries at one index, and a snapshot's state equals
 *   the state built from the applied prefix;
 * - monotonic commit: a node's commit never goes back while it runs, nor its durable commit ever;
 * - linearizable reads: a read index covers every entry committed before the read was asked.
 */
import type { Entry, NodeId } from "../types.ts";

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvariantViolation";
  }
}

function fail(message: string): never {
  throw new InvariantViolation(message);
}

/** A compact identity for entry contents (proposal ids are unique; config bytes are hashed). */
export function entryKey(e: Entry): number {
  if (e.data.byteLength === 0) return -1;
  let h = e.kind === 1 ? 0x811c9dc5 : 0;
  if (e.kind === 1) {
    for (const b of e.data) h = Math.imul(h ^ b, 0x01000193);
    return -2 - (h >>> 1);
  }
  return new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength).getUint32(0);
}

/** Folds one applied entry into a state-machine hash. */
export function foldHash(h: number, e: Entry): number {
  h = Math.imul(h ^ e.index, 0x01000193);
  h = Math.imul(h ^ e.term, 0x01000193);
  return Math.imul(h ^ entryKey(e), 0x01000193) >>> 0;
}

const TERM_LIMIT = 1 << 20;

export class Checker {
  #leaderOfTerm = new Map<number, NodeId>();
  /** (index, term) -> [prevTerm, key] of every durable entry seen. */
  #entries = new Map<number, [number, number]>();
  /** Applied entries: index -> [term, key]; and the state hash after each index. */
  applied: [number, number][] = [];
  hashAt: number[] = [0];
  #durableCommit = new Map<NodeId, number>();
  maxCommit = 0;

  leader(node: NodeId, term: number): void {
    const other = this.#leaderOfTerm.get(term);
    if (other === undefined) this.#leaderOfTerm.set(term, node);
    else if (other !== node) fail(`election safety: nodes ${other} and ${node} both lead term ${term}`);
  }

  /** Entries a node just made durable; `termAt` gives its log's term at an index (for the predecessor). */
  durableEntries(node: NodeId, entries: readonly Entry[], termAt: (index: number) => number): void {
    for (const e of entries) {
      if (e.term >= TERM_LIMIT) fail(`term ${e.term} beyond the simulator's limit`);
      const key = e.index * TERM_LIMIT + e.term;
      const prevTerm = termAt(e.index - 1);
      const seen = this.#entries.get(key);
      const k = entryKey(e);
      if (!seen) this.#entries.set(key, [prevTerm, k]);
      else if (seen[1] !== k || (prevTerm !== -1 && seen[0] !== -1 && seen[0] !== prevTerm)) {
        fail(`log matching: node ${node} entry ${e.index}@${e.term} (prev term ${prevTerm}, key ${k}) differs from one seen before (prev term ${seen[0]}, key ${seen[1]})`);
      }
    }
  }

  durableCommit(node: NodeId, commit: number): void {
    const before = this.#durableCommit.get(node) ?? 0;
    if (commit < before) fail(`monotonic commit: node ${node} durable commit went from ${before} to ${commit}`);
    this.#durableCommit.set(node, commit);
  }

  commit(node: NodeId, before: number, after: number): void {
    if (after < before) fail(`monotonic commit: node ${node} commit went from ${before} to ${after}`);
    if (after > this.maxCommit) this.maxCommit = after;
  }

  /** A node applied `e` on top of state hash `h` (its state after e.index - 1); returns the new hash. */
  apply(node: NodeId, e: Entry, h: number): number {
    const had = this.applied[e.index];
    const k = entryKey(e);
    if (had === undefined) {
      if (this.hashAt[e.index - 1] === undefined) fail(`state machine: node ${node} applied ${e.index} before anyone applied ${e.index - 1}`);
      this.applied[e.index] = [e.term, k];
      this.hashAt[e.index] = foldHash(this.hashAt[e.index - 1]!, e);
    } else if (had[0] !== e.term || had[1] !== k) {
      fail(`state machine safety: node ${node} applied ${e.index}@${e.term} key ${k}, another node applied ${e.index}@${had[0]} key ${had[1]}`);
    }
    const next = foldHash(h, e);
    if (next !== this.hashAt[e.index]) fail(`state machine safety: node ${node} state at ${e.index} differs from the cluster's`);
    return next;
  }

  /** A node restored state `h` as of `index` from a snapshot. */
  restore(node: NodeId, index: number, h: number): void {
    const want = this.hashAt[index];
    if (want === undefined || want !== h) fail(`state machine safety: node ${node} snapshot at ${index} has state ${h}, cluster had ${want}`);
  }

  /** A node just became leader: it must hold every entry applied anywhere (leader completeness). */
  newLeader(node: NodeId, term: number, snapIndex: number, termAt: (index: number) => number): void {
    for (let i = snapIndex + 1; i < this.applied.length; i++) {
      const a = this.applied[i];
      if (a && termAt(i) !== a[0]) fail(`leader completeness: node ${node} leads term ${term} without committed entry ${i}@${a[0]} (has term ${termAt(i)})`);
    }
  }

  read(node: NodeId, readIndex: number, commitWhenAsked: number): void {
    if (readIndex < commitWhenAsked) fail(`linearizable read: node ${node} read index ${readIndex} below ${commitWhenAsked} committed when asked`);
  }
}
