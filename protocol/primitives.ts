/**
 * The Kafka wire primitives: a bounded Reader over untrusted bytes and a growable Writer.
 *
 * Reader rule: every length is checked against the bytes that remain AND a {@link ProtocolLimits}
 * maximum before anything is allocated; a failed check throws StreamBusError("MALFORMED_FRAME").
 * `bytes` and `records` come back as subarrays of the input (no copy): they stay valid only while the
 * input buffer is not reused. UUIDs are base64url strings (see uuid.ts).
 */
import { StreamBusError, assert } from "./errors.ts";
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from "./limits.ts";
import { slabBytes, slabExtend, slabTrim } from "./byte-slab.ts";
import { joinBytes } from "./uninitialized.ts";
import { uuidToBytes, uuidToString } from "./uuid.ts";
import { readUnsignedVarint, sizeOfUnsignedVarint, writeUnsignedVarint } from "./varint.ts";

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

function malformed(message: string): StreamBusError {
  return new StreamBusError("MALFORMED_FRAME", message);
}

/** Reads Kafka primitives from `buf[pos, end)`, never past `end`. */
export class Reader {
  readonly buf: Uint8Array;
  readonly end: number;
  readonly limits: ProtocolLimits;
  pos: number;
  readonly #view: DataView;
  /** `buf` cut at `end`, so the varint reader cannot run past our range. */
  readonly #bounded: Uint8Array;

  constructor(buf: Uint8Array, limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS, start = 0, end = buf.length) {
    assert(start >= 0 && start <= end && end <= buf.length, "reader range lies inside the buffer");
    this.buf = buf;
    this.limits = limits;
    this.pos = start;
    this.end = end;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#bounded = end === buf.length ? buf : buf.subarray(0, end);
  }

  /** Bytes left to read. */
  remaining(): number {
    return this.end - this.pos;
  }

