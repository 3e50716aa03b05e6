/** Bounds-checked big-endian writer and reader for metadata records and image snapshots. */
import { StreamBusError } from "../../protocol/errors.ts";

const UTF8 = new TextEncoder();
const UTF8_DECODE = new TextDecoder("utf-8", { fatal: true });
const STRING_BYTES_MAX = 32_767;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function malformed(what: string): StreamBusError {
  return new StreamBusError("MALFORMED_FRAME", `metadata: ${what}`);
}

export class Writer {
  #buf = new Uint8Array(256);
  #dv = new DataView(this.#buf.buffer);
  #pos = 0;

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    next.set(this.#buf);
    this.#buf = next;
    this.#dv = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.#room(1);
    this.#dv.setUint8(this.#pos, v);
    this.#pos += 1;
    return this;
  }
  u16(v: number): this {
    this.#room(2);
    this.#dv.setUint16(this.#pos, v);
    this.#pos += 2;
    return this;
  }
  i32(v: number): this {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) throw malformed(`${v} is not an int32`);
    this.#room(4);
    this.#dv.setInt32(this.#pos, v);
    this.#pos += 4;
    return this;
  }
  u32(v: number): this {
    this.#room(4);
    this.#dv.setUint32(this.#pos, v);
    this.#pos += 4;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.#room(b.byteLength);
    this.#buf.set(b, this.#pos);
    this.#pos += b.byteLength;
    return this;
  }
  string(s: string): this {
    const b = UTF8.encode(s);
    if (b.byteLength > STRING_BYTES_MAX) throw malformed(`string of ${b.byteLength} bytes is too long`);
    return this.u16(b.byteLength).bytes(b);
  }
  nullableString(s: string | null): this {
    if (s === null) return this.u16(0xffff);
    return this.string(s);
  }
  uuid(s: string): this {
    if (!UUID_RE.test(s)) throw malformed(`"${s}" is not a lower-case uuid`);
    const hex = s.replaceAll("-", "");
    for (let i = 0; i < 16; i++) this.u8(parseInt(hex.slice(2 * i, 2 * i + 2), 16));
    return this;
  }
  i32Array(xs: readonly number[]): this {
    this.u32(xs.length);
    for (const x of xs) this.i32(x);
    return this;
  }
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }
}

export class Reader {
  #dv: DataView;
  #pos = 0;

  constructor(readonly buf: Uint8Array) {
    this.#dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  #need(n: number, what: string): void {
    if (this.#pos + n > this.buf.byteLength) throw malformed(`${what} runs past the end (${this.buf.byteLength} bytes)`);
  }
  u8(): number {
    this.#need(1, "u8");
    return this.#dv.getUint8(this.#pos++);
  }
  u16(): number {
    this.#need(2, "u16");
    const v = this.#dv.getUint16(this.#pos);
    this.#pos += 2;
    return v;
  }
  i32(): number {
    this.#need(4, "int32");
    const v = this.#dv.getInt32(this.#pos);
    this.#pos += 4;
    return v;
  }
  u32(): number {
    this.#need(4, "u32");
    const v = this.#dv.getUint32(this.#pos);
    this.#pos += 4;
    return v;
  }
  /** A u32 count, checked against `countMax` before anything is allocated. */
  count(countMax: number): number {
    const n = this.u32();
    if (n > countMax) throw malformed(`count ${n} over the limit ${countMax}`);
    return n;
  }
  bytes(n: number): Uint8Array {
    this.#need(n, "bytes");
    const b = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return b;
  }
  string(): string {
    const n = this.u16();
    if (n === 0xffff) throw malformed("null where a string is required");
    try {
      return UTF8_DECODE.decode(this.bytes(n));
    } catch (e) {
      if (e instanceof StreamBusError) throw e;
      throw malformed("string is not valid UTF-8");
    }
  }
  nullableString(): string | null {
    const n = this.u16();
    if (n === 0xffff) return null;
    this.#pos -= 2;
    return this.string();
  }
  uuid(): string {
    const h = Array.from(this.bytes(16), (b) => b.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  i32Array(countMax: number): number[] {
    const n = this.count(countMax);
    return Array.from({ length: n }, () => this.i32());
  }
  end(): void {
    if (this.#pos !== this.buf.byteLength) throw malformed(`${this.buf.byteLength - this.#pos} trailing bytes`);
  }
}
