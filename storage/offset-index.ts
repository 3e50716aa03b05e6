/**
 * Sparse offset index of one segment: (offset relative to the segment base, byte position in the .log),
 * one entry per `index.interval.bytes` of log. Held in memory while the segment is in use; the `.index`
 * file (8-byte entries: int32 relative offset, int32 position, big-endian) is written when the segment is
 * closed and is only ever a cache: a missing, short or inconsistent file is rebuilt from the log.
 */
import { assert } from "../protocol/errors.ts";

export const OFFSET_INDEX_ENTRY_BYTES = 8;

/** In-memory sparse index, append-only, strictly increasing in both columns. */
export class OffsetIndex {
  #rel = new Int32Array(64);
  #pos = new Int32Array(64);
  #count = 0;

  get entryCount(): number { return this.#count; }

  /** Adds an entry; both values must be above the previous entry's. */
  append(relOffset: number, position: number): void {
    if (this.#count > 0) {
      assert(relOffset > this.#rel[this.#count - 1]! && position > this.#pos[this.#count - 1]!, "offset index entries must increase");
    }
    if (this.#count === this.#rel.length) {
      this.#rel = grow(this.#rel);
      this.#pos = grow(this.#pos);
    }
    this.#rel[this.#count] = relOffset;
    this.#pos[this.#count] = position;
    this.#count++;
  }

  /** The last entry at or below `relOffset`, or the segment start: where a scan for that offset begins. */
  lookup(relOffset: number): { relOffset: number; position: number } {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#rel[mid]! <= relOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? { relOffset: 0, position: 0 } : { relOffset: this.#rel[found]!, position: this.#pos[found]! };
  }

  /** Drops the entry at `index` and all after it (used when a lookup proved an entry wrong). */
  truncateEntries(index: number): void {
    this.#count = Math.min(this.#count, index);
  }

  toBytes(): Buffer {
    const out = Buffer.alloc(this.#count * OFFSET_INDEX_ENTRY_BYTES);
    for (let i = 0; i < this.#count; i++) {
      out.writeInt32BE(this.#rel[i]!, i * OFFSET_INDEX_ENTRY_BYTES);
      out.writeInt32BE(this.#pos[i]!, i * OFFSET_INDEX_ENTRY_BYTES + 4);
    }
    return out;
  }

  /**
   * Parses an `.index` file; null when it is inconsistent with a log of `logBytes` bytes (wrong length,
   * entries not increasing, or positions past the end), so the caller rebuilds it.
   */
  static fromBytes(buf: Uint8Array, logBytes: number): OffsetIndex | null {
    if (buf.byteLength % OFFSET_INDEX_ENTRY_BYTES !== 0) return null;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const index = new OffsetIndex();
    for (let at = 0; at < buf.byteLength; at += OFFSET_INDEX_ENTRY_BYTES) {
      const rel = dv.getInt32(at);
      const pos = dv.getInt32(at + 4);
      const n = index.#count;
      if (rel <= 0 || pos <= 0 || pos >= logBytes) return null;
      if (n > 0 && (rel <= index.#rel[n - 1]! || pos <= index.#pos[n - 1]!)) return null;
      index.append(rel, pos);
    }
    return index;
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
