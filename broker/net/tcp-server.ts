/**
 * A small adapter over Bun.listen: the rest of the broker sees `TcpConn`s with an ordered outbound
 * queue (partial writes are finished on drain), pause/resume for backpressure, and a connection cap.
 * Bun's sockets were picked over node:net for fewer copies and a faster write path (DESIGN.md section 15).
 */
import type { Socket, TCPSocketListener } from "bun";
import { SLAB_CARVE_MAX_BYTES, slabCopy } from "../../protocol/byte-slab.ts";

/** One accepted connection as the broker sees it. */
export interface TcpConn {
  readonly id: number;
  readonly remoteAddress: string;
  /**
   * Sends bytes, queuing what the kernel does not take; order is kept across calls, so a response's
   * parts go out back to back, one call each, and are never copied. Returns the bytes still queued
   * (not yet in the kernel); `onDrain` reports when that is zero again.
   */
  write(bytes: Uint8Array): number;
  pause(): void;
  resume(): void;
  /** Closes after queued bytes are sent (graceful) or at once (`force`). */
  close(force?: boolean): void;
  readonly closed: boolean;
}

export interface ConnHandlers {
  onData(chunk: Uint8Array): void;
  onClose(): void;
  /** Called when the outbound queue is empty again. */
  onDrain?(): void;
}

export interface TcpServerOptions {
  host: string;
  port: number;
  maxConnections: number;
  /** Called for each accepted connection; returns its handlers. */
  accept(conn: TcpConn): ConnHandlers;
  /** Called when a connection is refused because of the cap. */
  onRefused?(remoteAddress: string): void;
}

export interface TcpServer {
  readonly host: string;
  readonly port: number;
  connectionCount(): number;
  /** Stops accepting; existing connections stay open until closed by their owners. */
  stopAccepting(): void;
  /** Closes every connection. */
  closeAll(force?: boolean): void;
}

interface SocketState {
  conn: TcpConn;
  handlers: ConnHandlers | null;
  queue: Uint8Array[];
  queuedBytes: number;
  closing: boolean;
  closed: boolean;
}

/** Starts a TCP listener. */
export function listenTcp(opts: TcpServerOptions): TcpServer {
  let nextId = 1;
  const sockets = new Set<Socket<SocketState>>();

  const flush = (s: Socket<SocketState>): void => {
    const st = s.data;
    while (st.queue.length > 0) {
      const head = st.queue[0]!;
      const n = s.write(head);
      if (n < head.byteLength) {
        if (n > 0) st.queue[0] = head.subarray(n);
        st.queuedBytes -= Math.max(n, 0);
        return;
      }
      st.queue.shift();
      st.queuedBytes -= head.byteLength;
    }
    if (st.closing) s.end();
    else st.handlers?.onDrain?.();
  };

  const listener: TCPSocketListener<SocketState> = Bun.listen<SocketState>({
    hostname: opts.host,
    port: opts.port,
    socket: {
      open(s) {
        const state: SocketState = { conn: null as unknown as TcpConn, handlers: null, queue: [], queuedBytes: 0, closing: false, closed: false };
        s.data = state;
        if (sockets.size >= opts.maxConnections) {
          opts.onRefused?.(s.remoteAddress);
          state.closed = true;
          s.terminate();
          return;
        }
        sockets.add(s);
        s.setNoDelay(true);
        state.conn = {
          id: nextId++,
          remoteAddress: s.remoteAddress,
          write(bytes) {
            if (state.closed || state.closing) return 0;
            if (state.queue.length === 0) {
              const n = s.write(bytes);
              if (n >= bytes.byteLength) return 0;
              const rest = bytes.subarray(Math.max(n, 0));
              state.queue.push(rest);
              state.queuedBytes += rest.byteLength;
              return state.queuedBytes;
            }
            state.queue.push(bytes);
            state.queuedBytes += bytes.byteLength;
            return state.queuedBytes;
          },
          pause: () => void s.pause(),
          resume: () => void s.resume(),
          close(force = false) {
            if (state.closed) return;
            if (force || state.queue.length === 0) {
              state.closed = true;
              if (force) s.terminate();
              else s.end();
            } else state.closing = true;
          },
          get closed() {
            return state.closed;
          },
        };
        state.handlers = opts.accept(state.conn);
      },
      data(s, chunk) {
        // Small chunks are copied into slab memory before anything takes a view of them: a view of Bun's
        // fresh chunk creates an ArrayBuffer per read, which paces JSC's collections (byte-slab.ts).
        s.data.handlers?.onData(chunk.byteLength <= SLAB_CARVE_MAX_BYTES ? slabCopy(chunk) : chunk);
      },
      drain(s) {
        flush(s);
      },
      close(s) {
        sockets.delete(s);
        const st = s.data;
        if (!st) return;
        st.closed = true;
        st.queue.length = 0;
        st.queuedBytes = 0;
        st.handlers?.onClose();
        st.handlers = null;
      },
      error(s) {
        s.data?.conn?.close(true);
      },
    },
  });

  return {
    host: opts.host,
    port: listener.port,
    connectionCount: () => sockets.size,
    stopAccepting: () => listener.stop(false),
    closeAll(force = true) {
      for (const s of sockets) s.data.conn.close(force);
      listener.stop(true);
    },
  };
}
