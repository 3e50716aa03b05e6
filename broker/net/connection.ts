/**
 * One client connection's request pipeline: split the byte stream into frames, hand each frame to the
 * dispatcher, and write responses back in request order (Kafka clients pipeline requests and match
 * responses by order as well as correlation id). Backpressure: when the bytes of requests in flight plus
 * responses not yet sent pass `maxInFlightBytes`, reading pauses until they drain.
 *
 * A response comes as parts (a Fetch response references its record sets instead of copying them);
 * the parts are handed to the socket in order, and the socket's ordered queue keeps them contiguous.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import type { Logger } from "../../protocol/logger.ts";
import type { ConnHandlers, TcpConn } from "./tcp-server.ts";

/**
 * What the connection asks of the broker for each frame (the frame excludes the 4-byte length prefix):
 * the response frame as parts to write in order, or null when no response is due.
 */
export type FrameHandler = (frame: Uint8Array, conn: ConnInfo) => Promise<Uint8Array[] | null>;

export interface ConnInfo {
  readonly id: number;
  readonly remoteAddress: string;
}

export interface ConnectionLimits {
  maxFrameBytes: number;
  maxInFlightBytes: number;
  /** Most requests pipelined on one connection before reading pauses. */
  maxInFlightRequests: number;
}

export interface ConnectionMetrics {
  badFrames: number;
  requests: number;
}

interface Pending {
  /** Counted in inFlightBytes: the request's bytes, plus the response's once it is ready. */
  bytes: number;
  done: boolean;
  response: Uint8Array[] | null;
}

function byteLengthOf(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  return n;
}

/** Builds the handlers for one accepted TCP connection. */
export function serveConnection(conn: TcpConn, handle: FrameHandler, limits: ConnectionLimits, log: Logger, metrics: ConnectionMetrics): ConnHandlers {
  const info: ConnInfo = { id: conn.id, remoteAddress: conn.remoteAddress };
  // Incoming bytes not yet forming a whole frame. Chunks are kept as a list to avoid quadratic copying.
  let chunks: Uint8Array[] = [];
  let buffered = 0;
  const pending: Pending[] = [];
  /** Bytes of requests being handled and of responses waiting for an earlier one. */
  let inFlightBytes = 0;
  /** Response bytes handed to the socket but still in its outbound queue (zero again on drain). */
  let unsentBytes = 0;
  let paused = false;
  let closed = false;

  const fail = (reason: string): void => {
    metrics.badFrames++;
    log.warn("closing connection after a bad frame", { conn: conn.id, remote: conn.remoteAddress, reason });
    closed = true;
    conn.close(true);
  };

  const updatePause = (): void => {
    const over = inFlightBytes + unsentBytes > limits.maxInFlightBytes || pending.length >= limits.maxInFlightRequests;
    if (over && !paused) {
      paused = true;
      conn.pause();
    } else if (!over && paused) {
      paused = false;
      conn.resume();
    }
  };

  const flushResponses = (): void => {
    while (pending.length > 0 && pending[0]!.done) {
      const p = pending.shift()!;
      inFlightBytes -= p.bytes;
      if (p.response && !closed) {
        // Once one part is only partly sent, the socket queues the rest of it and every later part.
        for (const part of p.response) unsentBytes = conn.write(part);
      }
    }
    updatePause();
  };

  const take = (n: number): Uint8Array => {
    // Fast path: the frame lies within the first chunk, so no copy is needed.
    const first = chunks[0]!;
    if (first.byteLength >= n) {
      const out = first.subarray(0, n);
      if (first.byteLength === n) chunks.shift();
      else chunks[0] = first.subarray(n);
      buffered -= n;
      return out;
    }
    // allocUnsafe: every byte is overwritten below, so zero-filling a frame-sized buffer is wasted work.
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = chunks[0]!;
      const k = Math.min(c.byteLength, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (k === c.byteLength) chunks.shift();
      else chunks[0] = c.subarray(k);
    }
    buffered -= n;
    return out;
  };

  const peekLength = (): number => {
    const c = chunks[0]!;
    const head = c.byteLength >= 4 ? c : take(4);
    const len = (head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!;
    if (head !== c) {
      // The length straddled chunks: put the 4 bytes back in front, we only peeked.
      chunks.unshift(head);
      buffered += 4;
    }
    return len;
  };

  const dispatch = (frame: Uint8Array): void => {
    metrics.requests++;
    const p: Pending = { bytes: frame.byteLength, done: false, response: null };
    pending.push(p);
    inFlightBytes += frame.byteLength;
    handle(frame, info).then(
      (resp) => {
        p.done = true;
        p.response = resp;
        if (resp) {
          const responseBytes = byteLengthOf(resp);
          p.bytes += responseBytes;
          inFlightBytes += responseBytes;
        }
        flushResponses();
      },
      (e) => {
        // Handlers answer expected failures with Kafka error codes; reaching here means the request
        // could not even be parsed well enough to answer, so the connection is closed (never the broker).
        p.done = true;
        const err = e instanceof StreamBusError ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e);
        fail(err);
      },
    );
  };

  return {
    onData(chunk) {
      if (closed) return;
      chunks.push(chunk);
      buffered += chunk.byteLength;
      while (buffered >= 4 && !closed) {
        const len = peekLength();
        if (len < 0 || len > limits.maxFrameBytes) {
          fail(len < 0 ? `negative frame length ${len}` : `frame of ${len} bytes exceeds maxFrameBytes ${limits.maxFrameBytes}`);
          return;
        }
        if (buffered < 4 + len) break;
        take(4);
        dispatch(take(len));
      }
      updatePause();
    },
    onDrain() {
      unsentBytes = 0;
      updatePause();
    },
    onClose() {
      closed = true;
      chunks = [];
      buffered = 0;
    },
  };
}
