import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../protocol/logger.ts";
import { serveConnection, type ConnectionLimits } from "./connection.ts";
import type { ConnHandlers, TcpConn } from "./tcp-server.ts";

/** A socket whose kernel takes at most `acceptBytes` before the test drains it, like a full send buffer. */
class FakeConn implements TcpConn {
  readonly id = 1;
  readonly remoteAddress = "test";
  closed = false;
  paused = false;
  /** What the kernel took, in order. */
  sent: number[] = [];
  queue: Uint8Array[] = [];
  queuedBytes = 0;
  handlers: ConnHandlers | null = null;
  constructor(public acceptBytes = Infinity) {}

  write(bytes: Uint8Array): number {
    if (this.queue.length === 0) {
      const n = Math.min(bytes.byteLength, this.acceptBytes);
      this.acceptBytes -= n;
      this.sent.push(...bytes.subarray(0, n));
      if (n === bytes.byteLength) return 0;
      bytes = bytes.subarray(n);
    }
    this.queue.push(bytes);
    this.queuedBytes += bytes.byteLength;
    return this.queuedBytes;
  }
  /** The peer reads everything: the queue empties and the connection hears about it. */
  drain(): void {
    for (const b of this.queue) this.sent.push(...b);
    this.queue = [];
    this.queuedBytes = 0;
    this.acceptBytes = Infinity;
    this.handlers!.onDrain!();
  }
  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; }
  close(): void { this.closed = true; }
}

const LIMITS: ConnectionLimits = { maxFrameBytes: 1 << 20, maxInFlightBytes: 1000, maxInFlightRequests: 8 };

/** A request frame with its length prefix; its first byte says which response the handler gives. */
function frame(id: number): Uint8Array {
  return Uint8Array.of(0, 0, 0, 1, id);
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("serveConnection", () => {
  test("multi-part responses go out whole and in request order, whatever order they finish in", async () => {
    const conn = new FakeConn();
    const answers = [deferred<Uint8Array[] | null>(), deferred<Uint8Array[] | null>(), deferred<Uint8Array[] | null>()];
    conn.handlers = serveConnection(conn, (f) => answers[f[0]!]!.promise, LIMITS, silentLogger, { badFrames: 0, requests: 0 });
    conn.handlers.onData(Uint8Array.from([...frame(0), ...frame(1), ...frame(2)]));
    answers[2]!.resolve([Uint8Array.of(20), Uint8Array.of(21)]);
    answers[1]!.resolve(null); // no response due (acks=0 produce)
    await tick();
    expect(conn.sent).toEqual([]);
    answers[0]!.resolve([Uint8Array.of(1), Uint8Array.of(2, 3, 4), Uint8Array.of(5)]);
    await tick();
    expect(conn.sent).toEqual([1, 2, 3, 4, 5, 20, 21]);
  });

  test("a part the socket takes only partly queues its rest and every later part", async () => {
    const conn = new FakeConn(3);
    conn.handlers = serveConnection(conn, async () => [Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5), Uint8Array.of(6)], LIMITS, silentLogger, { badFrames: 0, requests: 0 });
    conn.handlers.onData(frame(0));
    await tick();
    expect(conn.sent).toEqual([1, 2, 3]);
    expect(conn.queuedBytes).toBe(3);
    conn.drain();
    expect(conn.sent).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test("response bytes not yet sent hold reading paused until the socket drains", async () => {
    const conn = new FakeConn(100);
    const big = new Uint8Array(600);
    conn.handlers = serveConnection(conn, async () => [big, big], LIMITS, silentLogger, { badFrames: 0, requests: 0 });
    conn.handlers.onData(frame(0));
    await tick();
    expect(conn.queuedBytes).toBe(1100); // every part counts, not just the first
    expect(conn.paused).toBe(true);
    conn.drain();
    expect(conn.paused).toBe(false);
    expect(conn.sent.length).toBe(1200);
  });

  test("a finished response waiting behind a slow request counts toward maxInFlightBytes", async () => {
    const conn = new FakeConn();
    const slow = deferred<Uint8Array[] | null>();
    conn.handlers = serveConnection(conn, (f) => (f[0] === 0 ? slow.promise : Promise.resolve([new Uint8Array(700), new Uint8Array(400)])),
      LIMITS, silentLogger, { badFrames: 0, requests: 0 });
    conn.handlers.onData(Uint8Array.from([...frame(0), ...frame(1)]));
    await tick();
    expect(conn.paused).toBe(true);
    slow.resolve([Uint8Array.of(9)]);
    await tick();
    expect(conn.paused).toBe(false);
    expect(conn.sent.length).toBe(1101);
  });
});
