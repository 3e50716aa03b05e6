/**
 * A small async readers-writer lock. Reads of a partition log share it; structural changes (deleting or
 * swapping segment files) take it exclusively, so no reader ever holds a segment whose file moves under it.
 * Writer-preferring: once an exclusive request waits, new readers queue behind it.
 */
export class RwLock {
  #readers = 0;
  #writer = false;
  #waiting: { exclusive: boolean; go: () => void }[] = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#writer || this.#waiting.length > 0) await new Promise<void>((go) => this.#waiting.push({ exclusive: false, go }));
    else this.#readers++;
    try {
      return await fn();
    } finally {
      this.#readers--;
      this.#wake();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#writer || this.#readers > 0 || this.#waiting.length > 0) await new Promise<void>((go) => this.#waiting.push({ exclusive: true, go }));
    else this.#writer = true;
    try {
      return await fn();
    } finally {
      this.#writer = false;
      this.#wake();
    }
  }

  /** Hands the lock to the next waiters: one writer, or every reader up to the next writer. */
  #wake(): void {
    if (this.#writer || this.#readers > 0) return;
    const next = this.#waiting[0];
    if (!next) return;
    if (next.exclusive) {
      this.#waiting.shift();
      this.#writer = true;
      next.go();
      return;
    }
    while (this.#waiting.length > 0 && !this.#waiting[0]!.exclusive) {
      this.#readers++;
      this.#waiting.shift()!.go();
    }
  }
}