  #take(byteCount: number, what: string): number {
    const at = this.pos;
    if (byteCount > this.end - at) throw malformed(`${what} needs ${byteCount} bytes but ${this.end - at} remain`);
    this.pos = at + byteCount;
    return at;
  }

  int8(): number { return this.#view.getInt8(this.#take(1, "int8")); }
  int16(): number { return this.#view.getInt16(this.#take(2, "int16")); }
  uint16(): number { return this.#view.getUint16(this.#take(2, "uint16")); }
  int32(): number { return this.#view.getInt32(this.#take(4, "int32")); }
  uint32(): number { return this.#view.getUint32(this.#take(4, "uint32")); }
  int64(): bigint { return this.#view.getBigInt64(this.#take(8, "int64")); }
  float64(): number { return this.#view.getFloat64(this.#take(8, "float64")); }
  /** Any non-zero byte is true, as Kafka reads it. */
  bool(): boolean { return this.buf[this.#take(1, "bool")] !== 0; }

  unsignedVarint(): number {
    if (this.pos >= this.end) throw malformed("varint needs 1 byte but 0 remain");
    const r = readUnsignedVarint(this.#bounded, this.pos);
    this.pos = r.next;
    return r.value;
  }

  uuid(): string { return uuidToString(this.buf, this.#take(16, "uuid")); }

  /** Checks a decoded length against the remaining bytes and `maxBytes`, then takes the bytes. */
  #lengthChecked(byteCount: number, maxBytes: number, what: string): number {
    if (byteCount > maxBytes) throw malformed(`${what} length ${byteCount} exceeds the limit of ${maxBytes} bytes`);
    return this.#take(byteCount, what);
  }

  #utf8(byteCount: number): string {
    const at = this.#lengthChecked(byteCount, this.limits.maxStringBytes, "string");
    const buf = this.buf;
    // Short ASCII strings (topic names, client ids) are the common case; skip the decoder call for them.
    if (byteCount <= 64) {
      let s = "";
      for (let i = at; i < at + byteCount; i++) {
        const c = buf[i]!;
        if (c >= 0x80) return this.#decodeUtf8(at, byteCount);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return this.#decodeUtf8(at, byteCount);
  }

  #decodeUtf8(at: number, byteCount: number): string {
    try {
      return utf8Decoder.decode(this.buf.subarray(at, at + byteCount));
    } catch {
      throw malformed("string is not valid UTF-8");
    }
  }

  /** int16 length; -1 (null) is rejected. */
  string(): string {
    const n = this.int16();
    if (n < 0) throw malformed(`non-nullable string has length ${n}`);
    return this.#utf8(n);
  }

  /** int16 length; -1 is null. */
  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw malformed(`string has negative length ${n}`);
    return this.#utf8(n);
  }

  /** Unsigned varint length + 1; 0 (null) is rejected. */
  compactString(): string {
    const n = this.unsignedVarint() - 1;
    if (n < 0) throw malformed("non-nullable compact string is null");
    return this.#utf8(n);
  }

  /** Unsigned varint length + 1; 0 is null. */
  compactNullableString(): string | null {
    const n = this.unsignedVarint() - 1;
    return n < 0 ? null : this.#utf8(n);
  }

  #bytes(byteCount: number): Uint8Array {
    const at = this.#lengthChecked(byteCount, this.limits.maxBytesFieldBytes, "bytes");
    return this.buf.subarray(at, at + byteCount);
  }

  /** int32 length; -1 (null) is rejected. A subarray of the input. */
  bytes(): Uint8Array {
    const n = this.int32();
    if (n < 0) throw malformed(`non-nullable bytes has length ${n}`);
    return this.#bytes(n);
  }

  /** int32 length; -1 is null. A subarray of the input. */
  nullableBytes(): Uint8Array | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw malformed(`bytes has negative length ${n}`);
    return this.#bytes(n);
  }

  /** Unsigned varint length + 1; 0 (null) is rejected. */
  compactBytes(): Uint8Array {
    const n = this.unsignedVarint() - 1;
    if (n < 0) throw malformed("non-nullable compact bytes is null");
    return this.#bytes(n);
  }

  /** Unsigned varint length + 1; 0 is null. */
  compactNullableBytes(): Uint8Array | null {
    const n = this.unsignedVarint() - 1;
    return n < 0 ? null : this.#bytes(n);
  }

  /** Exactly `byteCount` raw bytes (used for unknown tagged fields). A subarray of the input. */
  raw(byteCount: number): Uint8Array {
    return this.#bytes(byteCount);
  }

  #checkCount(count: number, minElementBytes: number): number {
    if (count > this.limits.maxArrayLength) throw malformed(`array length ${count} exceeds the limit of ${this.limits.maxArrayLength}`);
    // Every element takes at least minElementBytes, so a count the remaining bytes cannot hold is a lie.
    if (count * minElementBytes > this.end - this.pos) {
      throw malformed(`array of ${count} elements needs at least ${count * minElementBytes} bytes but ${this.end - this.pos} remain`);
    }
    return count;
  }

  /** int32 element count; -1 means null (the caller decides whether null is allowed). */
  arrayLength(minElementBytes: number): number {
    const n = this.int32();
    if (n === -1) return -1;
    if (n < 0) throw malformed(`array has negative length ${n}`);
    return this.#checkCount(n, minElementBytes);
  }

  /** Unsigned varint count + 1; returns -1 for null. */
  compactArrayLength(minElementBytes: number): number {
    const n = this.unsignedVarint() - 1;
    return n < 0 ? -1 : this.#checkCount(n, minElementBytes);
  }

  /** Element count of a tagged-field section, checked against maxTaggedFieldCount (each field takes >= 2 bytes). */
  taggedFieldCount(): number {
    const n = this.unsignedVarint();
    if (n > this.limits.maxTaggedFieldCount) throw malformed(`${n} tagged fields exceed the limit of ${this.limits.maxTaggedFieldCount}`);
    if (n * 2 > this.end - this.pos) throw malformed(`${n} tagged fields cannot fit in ${this.end - this.pos} bytes`);
    return n;
  }
}

/** Options of a {@link Writer}. */
export interface WriterOptions {
  /**
   * Gather mode: `raw` (and so `bytes`, `compactBytes`) keeps a reference to any byte array at least this
   * long as its own part instead of copying it, so large record sets reach the socket without a copy.
   * The referenced arrays must not change until the parts are written. Default: Infinity (always copy).
   */
  gatherMinBytes?: number;
  /**
   * Take the buffer from shared slab memory (protocol/byte-slab.ts) and give its unused end back on
   * finish: for encoders that run per request on a server, where a fresh ArrayBuffer per message paces the
   * collector. The output then shares a slab, so it is for sending, not for keeping. Default false.
   */
  slab?: boolean;
}

/** The smallest buffer a grow allocates: a chunk continued after a gathered part may start empty. */
const GROW_MIN_BYTES = 256;

/**
 * Writes Kafka primitives into a buffer that doubles as needed.
 *
 * In gather mode the output is a list of parts: owned chunks of small fields interleaved with
 * references to large arrays (see {@link WriterOptions.gatherMinBytes}); `finishParts()` returns them.
 *
 * @example
 * const w = new Writer(512, { gatherMinBytes: 32 * 1024 });
 * w.int32(0); w.bytes(records); w.patchInt32(0, w.pos - 4);
 * for (const part of w.finishParts()) socket.write(part);
 */
const EMPTY_BUFFER = new Uint8Array(new ArrayBuffer(0));
const EMPTY_VIEW = new DataView(EMPTY_BUFFER.buffer);

export class Writer {
  /** The chunk being written; it holds the bytes from logical position #base on. */
  #buf: Uint8Array;
  #view: DataView;
  /** Logical position where #buf starts; earlier bytes are sealed in #parts. Stays 0 unless gathering. */
  #base = 0;
  /** Sealed parts in order: owned chunks and gathered references. */
  #parts: Uint8Array[] = [];
  /** The first owned chunk once sealed (length prefixes at 0 are patched there), else null. */
  #head: Uint8Array | null = null;
  readonly #gatherMinBytes: number;
  readonly #slab: boolean;
  #finished = false;
  /** Total logical bytes written (over all parts): length prefixes are computed from it. */
  pos = 0;

  constructor(initialBytes = 256, options: WriterOptions = {}) {
    this.#slab = options.slab ?? false;
    this.#buf = this.#slab ? slabBytes(initialBytes) : new Uint8Array(initialBytes);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
    this.#gatherMinBytes = options.gatherMinBytes ?? Infinity;
    assert(this.#gatherMinBytes > 0, "gatherMinBytes is positive");
  }

  /** Reserves `byteCount` bytes; returns where they start in #buf. */
  #ensure(byteCount: number): number {
    const at = this.pos - this.#base;
    if (at + byteCount > this.#buf.length) this.#grow(at + byteCount);
    this.pos += byteCount;
    return at;
  }

  // Kept out of #ensure so the hot path stays small enough to inline.
  #grow(neededBytes: number): void {
    // finish() swaps in an empty buffer, so a write after it lands here instead of in slab memory given back.
    assert(!this.#finished, "no writes after finish");
    let size = Math.max(this.#buf.length * 2, GROW_MIN_BYTES);
    while (size < neededBytes) size *= 2;
    const used = this.pos - this.#base;
    // In a slab, the last carve usually grows where it is; otherwise a new buffer and one copy.
    const inPlace = this.#slab ? slabExtend(this.#buf, size) : null;
    const grown = inPlace ?? (this.#slab ? slabBytes(size) : new Uint8Array(size));
    if (!inPlace) grown.set(this.#buf.subarray(0, used));
    this.#buf = grown;
    this.#view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  /** Closes the current chunk as a part; writing continues in the rest of its buffer. */
  #seal(): void {
    const used = this.pos - this.#base;
    if (used > 0) {
      const chunk = this.#buf.subarray(0, used);
      if (this.#parts.length === 0) this.#head = chunk;
      this.#parts.push(chunk);
      const rest = this.#buf.subarray(used);
      this.#buf = rest;
      this.#view = new DataView(rest.buffer, rest.byteOffset, rest.byteLength);
    }
    this.#base = this.pos;
  }

  #gather(bytes: Uint8Array): void {
    this.#seal();
    this.#parts.push(bytes);
    this.pos += bytes.length;
    this.#base = this.pos;
  }

  // `at` is taken before touching #view/#buf: #ensure may replace them when it grows the buffer.
  int8(v: number): void { const at = this.#ensure(1); this.#view.setInt8(at, v); }
  int16(v: number): void { const at = this.#ensure(2); this.#view.setInt16(at, v); }
  uint16(v: number): void { const at = this.#ensure(2); this.#view.setUint16(at, v); }
  int32(v: number): void { const at = this.#ensure(4); this.#view.setInt32(at, v); }
  uint32(v: number): void { const at = this.#ensure(4); this.#view.setUint32(at, v); }
  int64(v: bigint): void { const at = this.#ensure(8); this.#view.setBigInt64(at, v); }
  float64(v: number): void { const at = this.#ensure(8); this.#view.setFloat64(at, v); }
  bool(v: boolean): void { const at = this.#ensure(1); this.#buf[at] = v ? 1 : 0; }

  unsignedVarint(v: number): void {
    const at = this.#ensure(sizeOfUnsignedVarint(v));
    writeUnsignedVarint(this.#buf, at, v);
  }

  uuid(id: string): void { const at = this.#ensure(16); uuidToBytes(id, this.#buf, at); }

  /** Appends raw bytes (in gather mode, references them when they are at least gatherMinBytes long). */
  raw(bytes: Uint8Array): void {
    if (bytes.length >= this.#gatherMinBytes) return this.#gather(bytes);
    const at = this.#ensure(bytes.length);
    this.#buf.set(bytes, at);
  }

  /** Overwrites an int32 written earlier (length prefixes). Once parts are gathered, only the first chunk can be patched. */
  patchInt32(at: number, v: number): void {
    assert(at >= 0 && at + 4 <= this.pos, "patch lies inside written bytes");
    if (this.#parts.length === 0) {
      this.#view.setInt32(at, v); // nothing sealed: #buf starts at position 0
      return;
    }
    const head = this.#head;
    assert(head !== null && head === this.#parts[0] && at + 4 <= head.length, "patch lies in the first chunk");
    new DataView(head.buffer, head.byteOffset, head.byteLength).setInt32(at, v);
  }

  #utf8(s: string, compact: boolean, maxBytes: number): void {
    const byteCount = utf8ByteLength(s);
    if (byteCount > maxBytes) throw new StreamBusError("LIMIT_EXCEEDED", `string of ${byteCount} bytes exceeds ${maxBytes}`);
    if (compact) this.unsignedVarint(byteCount + 1);
    else this.int16(byteCount);
    const at = this.#ensure(byteCount);
    if (byteCount === s.length) {
      for (let i = 0; i < byteCount; i++) this.#buf[at + i] = s.charCodeAt(i);
    } else {
      utf8Encoder.encodeInto(s, this.#buf.subarray(at, at + byteCount));
    }
  }

  string(s: string): void { this.#utf8(s, false, 0x7fff); }
  nullableString(s: string | null): void { if (s === null) this.int16(-1); else this.#utf8(s, false, 0x7fff); }
  compactString(s: string): void { this.#utf8(s, true, 0x7ffffffe); }
  compactNullableString(s: string | null): void { if (s === null) this.unsignedVarint(0); else this.#utf8(s, true, 0x7ffffffe); }

  bytes(b: Uint8Array): void { this.int32(b.length); this.raw(b); }
  nullableBytes(b: Uint8Array | null): void { if (b === null) this.int32(-1); else this.bytes(b); }
  compactBytes(b: Uint8Array): void { this.unsignedVarint(b.length + 1); this.raw(b); }
  compactNullableBytes(b: Uint8Array | null): void { if (b === null) this.unsignedVarint(0); else this.compactBytes(b); }

  /** int32 count, or -1 for null. */
  arrayLength(n: number): void { this.int32(n); }
  /** Unsigned varint count + 1, or 0 for null (pass -1). */
  compactArrayLength(n: number): void { this.unsignedVarint(n + 1); }

  /**
   * The written bytes as one array: a view of the internal buffer (writing ends here: see `finishParts`),
   * or, when parts were gathered, a copy of them all.
   */
  finish(): Uint8Array {
    assert(!this.#finished, "finish once");
    if (this.#parts.length === 0) return this.#close(this.#buf.subarray(0, this.pos));
    return joinBytes(this.finishParts(), this.pos);
  }

  /**
   * The written bytes as parts in order, their lengths summing to `pos`: one part unless gather mode
   * referenced large arrays. Views of internal buffers and of the gathered arrays. Call `finish` or
   * `finishParts` once: the unused rest of the buffer goes back to its slab, and later writes throw.
   */
  finishParts(): Uint8Array[] {
    assert(!this.#finished, "finish once");
    if (this.#parts.length === 0) return [this.#close(this.#buf.subarray(0, this.pos))];
    this.#seal();
    this.#close(this.#buf.subarray(0, 0));
    return this.#parts;
  }

  /** Ends writing (callers checked it had not ended): the unused rest goes back to its slab; returns `out`. */
  #close<T>(out: T): T {
    if (this.#slab) slabTrim(this.#buf, this.pos - this.#base);
    this.#finished = true;
    this.#buf = EMPTY_BUFFER;
    this.#view = EMPTY_VIEW;
    return out;
  }
}

/** UTF-8 byte length of a JS string (lone surrogates count as U+FFFD, as TextEncoder writes them). */
export function utf8ByteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 UTF-16 units become 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}
