/**
 * Varints as Kafka uses them: unsigned LEB128 (compact lengths, tagged fields) and zigzag-signed
 * varints/varlongs (record fields). Every reader checks bounds and returns the value with the next
 * position, so callers never read past the end of untrusted input.
 */
import { StreamBusError } from "./errors.ts";

/** Longest encodings Kafka allows: 5 bytes for 32-bit, 10 bytes for 64-bit values. */
export const MAX_VARINT_BYTES = 5;
export const MAX_VARLONG_BYTES = 10;

export interface Decoded<T> {
  value: T;
  /** Position just after the value. */
  next: number;
}

function truncated(what: string): StreamBusError {
  return new StreamBusError("MALFORMED_FRAME", `${what} runs past the end of the input`);
}

/** Reads an unsigned 32-bit varint. */
export function readUnsignedVarint(buf: Uint8Array, pos: number): Decoded<number> {
  let value = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos + i >= buf.length) throw truncated("varint");
    const b = buf[pos + i]!;
    if (i === 4 && b > 0x0f) throw new StreamBusError("MALFORMED_FRAME", "varint does not fit in 32 bits");
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return { value: value >>> 0, next: pos + i + 1 };
  }
  throw new StreamBusError("MALFORMED_FRAME", "varint is longer than 5 bytes");
}

/** Reads a zigzag-encoded signed 32-bit varint. */
export function readVarint(buf: Uint8Array, pos: number): Decoded<number> {
  const r = readUnsignedVarint(buf, pos);
  const u = r.value;
  return { value: (u >>> 1) ^ -(u & 1), next: r.next };
}

/** Reads a zigzag-encoded signed 64-bit varlong. */
export function readVarlong(buf: Uint8Array, pos: number): Decoded<bigint> {
  // Fast path: values that fit in 28 bits (4 bytes) avoid bigint arithmetic.
  let u = 0n;
  let shift = 0n;
  for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
    if (pos + i >= buf.length) throw truncated("varlong");
    const b = buf[pos + i]!;
    if (i === 9 && b > 0x01) throw new StreamBusError("MALFORMED_FRAME", "varlong does not fit in 64 bits");
    u |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) {
      const value = (u >> 1n) ^ -(u & 1n);
      return { value: BigInt.asIntN(64, value), next: pos + i + 1 };
    }
  }
  throw new StreamBusError("MALFORMED_FRAME", "varlong is longer than 10 bytes");
}

/** Bytes needed for an unsigned 32-bit varint. */
export function sizeOfUnsignedVarint(value: number): number {
  let v = value >>> 0;
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

/** Bytes needed for a zigzag signed 32-bit varint. */
export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint(((value << 1) ^ (value >> 31)) >>> 0);
}

/** Bytes needed for a zigzag signed 64-bit varlong. */
export function sizeOfVarlong(value: bigint): number {
  let u = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

/** Writes an unsigned 32-bit varint at `pos`; returns the next position. The caller sized `buf`. */
export function writeUnsignedVarint(buf: Uint8Array, pos: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Writes a zigzag signed 32-bit varint. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  return writeUnsignedVarint(buf, pos, ((value << 1) ^ (value >> 31)) >>> 0);
}

/** Writes a zigzag signed 64-bit varlong. */
export function writeVarlong(buf: Uint8Array, pos: number, value: bigint): number {
  let u = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  while (u >= 0x80n) {
    buf[pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
  return pos;
}
