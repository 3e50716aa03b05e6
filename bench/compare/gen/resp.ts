/**
 * A streaming RESP2 reader: consumes socket chunks of any size and reports each complete top-level reply,
 * plus every bulk string with its nesting path, without buffering whole replies (XREAD replies run to
 * megabytes). Bulk strings split across chunks are joined before they are reported.
 */

const CR = 13;

/** Called for each bulk string: `depth` is how many arrays enclose it, `index` its position in the innermost. */
export type BulkHandler = (bytes: Uint8Array, depth: number, index: number) => void;

export class RespReader {
  /** Remaining children per open array, innermost last; with `#index` the position being filled. */
  #remaining: number[] = [];
  #index: number[] = [];
  #line: Uint8Array | null = null;
  #inBulk = false;
  #bulkNeed = 0;
  #bulkParts: Uint8Array[] = [];
  repliesTotal = 0;
  errorsTotal = 0;
  lastError = "";

  constructor(private readonly onBulk: BulkHandler = () => {}, private readonly onReply: () => void = () => {}) {}

  feed(chunk: Uint8Array): void {
    let buf = chunk;
    let pos = 0;
    if (this.#line) {
      const joined = new Uint8Array(this.#line.byteLength + chunk.byteLength);
      joined.set(this.#line);
      joined.set(chunk, this.#line.byteLength);
      buf = joined;
      this.#line = null;
    }
    while (pos < buf.byteLength) {
      if (this.#inBulk) {
        // Inside a bulk body; #bulkNeed counts its bytes plus the trailing CRLF.
        const take = Math.min(this.#bulkNeed, buf.byteLength - pos);
        const done = take === this.#bulkNeed;
        // Chunks may be reused after this call, so keep copies of partial bodies.
        this.#bulkParts.push(done && this.#bulkParts.length === 0 ? buf.subarray(pos, pos + take) : buf.slice(pos, pos + take));
        this.#bulkNeed -= take;
        pos += take;
        if (!done) continue;
        this.#inBulk = false;
        const body = joinWithoutCrlf(this.#bulkParts);
        this.#bulkParts = [];
        this.onBulk(body, this.#remaining.length, this.#index.at(-1) ?? 0);
        this.#completeValue();
        continue;
      }
      const eol = buf.indexOf(CR, pos);
      if (eol < 0 || eol + 1 >= buf.byteLength) {
        this.#line = buf.slice(pos);
        return;
      }
      const type = buf[pos]!;
      const n = type === 43 || type === 45 ? 0 : parseIntAscii(buf, pos + 1, eol);
      if (type === 45) {
        this.errorsTotal++;
        this.lastError = new TextDecoder().decode(buf.subarray(pos, eol));
      }
      pos = eol + 2;
      if (type === 36 /* $ */ && n >= 0) {
        this.#inBulk = true;
        this.#bulkNeed = n + 2;
      } else if (type === 42 /* * */ && n > 0) {
        this.#remaining.push(n);
        this.#index.push(0);
      } else {
        this.#completeValue(); // +simple, -error, :int, $-1, *-1 and *0
      }
    }
  }

  #completeValue(): void {
    for (;;) {
      if (this.#remaining.length === 0) {
        this.repliesTotal++;
        this.onReply();
        return;
      }
      const top = this.#remaining.length - 1;
      this.#index[top]!++;
      if (--this.#remaining[top]! > 0) return;
      this.#remaining.pop();
      this.#index.pop();
    }
  }
}

function parseIntAscii(buf: Uint8Array, from: number, to: number): number {
  let sign = 1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === 45) sign = -1;
    else v = v * 10 + (c - 48);
  }
  return sign * v;
}

function joinWithoutCrlf(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!.subarray(0, parts[0]!.byteLength - 2);
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out.subarray(0, total - 2);
}

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(args: (string | Uint8Array)[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const bytes = typeof a === "string" ? enc.encode(a) : a;
    parts.push(enc.encode(`$${bytes.byteLength}\r\n`), bytes, enc.encode("\r\n"));
  }
  return joinWithoutCrlf([...parts, enc.encode("\r\n")]);
}
