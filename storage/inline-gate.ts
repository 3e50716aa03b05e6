/**
 * Whether a small file operation may run on the calling (event-loop) thread. Small writes and recent
 * reads normally only copy to or from the page cache, faster than a thread-pool round trip (io.ts). But
 * the kernel can stall a writer (dirty-page throttling when the disk falls behind, a hung device), and
 * then every connection of the broker would wait behind one partition's write. So each inline call is
 * timed, and after one took longer than `slowMs` the gate sends small operations to the thread pool too
 * for `backoffMs`: at most one stall per back-off period reaches the loop.
 */

export interface InlineGateOptions {
  /** An inline call slower than this closes the gate. Default 2 ms (a page-cache copy of 64 KiB takes ~0.02 ms, of 1 MiB 0.25-0.5 ms). */
  slowMs?: number;
  /**
   * Extra time allowed per MiB the call moves, on top of `slowMs`. Default 2 ms: a big copy into page-cache
   * pages fresh from the host runs at ~0.5 GB/s on a VM and is not a stall (docs/performance.md item 18).
   */
  slowMsPerMiB?: number;
  /** How long the gate stays closed after a slow call. Default 1000 ms. */
  backoffMs?: number;
  /** Monotonic milliseconds; injected by tests. */
  nowMs?: () => number;
}

/**
 * @example
 * const gate = new InlineGate();
 * if (gate.allows(buf.byteLength, INLINE_WRITE_MAX_BYTES)) gate.timed(buf.byteLength, () => writeSync(fd, buf, 0, buf.byteLength, pos));
 * else await fh.write(buf, 0, buf.byteLength, pos);
 */
export class InlineGate {
  readonly slowMs: number;
  readonly slowMsPerMiB: number;
  readonly backoffMs: number;
  readonly #nowMs: () => number;
  #closedUntilMs = -Infinity;
  /** Times the gate closed (a slow inline call was seen). */
  closures = 0;

  constructor(opts: InlineGateOptions = {}) {
    this.slowMs = opts.slowMs ?? 2;
    this.slowMsPerMiB = opts.slowMsPerMiB ?? 2;
    this.backoffMs = opts.backoffMs ?? 1000;
    this.#nowMs = opts.nowMs ?? (() => performance.now());
  }

  /** True when an operation of `bytes` (at most `maxBytes`) may run inline now. */
  allows(bytes: number, maxBytes: number): boolean {
    return bytes <= maxBytes && this.#nowMs() >= this.#closedUntilMs;
  }

  /** Runs `fn` (moving `bytes`) on this thread and closes the gate if it was slow (also when it throws). */
  timed<T>(bytes: number, fn: () => T): T {
    const started = this.#nowMs();
    try {
      return fn();
    } finally {
      const ended = this.#nowMs();
      if (ended - started > this.slowMs + (bytes / (1024 * 1024)) * this.slowMsPerMiB) {
        this.#closedUntilMs = ended + this.backoffMs;
        this.closures++;
      }
    }
  }
}
