/**
 * Reusable buffers for large request frames that arrive split across socket chunks (a 1 MiB Produce
 * request always does: Bun hands over at most 512 KiB per read). Such a frame needs one copy to become
 * contiguous; allocating a fresh frame-sized buffer for it costs several times more than the copy (new
 * memory to fault in, then collect), about 0.9 CPU seconds per GB produced here.
 *
 * Buffers come in power-of-two size classes and go back to the pool when the request's handler has settled.
 * So a frame may be pooled only for an API whose handler keeps no reference to the frame's bytes after
 * it settles and whose response does not reference them: the next frame overwrites the buffer. Produce
 * qualifies (its records are written to the log before its handler settles; see handlers/produce.ts);
 * handlers that store request bytes (group metadata and assignments) do not, so only listed API keys are pooled.
 *
 * @example
 * const pool = new FramePool({ apiKeys: [0], frameBytesMin: 64 * 1024, idleBytesMax: 32 << 20 });
 * if (pool.accepts(apiKey, frameBytes)) {
 *   const buf = pool.acquire(frameBytes);
 *   // ... fill buf.subarray(0, frameBytes), handle the request, and once its handler settled:
 *   pool.release(buf);
 * }
 */
import { assert } from "../../protocol/errors.ts";

/** Largest frame the pool serves (the broker caps frames at 1 GiB). */
const FRAME_BYTES_MAX = 2 ** 30;

export interface FramePoolOptions {
  /** API keys whose frames may live in pooled buffers (see module doc). */
  apiKeys: readonly number[];
  /** Smaller frames are allocated as usual: the pool only pays off for large ones. */
  frameBytesMin: number;
  /** Cap on the bytes of buffers kept while unused; a buffer released beyond it is left to the GC. */
  idleBytesMax: number;
}

export class FramePool {
  readonly #apiKeys: ReadonlySet<number>;
  readonly #frameBytesMin: number;
  readonly #idleBytesMax: number;
  /** Unused buffers by size class (log2 of their length). */
  readonly #idle = new Map<number, Uint8Array[]>();
  #idleBytes = 0;
  /** Buffers handed out and not yet released (for tests and metrics). */
  #leasedCount = 0;

  constructor(opts: FramePoolOptions) {
    assert(opts.frameBytesMin > 0 && opts.idleBytesMax >= 0, "frame pool limits must be positive");
    this.#apiKeys = new Set(opts.apiKeys);
    this.#frameBytesMin = opts.frameBytesMin;
    this.#idleBytesMax = opts.idleBytesMax;
  }

  get idleBytes(): number { return this.#idleBytes; }
  get leasedCount(): number { return this.#leasedCount; }

  /** Whether a frame of `frameBytes` for `apiKey` should come from the pool. */
  accepts(apiKey: number, frameBytes: number): boolean {
    return frameBytes >= this.#frameBytesMin && frameBytes <= FRAME_BYTES_MAX && this.#apiKeys.has(apiKey);
  }

  /** A buffer of at least `frameBytes` (its whole length is the size class): reused if one is idle. */
  acquire(frameBytes: number): Uint8Array {
    assert(frameBytes > 1 && frameBytes <= FRAME_BYTES_MAX, `frame of ${frameBytes} bytes cannot be pooled`);
    const sizeClass = 32 - Math.clz32(frameBytes - 1); // log2, rounded up
    const free = this.#idle.get(sizeClass);
    const reused = free?.pop();
    this.#leasedCount++;
    if (reused) {
      this.#idleBytes -= reused.byteLength;
      return reused;
    }
    // allocUnsafe: the caller overwrites every byte it uses before anything reads them.
    return Buffer.allocUnsafe(2 ** sizeClass);
  }

  /** Gives back a buffer from {@link acquire}; nothing may read or write it afterwards. */
  release(buf: Uint8Array): void {
    this.#leasedCount--;
    assert(this.#leasedCount >= 0, "frame pool buffer released twice");
    if (this.#idleBytes + buf.byteLength > this.#idleBytesMax) return;
    const sizeClass = 31 - Math.clz32(buf.byteLength);
    assert(buf.byteLength === 2 ** sizeClass, "only buffers from acquire() go back to the frame pool");
    let free = this.#idle.get(sizeClass);
    if (!free) this.#idle.set(sizeClass, (free = []));
    free.push(buf);
    this.#idleBytes += buf.byteLength;
  }
}
