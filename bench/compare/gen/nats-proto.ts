/**
 * A minimal NATS text-protocol client on Bun sockets, enough for JetStream publish-with-ack and pull
 * consumers: CONNECT/PING, SUB, PUB, and a streaming parser for MSG/HMSG/PING/PONG/+OK/-ERR.
 */
import type { Socket } from "bun";
import { CoalescingWriter } from "./writer.ts";

const CR = 13;
const decoder = new TextDecoder("latin1");

/** A delivered message; `payload` is a view valid only during the callback. */
export interface NatsMsg {
  subject: string;
  sid: number;
  replyTo: string;
  /** Header bytes (HMSG) precede the payload; 0 for MSG. */
  headerBytes: Uint8Array | null;
  payload: Uint8Array;
}

/** One connection: `onMsg` sees every MSG/HMSG; `onChunkDone` runs after each received chunk is parsed. */
export class NatsConn {
  readonly writer: CoalescingWriter;
  onMsg: (m: NatsMsg) => void = () => {};
  onChunkDone: () => void = () => {};
  onDrain: () => void = () => {};
  #rest: Uint8Array | null = null;
  #pongWaiters: (() => void)[] = [];
  #errors: string[] = [];

  private constructor(readonly socket: Socket<unknown>) {
    this.writer = new CoalescingWriter(socket);
  }

  /** Connects, sends CONNECT (headers on, for pull-status messages) and waits for the PONG. */
  static async open(port: number): Promise<NatsConn> {
    let conn!: NatsConn;
    const socket = await Bun.connect({
      hostname: "127.0.0.1", port,
      socket: {
        data: (_s, d) => conn.#feed(d),
        drain: () => {
          if (conn.writer.drain()) conn.onDrain();
        },
        close: () => void conn.#errors.push("closed"),
      },
    });
    conn = new NatsConn(socket);
    conn.writer.pushText(`CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1,"lang":"bench","version":"0"}\r\n`);
    await conn.ping();
    return conn;
  }

  /** Round trip to the server: everything written before is processed once this resolves. */
  ping(): Promise<void> {
    const p = new Promise<void>((r) => this.#pongWaiters.push(r));
    this.writer.pushText("PING\r\n");
    this.writer.flush();
    return p;
  }

  /** Errors the server sent (-ERR) or a closed socket; a bench run fails if this is non-empty. */
  get errors(): readonly string[] {
    return this.#errors;
  }

  sub(subject: string, sid: number): void {
    this.writer.pushText(`SUB ${subject} ${sid}\r\n`);
  }

  /** Queues a PUB; call `writer.flush()` when a batch is queued. */
  pub(subject: string, replyTo: string, payload: Uint8Array): void {
    this.writer.pushText(`PUB ${subject} ${replyTo} ${payload.byteLength}\r\n`);
    this.writer.push(payload);
    this.writer.pushText("\r\n");
  }

  /** Sends a request and resolves with the first reply's payload as text (JetStream API calls). */
  request(subject: string, body: string, timeoutMs = 10_000): Promise<string> {
    const inbox = `_INBOX.req.${Math.random().toString(36).slice(2)}`;
    const sid = 900_000 + Math.floor(Math.random() * 90_000);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nats request ${subject} timed out`)), timeoutMs);
      const prev = this.onMsg;
      this.onMsg = (m) => {
        if (m.sid !== sid) return prev(m);
        clearTimeout(timer);
        this.onMsg = prev;
        this.writer.pushText(`UNSUB ${sid}\r\n`);
        this.writer.flush();
        resolve(new TextDecoder().decode(m.payload));
      };
      this.sub(inbox, sid);
      this.pub(subject, inbox, new TextEncoder().encode(body));
      this.writer.flush();
    });
  }

  close(): void {
    this.socket.end();
  }

  #feed(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.#rest) {
      const joined = new Uint8Array(this.#rest.byteLength + chunk.byteLength);
      joined.set(this.#rest);
      joined.set(chunk, this.#rest.byteLength);
      buf = joined;
      this.#rest = null;
    }
    let pos = 0;
    for (;;) {
      const eol = buf.indexOf(CR, pos);
      if (eol < 0 || eol + 1 >= buf.byteLength) break;
      const first = buf[pos]!;
      if (first === 77 /* M */ || first === 72 /* H */) {
        const line = decoder.decode(buf.subarray(pos, eol));
        const parts = line.split(" ");
        const isH = first === 72;
        // MSG subj sid [reply] size | HMSG subj sid [reply] hdrSize totalSize
        const total = Number(parts[parts.length - 1]);
        const hdr = isH ? Number(parts[parts.length - 2]) : 0;
        const fixed = isH ? 5 : 4;
        const start = eol + 2;
        if (start + total + 2 > buf.byteLength) break;
        this.onMsg({
          subject: parts[1]!, sid: Number(parts[2]), replyTo: parts.length > fixed ? parts[3]! : "",
          headerBytes: isH ? buf.subarray(start, start + hdr) : null,
          payload: buf.subarray(start + hdr, start + total),
        });
        pos = start + total + 2;
        continue;
      }
      const line = decoder.decode(buf.subarray(pos, eol));
      pos = eol + 2;
      if (line === "PING") {
        this.writer.pushText("PONG\r\n");
        this.writer.flush();
      } else if (line === "PONG") {
        this.#pongWaiters.shift()?.();
      } else if (line.startsWith("-ERR")) {
        this.#errors.push(line);
      }
      // INFO and +OK need no action.
    }
    if (pos < buf.byteLength) this.#rest = buf.slice(pos);
    this.onChunkDone();
  }
}
