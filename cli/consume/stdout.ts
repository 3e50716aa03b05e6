/**
 * Writes to stdout with backpressure, and treats a closed pipe (`| head -5`) as the reader's way of
 * saying "enough": the command then ends quietly with exit code 0 instead of an EPIPE error.
 */
import type { CliWritable } from "../context.ts";
import { watchReaderGone } from "./reader-gone.ts";

interface EventedWritable extends CliWritable {
  once?(event: string, fn: (arg?: unknown) => void): unknown;
  on?(event: string, fn: (arg?: unknown) => void): unknown;
}

export class PipeWriter {
  readonly #out: EventedWritable;
  #closed = false;
  #onClosed: (() => void)[] = [];

  #unwatch: () => void = () => {};

  /** `fd`: the descriptor behind `out` when it is the real stdout, to notice a vanished reader while idle. */
  constructor(out: CliWritable, fd?: number) {
    this.#out = out as EventedWritable;
    this.#out.on?.("error", (e) => {
      if ((e as NodeJS.ErrnoException)?.code === "EPIPE") this.#close();
    });
    if (fd !== undefined && !out.isTTY) this.#unwatch = watchReaderGone(fd, () => this.#close());
  }

  /** Stops watching the pipe. */
  dispose(): void {
    this.#unwatch();
  }

  /** True once the reader went away. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves when the reader goes away (used to stop waiting for records nobody will read). */
  whenClosed(): Promise<void> {
    return this.#closed ? Promise.resolve() : new Promise((r) => this.#onClosed.push(r));
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch();
    for (const r of this.#onClosed.splice(0)) r();
  }

  /** Writes, then waits for 'drain' if the stream's buffer is full (or until the pipe closes). */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#closed || bytes.length === 0) return;
    let ok: unknown;
    try {
      ok = this.#out.write(bytes);
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code === "EPIPE") return this.#close();
      throw e;
    }
    if (ok === false && this.#out.once) {
      await Promise.race([new Promise<void>((r) => this.#out.once!("drain", () => r())), this.whenClosed()]);
    }
  }
}
