/**
 * Splits a byte stream into lines ("\n"-terminated; the last line may lack it) without ever holding
 * more than one line plus one chunk: memory stays bounded whatever the input size. A line longer than
 * `maxLineBytes` is dropped while it streams past (reported, not buffered), so one huge line cannot
 * exhaust memory either.
 */

export type LineEvent = { line: Uint8Array; lineNumber: number } | { tooLongBytes: number; lineNumber: number };

const NEWLINE = 0x0a;

export class LineSplitter {
  readonly #maxLineBytes: number;
  /** Pieces of the current, unfinished line (copied: a chunk is not kept just for its tail). */
  #carry: Uint8Array[] = [];
  #carryBytes = 0;
  /** Bytes of the current line when it is being dropped for length; -1 otherwise. */
  #droppingBytes = -1;
  #lineNumber = 0;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Lines completed by `chunk`, in order. Lines may be views into `chunk`. */
  push(chunk: Uint8Array): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.#complete(chunk.subarray(start, nl), out);
      start = nl + 1;
    }
    if (start < chunk.length) this.#hold(chunk.subarray(start));
    return out;
  }

  /** The last line, if the input did not end with a newline. */
  end(): LineEvent[] {
    const out: LineEvent[] = [];
    if (this.#carryBytes > 0 || this.#droppingBytes >= 0) this.#complete(new Uint8Array(0), out);
    return out;
  }

  #hold(piece: Uint8Array): void {
    if (this.#droppingBytes >= 0) {
      this.#droppingBytes += piece.length;
      return;
    }
    if (this.#carryBytes + piece.length > this.#maxLineBytes) {
      this.#droppingBytes = this.#carryBytes + piece.length;
      this.#carry = [];
      this.#carryBytes = 0;
      return;
    }
    this.#carry.push(piece.slice());
    this.#carryBytes += piece.length;
  }

  #complete(tail: Uint8Array, out: LineEvent[]): void {
    const lineNumber = ++this.#lineNumber;
    if (this.#droppingBytes >= 0 || this.#carryBytes + tail.length > this.#maxLineBytes) {
      out.push({ tooLongBytes: Math.max(this.#droppingBytes, this.#carryBytes) + tail.length, lineNumber });
      this.#droppingBytes = -1;
      this.#carry = [];
      this.#carryBytes = 0;
      return;
    }
    if (this.#carryBytes === 0) {
      out.push({ line: tail, lineNumber });
      return;
    }
    const line = new Uint8Array(this.#carryBytes + tail.length);
    let at = 0;
    for (const p of this.#carry) {
      line.set(p, at);
      at += p.length;
    }
    line.set(tail, at);
    this.#carry = [];
    this.#carryBytes = 0;
    out.push({ line, lineNumber });
  }
}
