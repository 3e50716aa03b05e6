import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../protocol/logger.ts";
import { serveConnection, type ConnectionLimits } from "./connection.ts";
import { FramePool } from "./frame-pool.ts";
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

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
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

  describe("split frames and the frame pool", () => {
    const BIG_LIMITS: ConnectionLimits = { maxFrameBytes: 1 << 20, maxInFlightBytes: 1 << 22, maxInFlightRequests: 8 };
    /** A frame of `bytes` (after the length prefix) whose API key is `apiKey`, filled with `fill`. */
    function bigFrame(apiKey: number, bytes: number, fill: number): Uint8Array {
      const f = new Uint8Array(4 + bytes).fill(fill);
      new DataView(f.buffer).setInt32(0, bytes);
      new DataView(f.buffer).setInt16(4, apiKey);
      return f;
    }
    /** Feeds `bytes` to the connection in chunks of `chunkBytes`. */
    function feed(conn: FakeConn, bytes: Uint8Array, chunkBytes: number): void {
      for (let i = 0; i < bytes.byteLength; i += chunkBytes) conn.handlers!.onData(bytes.slice(i, i + chunkBytes));
    }

    test("a listed API's frame split across chunks lives in a pooled buffer until its handler settles, then is reused", async () => {
      const pool = new FramePool({ apiKeys: [0], frameBytesMin: 1024, idleBytesMax: 1 << 20 });
      const conn = new FakeConn();
      const seen: Uint8Array[] = [];
      const answers = [deferred<Uint8Array[] | null>(), deferred<Uint8Array[] | null>()];
      conn.handlers = serveConnection(conn, (f) => {
        seen.push(f);
        return answers[seen.length - 1]!.promise;
      }, BIG_LIMITS, silentLogger, { badFrames: 0, requests: 0 }, pool);
      feed(conn, bigFrame(0, 3000, 7), 1000);
      expect(seen.length).toBe(1);
      expect(seen[0]!.byteLength).toBe(3000);
      expect(seen[0]![2]).toBe(7);
      expect(pool.leasedCount).toBe(1);
      answers[0]!.resolve(null);
      await tick();
      expect(pool.leasedCount).toBe(0);
      expect(pool.idleBytes).toBe(4096);
      feed(conn, bigFrame(0, 3000, 9), 999);
      expect(seen[1]!.buffer).toBe(seen[0]!.buffer); // the same memory, reused
      expect(seen[1]![2]).toBe(9);
      answers[1]!.reject(new Error("undecodable")); // a rejected handler gives its buffer back too
      await tick();
      expect(pool.leasedCount).toBe(0);
    });

    test("the API key is read even when the frame's first two bytes straddle chunks", async () => {
      const pool = new FramePool({ apiKeys: [0x0102], frameBytesMin: 1024, idleBytesMax: 1 << 20 });
      const conn = new FakeConn();
      let got: Uint8Array | null = null;
      conn.handlers = serveConnection(conn, async (f) => {
        got = f;
        return null;
      }, BIG_LIMITS, silentLogger, { badFrames: 0, requests: 0 }, pool);
      const f = bigFrame(0x0102, 2000, 3);
      conn.handlers.onData(f.subarray(0, 5)); // length + the API key's first byte
      conn.handlers.onData(f.subarray(5));
      expect(pool.leasedCount).toBe(1);
      expect(Buffer.from(got!).equals(Buffer.from(f.subarray(4)))).toBe(true);
      await tick();
      expect(pool.leasedCount).toBe(0);
    });

    test("other APIs' split frames, small frames and frames within one chunk are not pooled", async () => {
      const pool = new FramePool({ apiKeys: [0], frameBytesMin: 1024, idleBytesMax: 1 << 20 });
      const conn = new FakeConn();
      const seen: Uint8Array[] = [];
      conn.handlers = serveConnection(conn, async (f) => {
        seen.push(f);
        return null;
      }, BIG_LIMITS, silentLogger, { badFrames: 0, requests: 0 }, pool);
      feed(conn, bigFrame(3, 3000, 1), 1000); // Metadata: its handler may keep request bytes
      feed(conn, bigFrame(0, 500, 2), 200); // below frameBytesMin
      const whole = bigFrame(0, 3000, 4);
      conn.handlers.onData(whole); // within one chunk: handed on in place
      expect(seen.map((f) => f[2])).toEqual([1, 2, 4]);
      expect(seen[2]!.buffer).toBe(whole.buffer);
      expect(pool.leasedCount).toBe(0);
      await tick();
      expect(pool.idleBytes).toBe(0);
    });
  });

  test("responses finishing together share one socket write, in request order", async () => {
    const conn = new FakeConn();
    const writes: number[] = [];
    const write = conn.write.bind(conn);
    conn.write = (b) => {
      writes.push(b.byteLength);
      return write(b);
    };
    const answers = [deferred<Uint8Array[] | null>(), deferred<Uint8Array[] | null>(), deferred<Uint8Array[] | null>()];
    conn.handlers = serveConnection(conn, (f) => answers[f[0]!]!.promise, LIMITS, silentLogger, { badFrames: 0, requests: 0 });
    conn.handlers.onData(Uint8Array.from([...frame(0), ...frame(1), ...frame(2)]));
    answers[1]!.resolve([Uint8Array.of(10)]);
    answers[0]!.resolve([Uint8Array.of(1), Uint8Array.of(2)]);
    answers[2]!.resolve([Uint8Array.of(20)]);
    await tick();
    expect(conn.sent).toEqual([1, 2, 10, 20]);
    expect(writes).toEqual([4]);
  });
});
