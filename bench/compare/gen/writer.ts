/**
 * Coalesces many small protocol messages into large socket writes. Bun moves millions of small messages
 * per second only when tens of KB go per write (DESIGN.md section 15); one write per message would make
 * the load generator, not the server, the bottleneck.
 */
import type { Socket } from "bun";

const encoder = new TextEncoder();

/** Buffers bytes up to `capBytes`, writes them in one call, and keeps what the kernel refused until `drain`. */
export class CoalescingWriter {
  #buf: Uint8Array;
  #len = 0;
  #pending: Uint8Array[] = [];

  constructor(private readonly socket: Socket<unknown>, capBytes = 256 * 1024) {
    this.#buf = new Uint8Array(capBytes);
  }

  /** True while the socket refused bytes: stop producing until `drain()` empties the queue. */
  get backlogged(): boolean {
    return this.#pending.length > 0;
  }

  /** Appends raw bytes (copied, so callers may reuse their buffer). */
  push(bytes: Uint8Array): void {
    if (this.#len + bytes.byteLength > this.#buf.byteLength) this.flush();
    if (bytes.byteLength > this.#buf.byteLength) return this.#write(bytes.slice());
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.byteLength;
  }

  /** Appends an ASCII/UTF-8 string. */
  pushText(text: string): void {
    if (this.#len + text.length * 3 > this.#buf.byteLength) this.flush();
    const { written } = encoder.encodeInto(text, this.#buf.subarray(this.#len));
    this.#len += written;
  }

  /** Hands the buffered bytes to the socket. */
  flush(): void {
    if (this.#len === 0) return;
    const view = this.#buf.subarray(0, this.#len);
    this.#len = 0;
    if (this.#pending.length > 0) return void this.#pending.push(view.slice());
    const n = this.socket.write(view);
    if (n < view.byteLength) this.#pending.push(view.slice(Math.max(0, n)));
  }

  #write(bytes: Uint8Array): void {
    if (this.#pending.length > 0) return void this.#pending.push(bytes);
    const n = this.socket.write(bytes);
    if (n < bytes.byteLength) this.#pending.push(bytes.subarray(Math.max(0, n)));
  }

  /** Call from the socket's `drain` handler: retries queued bytes; returns true when everything is out. */
  drain(): boolean {
    while (this.#pending.length > 0) {
      const head = this.#pending[0]!;
      const n = this.socket.write(head);
      if (n < head.byteLength) {
        this.#pending[0] = head.subarray(Math.max(0, n));
        return false;
      }
      this.#pending.shift();
    }
    return true;
  }
}
