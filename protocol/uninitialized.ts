/** Buffers that skip zero-filling, for code that writes every byte before anyone reads them. */
import { Buffer } from "node:buffer";

/**
 * A plain Uint8Array of `n` bytes over memory that is not zero-filled. Zero-filling a fresh buffer
 * touches every page up front (a page fault per 4 KiB); with this the pages are touched once, by the
 * writes that fill them (a third of the SDK consumer's CPU on 1 KiB records went to the zero-filled
 * version). Plain, not a Buffer, since callers hand out views of it. Every byte must be written
 * before the array is read or leaves the caller.
 *
 * @example
 * const frame = uninitializedBytes(bodyBytes); // then copy exactly bodyBytes into it
 */
export function uninitializedBytes(n: number): Uint8Array {
  const b = Buffer.allocUnsafe(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}
