/**
 * Long-poll support for Fetch: a fetch that found fewer than minBytes parks here until enough bytes
 * are appended to any partition it watches, its maxWaitMs passes, or the broker shuts down.
 * The timer is injected so tests can drive time.
 */

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Waiter {
  keys: readonly string[];
  bytesNeeded: number;
  bytesSeen: number;
  timer: unknown;
  resolve: () => void;
  done: boolean;
}

/** Parks fetches; `notify(key, bytes)` wakes the ones watching `key` once they have seen enough bytes. */
export class FetchWaiters {
  readonly #byKey = new Map<string, Set<Waiter>>();
  readonly #timers: Timers;
  readonly #maxWaiters: number;
  #count = 0;

  constructor(timers: Timers, maxWaiters: number) {
    this.#timers = timers;
    this.#maxWaiters = maxWaiters;
  }

  get size(): number {
    return this.#count;
  }

  /**
   * Resolves when `minBytes` more bytes were appended to the watched partitions, or after `maxWaitMs`.
   * Past the waiter cap it resolves at once (the fetch then answers with what it has).
   */
  wait(keys: readonly string[], minBytes: number, maxWaitMs: number): Promise<void> {
    if (maxWaitMs <= 0 || keys.length === 0 || this.#count >= this.#maxWaiters) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const w: Waiter = { keys, bytesNeeded: Math.max(1, minBytes), bytesSeen: 0, timer: null, resolve, done: false };
      w.timer = this.#timers.setTimeout(() => this.#finish(w), maxWaitMs);
      for (const k of keys) {
        let set = this.#byKey.get(k);
        if (!set) this.#byKey.set(k, (set = new Set()));
        set.add(w);
      }
      this.#count++;
    });
  }

  /** Called after bytes become readable on a partition (after the append is visible to fetches). */
  notify(key: string, bytes: number): void {
    const set = this.#byKey.get(key);
    if (!set) return;
    for (const w of [...set]) {
      w.bytesSeen += bytes;
      if (w.bytesSeen >= w.bytesNeeded) this.#finish(w);
    }
  }

  /** Wakes every waiter (shutdown, or a partition going away). */
  wakeAll(): void {
    for (const set of [...this.#byKey.values()]) for (const w of [...set]) this.#finish(w);
  }

  #finish(w: Waiter): void {
    if (w.done) return;
    w.done = true;
    this.#timers.clearTimeout(w.timer);
    for (const k of w.keys) {
      const set = this.#byKey.get(k);
      set?.delete(w);
      if (set && set.size === 0) this.#byKey.delete(k);
    }
    this.#count--;
    w.resolve();
  }
}
