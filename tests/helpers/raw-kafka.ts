/** A raw Kafka-protocol socket for tests that send exact (or deliberately broken) bytes. */
import { connect, type Socket } from "node:net";
import { decodeResponse, encodeRequest } from "../../protocol/envelope.ts";

export class RawConn {
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on("data", (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.#wake();
    });
    socket.on("error", () => {});
  }

  static open(port: number, host = "127.0.0.1"): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawConn(s)));
      s.once("error", reject);
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Next response frame (without its length prefix), or null if the connection closed first or timed out. */
  async readFrame(timeoutMs = 5000): Promise<Uint8Array | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#buf.length >= 4) {
        const len = this.#buf.readInt32BE(0);
        if (this.#buf.length >= 4 + len) {
          const frame = this.#buf.subarray(4, 4 + len);
          this.#buf = this.#buf.subarray(4 + len);
          return new Uint8Array(frame);
        }
      }
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits until the broker closes the connection; true if it did within the timeout. */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.readFrame(deadline - Date.now());
    return this.closed;
  }

  /** Sends a request and decodes its response. */
  async request(apiKey: number, apiVersion: number, body: Record<string, unknown>, correlationId = 1): Promise<Record<string, unknown>> {
    this.write(encodeRequest({ correlationId, clientId: "raw-test" }, apiKey, apiVersion, body));
    const frame = await this.readFrame();
    if (!frame) throw new Error("connection closed before the response");
    return decodeResponse(frame, apiKey, apiVersion).body;
  }

  close(): void {
    this.socket.destroy();
  }
}
