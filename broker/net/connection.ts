/**
 * One client connection's request pipeline: split the byte stream into frames, hand each frame to the
 * dispatcher, and write responses back in request order (Kafka clients pipeline requests and match
 * responses by order as well as correlation id). Backpressure: when the bytes of requests in flight plus
 * responses not yet sent pass `maxInFlightBytes`, reading pauses until they drain.
 *
 * A response comes as parts (a Fetch response references its record sets instead of copying them);
 * the parts are handed to the socket in order, and the socket's ordered queue keeps them contiguous.
 *
 * A frame that lies within one socket chunk is handed on in place; one split across chunks is copied
 * together, into a buffer from the {@link FramePool} when its API allows (returned once its handler settled).
 */
import { StreamBusError } from "../../protocol/errors.ts";
import type { Logger } from "../../protocol/logger.ts";
import { slabBytes } from "../../protocol/byte-slab.ts";
import { joinBytes } from "../../protocol/uninitialized.ts";
import type { FramePool } from "./frame-pool.ts";
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

/**
 * Response parts below this are gathered (copied) into one socket write with their neighbours: one write
 * per small response costs a syscall each (DESIGN.md section 15). Larger parts (record sets) go as they are.
 */
const COALESCE_PART_BYTES_MAX = 16 * 1024;

function byteLengthOf(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  return n;
}

/** Builds the handlers for one accepted TCP connection; `pool` (shared by connections) lends buffers for split frames. */
export function serveConnection(
  conn: TcpConn, handle: FrameHandler, limits: ConnectionLimits, log: Logger, metrics: ConnectionMetrics, pool: FramePool | null = null,
): ConnHandlers {
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

  /** Small parts of ready responses, sent together as one socket write. */
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const sendBatch = (): void => {
    if (batch.length === 0) return;
    // Once one write is only partly sent, the socket queues the rest of it and every later write.
    // Joined in slab memory: a fresh buffer per write would pace the collector (protocol/byte-slab.ts).
    unsentBytes = conn.write(joinBytes(batch, batchBytes, slabBytes));
    batch = [];
    batchBytes = 0;
  };

  const flushResponses = (): void => {
    flushQueued = false;
    while (pending.length > 0 && pending[0]!.done) {
      const p = pending.shift()!;
      inFlightBytes -= p.bytes;
      if (!p.response || closed) continue;
      for (const part of p.response) {
        if (part.byteLength >= COALESCE_PART_BYTES_MAX) {
          sendBatch();
          unsentBytes = conn.write(part);
        } else {
          batch.push(part);
          batchBytes += part.byteLength;
          if (batchBytes >= COALESCE_PART_BYTES_MAX) sendBatch();
        }
      }
    }
    sendBatch();
    updatePause();
  };

  /**
   * Responses that finish together (a group commit acknowledges many appends at once) are sent by one
   * flush after the microtasks already queued have run, so their bytes share socket writes.
   */
  let flushQueued = false;
  const queueFlush = (): void => {
    if (flushQueued) return;
    flushQueued = true;
    queueMicrotask(flushResponses);
  };

  /** Moves the next `n` buffered bytes (spanning chunks) into `out`. */
  const copyOut = (out: Uint8Array, n: number): void => {
    let off = 0;
    while (off < n) {
      const c = chunks[0]!;
      const k = Math.min(c.byteLength, n - off);
      out.set(k === c.byteLength ? c : c.subarray(0, k), off);
      off += k;
      if (k === c.byteLength) chunks.shift();
      else chunks[0] = c.subarray(k);
    }
    buffered -= n;
  };

  const take = (n: number): Uint8Array => {
    if (n === 0) return new Uint8Array(0);
    // Fast path: the frame lies within the first chunk, so no copy is needed.
    const first = chunks[0]!;
    if (first.byteLength >= n) {
      const out = first.subarray(0, n);
      if (first.byteLength === n) chunks.shift();
      else chunks[0] = first.subarray(n);
      buffered -= n;
      return out;
    }
    // Small frames in slab memory (protocol/byte-slab.ts); every byte is overwritten by copyOut.
    const out = slabBytes(n);
    copyOut(out, n);
    return out;
  };

  /** The API key of the buffered frame (its first two bytes; the frame has at least 2). */
  const peekApiKey = (): number => {
    const c = chunks[0]!;
    const hi = c[0]!;
    const lo = c.byteLength > 1 ? c[1]! : chunks[1]![0]!;
    return ((hi << 24) | (lo << 16)) >> 16;
  };

  /** A pooled buffer for the next frame of `n` bytes when it is split across chunks and its API allows, else null. */
  const pooledFor = (n: number): Uint8Array | null => {
    if (!pool || n < 2 || chunks[0]!.byteLength >= n || !pool.accepts(peekApiKey(), n)) return null;
    const buf = pool.acquire(n);
    copyOut(buf, n);
    return buf;
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

  /** Runs the handler for `frame`; `pooled` (the buffer under a pooled frame) goes back once the handler settled. */
  const dispatch = (frame: Uint8Array, pooled: Uint8Array | null): void => {
    metrics.requests++;
    const p: Pending = { bytes: frame.byteLength, done: false, response: null };
    pending.push(p);
    inFlightBytes += frame.byteLength;
    handle(frame, info).then(
      (resp) => {
        if (pooled) pool!.release(pooled);
        p.done = true;
        p.response = resp;
        if (resp) {
          const responseBytes = byteLengthOf(resp);
          p.bytes += responseBytes;
          inFlightBytes += responseBytes;
        }
        queueFlush();
      },
      (e) => {
        if (pooled) pool!.release(pooled);
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
        const pooled = pooledFor(len);
        dispatch(pooled ? pooled.subarray(0, len) : take(len), pooled);
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
