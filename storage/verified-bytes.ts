/**
 * Which bytes of one segment file this process already knows to be good, so reads CRC-check only the rest
 * (storage/README.md, "Invariants"). In memory only: a new process trusts nothing it has not checked or
 * written itself.
 *
 * Two ranges, both on batch boundaries:
 * - the mark, `[0, markBytes)`: checked by a read or a scan, or appended contiguously with the mark;
 * - the appended tail, `[tailFromBytes, size)`: appended by this process to a segment whose earlier bytes
 *   it has not checked (the active segment after a restart), so a tailing reader is not charged for them.
 * Appended bytes count as checked because every append path checks or computes each batch's CRC before
 * the write (PartitionLog.append). Truncation cuts both ranges back.
 */
import { assert } from "../protocol/errors.ts";

/** No appended tail yet. */
const NO_TAIL = Number.MAX_SAFE_INTEGER;

export class VerifiedBytes {
  #markBytes = 0;
  #tailFromBytes = NO_TAIL;

  /** End of the checked prefix: every byte before it is known good. */
  get markBytes(): number { return this.#markBytes; }
  /** Start of the appended tail (which runs to the end of the file), or null when there is none. */
  get tailFromBytes(): number | null { return this.#tailFromBytes === NO_TAIL ? null : this.#tailFromBytes; }

  /** Whether `[start, end)` lies wholly inside a known-good range. */
  covers(start: number, end: number): boolean {
    return end <= this.#markBytes || start >= this.#tailFromBytes;
  }

  /** `[start, end)` was CRC-checked by a read or a scan. Advances the mark only when contiguous with it. */
  noteChecked(start: number, end: number): void {
    assert(start >= 0 && end >= start, "checked range must be ordered and non-negative");
    if (start <= this.#markBytes && end > this.#markBytes) this.#markBytes = end;
  }

  /** `[start, end)` was appended at the end of the file (its batches' CRCs checked or computed before the write). */
  noteAppended(start: number, end: number): void {
    assert(start >= 0 && end >= start, "appended range must be ordered and non-negative");
    if (start <= this.#markBytes) {
      if (end > this.#markBytes) this.#markBytes = end;
    } else if (start < this.#tailFromBytes) {
      // The file ends at `start` (appends are at the end), so the tail starting here covers everything after.
      this.#tailFromBytes = start;
    }
  }

  /** The file was cut back to `sizeBytes`: nothing beyond it may count as checked. */
  truncated(sizeBytes: number): void {
    if (this.#markBytes > sizeBytes) this.#markBytes = sizeBytes;
    if (this.#tailFromBytes !== NO_TAIL && this.#tailFromBytes > sizeBytes) this.#tailFromBytes = NO_TAIL;
  }
}
