/**
 * Small byte arrays carved out of shared 1 MiB slabs, for per-request buffers on hot paths.
 *
 * Why: in Bun (JavaScriptCore), every new ArrayBuffer (an explicit one, a typed array over 1,000 bytes,
 * `Buffer.from`, or the first `.buffer`/`subarray`/DataView taken of a small typed array or of a socket
 * chunk) is reported to the collector and brings the next collection forward, each stopping the event loop
 * for ~1 ms or more. Views of a slab that already exists are not reported. On Bun 1.3.14 a ping-pong echo
 * server at ~7,500 round trips/s collected ~14 times a second when it only wrote fresh small arrays or
 * views of a long-lived buffer and ~54/s once it made a new ArrayBuffer per message (docs/performance.md
 * item 16); much of that was Bun's own collection timer, gone in 1.4 (item 20). On Bun 1.4.5 the same kind
 * of comparison (5,000 messages/s for 6 s, echoing the chunk vs echoing a view of a fresh 2,000-byte
 * array) still gives 12 vs 36 collections.
 *
 * Carving never hands out memory a caller may still use: a slab is dropped when it is full and freed by the
 * collector once no view of it is left, so a view can never be overwritten under its holder ({@link slabTrim}
 * and {@link slabExtend} only move the end of the last carve, for a caller that stops using what it gave
 * back). The cost is retention: one small view kept for long keeps its whole slab alive, so code that keeps
 * bytes beyond a request copies them.
 * Process-wide like malloc (state is only the current slab and its fill level; nothing observable).
 */
import { uninitializedBytes } from "./uninitialized.ts";

/**
 * Size of one slab. Each new slab is itself a new ArrayBuffer and brings a collection forward, so slabs are
 * large enough that a busy broker starts only a few per second.
 */
export const SLAB_BYTES = 1024 * 1024;
/** Larger requests get their own array: they are rare on the latency path, and would waste a slab's tail. */
export const SLAB_CARVE_MAX_BYTES = 16 * 1024;
/** Carved arrays start on 8-byte boundaries, so callers may lay out aligned views over them. */
const ALIGN_BYTES = 8;

let slab = new Uint8Array(new ArrayBuffer(SLAB_BYTES));
let usedBytes = 0;

/**
 * An array of `n` bytes for the caller to fill: carved from the current slab when `n` is at most
 * {@link SLAB_CARVE_MAX_BYTES} (zeroed: a slab starts zeroed and no byte of it is handed out twice), else a
 * fresh array that is not zero-filled (protocol/uninitialized.ts), so larger callers write before reading.
 *
 * @example
 * const out = slabBytes(frame.byteLength); out.set(frame);
 */
export function slabBytes(n: number): Uint8Array {
  if (n > SLAB_CARVE_MAX_BYTES) return uninitializedBytes(n);
  if (usedBytes + n > SLAB_BYTES) {
    slab = new Uint8Array(new ArrayBuffer(SLAB_BYTES));
    usedBytes = 0;
  }
  const out = slab.subarray(usedBytes, usedBytes + n);
  usedBytes = alignUp(usedBytes + n);
  return out;
}

/**
 * A copy of `bytes` in slab memory (see {@link slabBytes}).
 *
 * @example
 * const frameCopy = slabCopy(chunk.subarray(0, 10));
 */
export function slabCopy(bytes: Uint8Array): Uint8Array {
  const out = slabBytes(bytes.byteLength);
  out.set(bytes);
  return out;
}

/**
 * Gives the unused end of `bytes` back to the slab when it was the last carve (the common case for an
 * encoder that reserved room and finished synchronously); otherwise does nothing. Only the first
 * `keepBytes` of `bytes` may be used afterwards.
 *
 * @example
 * const buf = slabBytes(512); const n = encodeInto(buf); slabTrim(buf, n); send(buf.subarray(0, n));
 */
export function slabTrim(bytes: Uint8Array, keepBytes: number): void {
  if (keepBytes < bytes.byteLength && isLastCarve(bytes)) usedBytes = alignUp(bytes.byteOffset + keepBytes);
}

/**
 * `bytes` lengthened to `n` bytes in place when it is the last carve and the slab has room (an encoder
 * growing its buffer keeps its bytes and wastes nothing), else null. The added bytes are zero.
 *
 * @example
 * const bigger = slabExtend(buf, 2 * buf.byteLength) ?? copyInto(slabBytes(2 * buf.byteLength), buf);
 */
export function slabExtend(bytes: Uint8Array, n: number): Uint8Array | null {
  if (n > SLAB_CARVE_MAX_BYTES || bytes.byteOffset + n > SLAB_BYTES || !isLastCarve(bytes)) return null;
  usedBytes = alignUp(bytes.byteOffset + n);
  return slab.subarray(bytes.byteOffset, bytes.byteOffset + n);
}

/** Whether `bytes` is a view of the current slab ending where the next carve would start. */
function isLastCarve(bytes: Uint8Array): boolean {
  return bytes.buffer === slab.buffer && alignUp(bytes.byteOffset + bytes.byteLength) === usedBytes;
}

function alignUp(n: number): number {
  return (n + ALIGN_BYTES - 1) & ~(ALIGN_BYTES - 1);
}
