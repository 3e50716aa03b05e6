/**
 * Sparse time index of one segment: (largest timestamp so far, offset relative to the segment base of the
 * batch that carried it), appended beside the offset index when the largest timestamp grows. Kept in
 * memory; the `.timeindex` file (12-byte entries: int64 timestamp ms, int32 relative offset) is a cache
 * written when the segment closes and rebuilt from the log when missing or inconsistent.
 */
import { assert } from "../protocol/errors.ts";

export const TIME_INDEX_ENTRY_BYTES = 12;

/** In-memory time index: timestamps non-decreasing, relative offsets strictly increasing. */
export class TimeIndex {
  #ts: number[] = [];
  #rel: number[] = [];

  get entryCount(): number { return this.#ts.length; }
  /** Largest timestamp indexed, or -1 when empty. */
  get lastTimestampMs(): number { return this.#ts.length ? this.#ts[this.#ts.length - 1]! : -1; }

  /** Adds an entry if `timestampMs` is above the last one (the index only records new maxima). */
  maybeAppend(timestampMs: number, relOffset: number): void {
    const n = this.#ts.length;
    if (n > 0 && timestampMs <= this.#ts[n - 1]!) return;
    if (n > 0) assert(relOffset > this.#rel[n - 1]!, "time index offsets must increase");
    this.#ts.push(timestampMs);
    this.#rel.push(relOffset);
  }

  /**
   * Relative offset to start scanning from for the first batch with a timestamp >= `timestampMs`:
   * the last entry whose timestamp is below the target (every batch before it is older), else 0.
   */
  lookup(timestampMs: number): number {
    let lo = 0;
    let hi = this.#ts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ts[mid]! < timestampMs) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : this.#rel[found]!;
  }

  toBytes(): Buffer {
    const out = Buffer.alloc(this.#ts.length * TIME_INDEX_ENTRY_BYTES);
    for (let i = 0; i < this.#ts.length; i++) {
      out.writeBigInt64BE(BigInt(this.#ts[i]!), i * TIME_INDEX_ENTRY_BYTES);
      out.writeInt32BE(this.#rel[i]!, i * TIME_INDEX_ENTRY_BYTES + 8);
    }
    return out;
  }

  /** Parses a `.timeindex` file; null when inconsistent (caller rebuilds). `relOffsetEnd` bounds offsets. */
  static fromBytes(buf: Uint8Array, relOffsetEnd: number): TimeIndex | null {
    if (buf.byteLength % TIME_INDEX_ENTRY_BYTES !== 0) return null;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const index = new TimeIndex();
    for (let at = 0; at < buf.byteLength; at += TIME_INDEX_ENTRY_BYTES) {
      const ts = Number(dv.getBigInt64(at));
      const rel = dv.getInt32(at + 8);
      const n = index.#ts.length;
      if (rel < 0 || rel >= relOffsetEnd || !Number.isSafeInteger(ts)) return null;
      if (n > 0 && (ts <= index.#ts[n - 1]! || rel <= index.#rel[n - 1]!)) return null;
      index.maybeAppend(ts, rel);
    }
    return index;
  }
}
