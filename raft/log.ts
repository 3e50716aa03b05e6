/**
 * The in-memory Raft log of one node: a compacted prefix (snapshot index and term) followed by entries.
 * Also tracks three cursors: `commit` (known committed), `applied` (handed to the caller for applying)
 * and `stableIndex` (entries known durable; everything after it goes into the next Ready).
 * Invariant: snapIndex <= applied <= commit <= lastIndex, and stableIndex <= lastIndex.
 */
import { assert } from "../protocol/errors.ts";
import type { Entry, Snapshot } from "./types.ts";

/** Largest index we accept: integers stay exact in a JS number. */
const INDEX_MAX = Number.MAX_SAFE_INTEGER;

export class RaftLog {
  snapIndex = 0;
  snapTerm = 0;
  commit = 0;
  applied = 0;
  stableIndex = 0;
  /** entries[i] has index snapIndex + 1 + i. */
  entries: Entry[] = [];

  firstIndex(): number {
    return this.snapIndex + 1;
  }

  lastIndex(): number {
    return this.snapIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length === 0 ? this.snapTerm : this.entries[this.entries.length - 1]!.term;
  }

  /** The term at `index`, or -1 when compacted away or beyond the end. */
  term(index: number): number {
    if (index === this.snapIndex) return this.snapTerm;
    if (index < this.snapIndex || index > this.lastIndex()) return -1;
    return this.entries[index - this.snapIndex - 1]!.term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  entryAt(index: number): Entry {
    assert(index > this.snapIndex && index <= this.lastIndex(), `entry ${index} outside (${this.snapIndex}, ${this.lastIndex()}]`);
    return this.entries[index - this.snapIndex - 1]!;
  }

  /** Entries with index in [lo, hi), at most `countMax` of them. */
  slice(lo: number, hi: number, countMax = Infinity): Entry[] {
    assert(lo > this.snapIndex && hi <= this.lastIndex() + 1 && lo <= hi, `slice [${lo}, ${hi}) outside log`);
    const from = lo - this.snapIndex - 1;
    return this.entries.slice(from, Math.min(hi - this.snapIndex - 1, from + countMax));
  }

  /** Raft's voting rule: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Leader append of new entries right after the end. */
  append(entries: readonly Entry[]): void {
    for (const e of entries) {
      assert(e.index === this.lastIndex() + 1, `append of index ${e.index} after ${this.lastIndex()}`);
      assert(e.term >= this.lastTerm(), `append of term ${e.term} after term ${this.lastTerm()}`);
      assert(e.index < INDEX_MAX, "log index overflow");
      this.entries.push(e);
    }
  }

  /**
   * Follower append: keeps entries that already match, truncates at the first conflict, appends the rest.
   * Returns the first index that was replaced or added (lastIndex + 1 when nothing changed).
   */
  mergeEntries(entries: readonly Entry[]): number {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.index <= this.snapIndex) continue; // already compacted, hence committed, hence equal
      const t = this.term(e.index);
      if (t === e.term) continue;
      if (t !== -1) {
        assert(e.index > this.commit, `conflict at committed index ${e.index} (commit ${this.commit})`);
        this.entries.length = e.index - this.snapIndex - 1;
        if (this.stableIndex >= e.index) this.stableIndex = e.index - 1;
      }
      this.append(i === 0 ? entries : entries.slice(i));
      return e.index;
    }
    return this.lastIndex() + 1;
  }

  commitTo(index: number): boolean {
    if (index <= this.commit) return false;
    assert(index <= this.lastIndex(), `commit ${index} beyond last index ${this.lastIndex()}`);
    this.commit = index;
    return true;
  }

  /** Replaces the whole log with a snapshot (follower install). */
  restore(s: Snapshot): void {
    assert(s.index >= this.commit, `snapshot ${s.index} behind commit ${this.commit}`);
    this.snapIndex = s.index;
    this.snapTerm = s.term;
    this.entries = [];
    this.commit = s.index;
    this.applied = s.index;
    this.stableIndex = s.index;
  }

  /** Drops entries through `index` (already applied and captured in a snapshot by the caller). */
  compact(index: number): void {
    if (index <= this.snapIndex) return;
    assert(index <= this.applied, `compact ${index} beyond applied ${this.applied}`);
    const term = this.term(index);
    this.entries = this.entries.slice(index - this.snapIndex);
    this.snapIndex = index;
    this.snapTerm = term;
  }

  unstableEntries(): Entry[] {
    return this.stableIndex >= this.lastIndex() ? [] : this.slice(Math.max(this.stableIndex, this.snapIndex) + 1, this.lastIndex() + 1);
  }

  /** Committed entries not yet handed out for applying. */
  nextCommitted(): Entry[] {
    return this.applied >= this.commit ? [] : this.slice(this.applied + 1, this.commit + 1);
  }
}
