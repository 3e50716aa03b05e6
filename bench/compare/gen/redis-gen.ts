/**
 * Redis Streams load generator (RESP on Bun sockets, pipelined, coalesced writes).
 * Usage: bun redis-gen.ts '<json spec>' with op produce | consume | latency | cold; handshake in gen/runner.ts.
 * Every XADD reply is counted and error replies fail the run.
 */
import type { Socket } from "bun";
import { RespReader, encodeCommand, type BulkHandler } from "./resp.ts";
import { CoalescingWriter } from "./writer.ts";
import { cpuSince, deadline, dueCount, latencySummary, readStamp, readyAndWait, stampInto } from "./common.ts";

interface Spec {
  op: "produce" | "consume" | "latency" | "cold";
  port: number;
  key: string;
  size: number;
  count: number;
  rate: number;
  durationMs: number;
  durationMsMax?: number;
  timeoutMs: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
/** Pipelined commands allowed without a reply, bounded in bytes. */
const IN_FLIGHT_BYTES_MAX = 4 * 1024 * 1024;
const XREAD_COUNT_MAX = 5_000;
const XREAD_BLOCK_MS = 1_000;

/** One RESP connection: `onReply` after each top-level reply; `onBulk` for every bulk string inside. */
class RespConn {
  writer!: CoalescingWriter;
  reader: RespReader;
  onReply: () => void = () => {};
  onChunkDone: () => void = () => {};
  onDrain: () => void = () => {};
  closed = false;
  private socket!: Socket<unknown>;

  private constructor(onBulk: BulkHandler) {
    this.reader = new RespReader(onBulk, () => this.onReply());
  }

  static async open(port: number, onBulk: BulkHandler = () => {}): Promise<RespConn> {
    const conn = new RespConn(onBulk);
    conn.socket = await Bun.connect({
      hostname: "127.0.0.1", port,
      socket: {
        data: (_s, d) => {
          conn.reader.feed(d);
          conn.onChunkDone();
        },
        drain: () => {
          if (conn.writer.drain()) conn.onDrain();
        },
        close: () => void (conn.closed = true),
      },
    });
    conn.writer = new CoalescingWriter(conn.socket);
    return conn;
  }

  close(): void {
    this.socket.end();
  }
}

/** Pipelines `count` XADDs of `value` with a bounded window; resolves once every reply arrived. */
function xaddAll(conn: RespConn, count: number, value: Uint8Array, durationMsMax = Infinity): Promise<number> {
  const stopAt = performance.now() + durationMsMax;
  const command = encodeCommand(["XADD", spec.key, "*", "d", value]);
  const window = Math.max(64, Math.floor(IN_FLIGHT_BYTES_MAX / command.byteLength));
  let sent = 0;
  return new Promise((resolve) => {
    const pump = () => {
      if (performance.now() > stopAt) count = sent; // time box reached: wait only for what is in flight
      while (sent < count && sent - conn.reader.repliesTotal < window && !conn.writer.backlogged) {
        conn.writer.push(command);
        sent++;
      }
      conn.writer.flush();
    };
    conn.onChunkDone = () => {
      pump();
      if (conn.reader.repliesTotal >= count) resolve(count);
    };
    conn.onDrain = pump;
    pump();
  });
}

function checkErrors(conn: RespConn, what: string): void {
  if (conn.reader.errorsTotal) throw new Error(`${what}: ${conn.reader.errorsTotal} error replies, last ${conn.reader.lastError}`);
}

async function produce(): Promise<object> {
  const conn = await RespConn.open(spec.port);
  const value = new Uint8Array(spec.size).fill(120);
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const records = await deadline(xaddAll(conn, spec.count, value, spec.durationMsMax), spec.timeoutMs, "redis produce");
  const elapsedS = (performance.now() - t0) / 1000;
  checkErrors(conn, "redis produce");
  conn.close();
  return { records, bytes: records * spec.size, elapsedS, cpuS: cpuSince(c0) };
}

/**
 * Reads the stream from the start with XREAD (one request in flight, COUNT entries each), reporting each
 * entry's value. In an XREAD reply an entry id is the bulk at depth 4, index 0; its value at depth 5, index 1.
 */
async function readAll(port: number, count: number, block: boolean, onValue: (v: Uint8Array) => void): Promise<RespConn> {
  let lastId = "0-0";
  let records = 0;
  const decoder = new TextDecoder();
  const conn = await RespConn.open(port, (bytes, depth, index) => {
    if (depth === 4 && index === 0) {
      lastId = decoder.decode(bytes);
      records++;
    } else if (depth === 5 && index === 1) onValue(bytes);
  });
  const next = () => {
    const args = ["XREAD", "COUNT", String(Math.min(XREAD_COUNT_MAX, count - records))];
    if (block) args.push("BLOCK", String(XREAD_BLOCK_MS));
    conn.writer.push(encodeCommand([...args, "STREAMS", spec.key, lastId]));
    conn.writer.flush();
  };
  (conn as { start?: () => Promise<void> }).start = () =>
    new Promise<void>((resolve) => {
      conn.onReply = () => (records >= count ? resolve() : next());
      next();
    });
  return conn;
}

async function consume(): Promise<object> {
  let bytes = 0;
  const conn = await readAll(spec.port, spec.count, false, (v) => (bytes += v.byteLength));
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await deadline((conn as unknown as { start: () => Promise<void> }).start(), spec.timeoutMs, "redis consume");
  const elapsedS = (performance.now() - t0) / 1000;
  checkErrors(conn, "redis consume");
  conn.close();
  return { records: spec.count, bytes, elapsedS, cpuS: cpuSince(c0) };
}

async function latency(): Promise<object> {
  const total = Math.floor((spec.rate * spec.durationMs) / 1000);
  const samples = new Float64Array(total);
  let received = 0;
  const sub = await readAll(spec.port, total, true, (v) => {
    if (received < total) samples[received++] = performance.now() - readStamp(v, 0);
  });
  const pub = await RespConn.open(spec.port);
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const consumed = (sub as unknown as { start: () => Promise<void> }).start();
  const value = new Uint8Array(spec.size).fill(120);
  let sent = 0;
  for (let tick = 0; sent < total && tick < spec.timeoutMs; tick++) {
    const due = dueCount(t0, spec.rate, total);
    for (; sent < due; sent++) {
      stampInto(value, performance.now());
      pub.writer.push(encodeCommand(["XADD", spec.key, "*", "d", value]));
    }
    pub.writer.flush();
    await Bun.sleep(1);
  }
  await deadline(consumed, spec.timeoutMs, "redis latency consume");
  const elapsedS = (performance.now() - t0) / 1000;
  checkErrors(pub, "redis latency produce");
  pub.close();
  sub.close();
  return { records: sent, received, elapsedS, cpuS: cpuSince(c0), ...latencySummary(samples.subarray(0, received)) };
}

async function cold(): Promise<object> {
  await readyAndWait();
  const t0 = performance.now();
  const conn = await RespConn.open(spec.port);
  await deadline(xaddAll(conn, 1, new Uint8Array([120])), spec.timeoutMs, "redis cold");
  checkErrors(conn, "redis cold");
  conn.close();
  return { firstProduceMs: performance.now() - t0 };
}

const ops = { produce, consume, latency, cold };
console.log(JSON.stringify(await ops[spec.op]()));
process.exit(0);
