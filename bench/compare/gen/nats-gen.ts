/**
 * NATS JetStream load generator (raw text protocol on Bun sockets, coalesced writes).
 * Usage: bun nats-gen.ts '<json spec>' with op produce | consume | latency | cold; handshake in gen/runner.ts.
 * Publishes carry a reply subject so every JetStream ack comes back and is counted (errors fail the run).
 */
import { NatsConn } from "./nats-proto.ts";
import { cpuSince, deadline, dueCount, latencySummary, readStamp, readyAndWait, stampInto } from "./common.ts";

interface Spec {
  op: "produce" | "consume" | "latency" | "cold";
  port: number;
  stream: string;
  size: number;
  count: number;
  rate: number;
  durationMs: number;
  durationMsMax?: number;
  timeoutMs: number;
  /** Distinguishes the inboxes of several generators on one server. */
  id: string;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const ACK_SID = 1;
const PULL_SID = 2;
/** Unacknowledged publishes allowed in flight: enough to keep the server busy, bounded in bytes. */
const IN_FLIGHT_BYTES_MAX = 4 * 1024 * 1024;
const PULL_BATCH_MAX = 5_000;
const PULL_EXPIRES_NS = 60e9;

async function ensureStream(conn: NatsConn): Promise<void> {
  const reply = await conn.request(`$JS.API.STREAM.CREATE.${spec.stream}`, JSON.stringify({
    name: spec.stream, subjects: [`${spec.stream}.>`], storage: "file", retention: "limits", discard: "old",
    max_msgs: -1, max_bytes: -1, max_age: 0, num_replicas: 1,
  }));
  if (reply.includes('"error"') && !reply.includes("already in use")) throw new Error(`stream create: ${reply}`);
}

/** Publishes `count` records with at most IN_FLIGHT_BYTES_MAX unacknowledged; resolves when all are acked. */
function publishAll(conn: NatsConn, count: number, value: Uint8Array, durationMsMax = Infinity): Promise<{ ackErrors: number; records: number }> {
  const stopAt = performance.now() + durationMsMax;
  const subject = `${spec.stream}.p`;
  const inbox = `_INBOX.ack.${spec.id}`;
  const window = Math.max(64, Math.floor(IN_FLIGHT_BYTES_MAX / value.byteLength));
  let sent = 0;
  let acked = 0;
  let ackErrors = 0;
  return new Promise((resolve) => {
    const pump = () => {
      if (performance.now() > stopAt) count = sent; // time box reached: wait only for what is in flight
      while (sent < count && sent - acked < window && !conn.writer.backlogged) {
        conn.pub(subject, inbox, value);
        sent++;
      }
      conn.writer.flush();
    };
    conn.onMsg = (m) => {
      if (m.sid !== ACK_SID) return;
      acked++;
      if (m.payload[2] === 101 /* '{"e' of {"error":...} */) ackErrors++;
    };
    conn.onChunkDone = () => {
      pump();
      if (acked >= count) resolve({ ackErrors, records: acked });
    };
    conn.onDrain = pump;
    conn.sub(inbox, ACK_SID);
    pump();
  });
}

async function produce(): Promise<object> {
  const conn = await NatsConn.open(spec.port);
  await ensureStream(conn);
  const value = new Uint8Array(spec.size).fill(120);
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { ackErrors, records } = await deadline(publishAll(conn, spec.count, value, spec.durationMsMax), spec.timeoutMs, "nats produce");
  const elapsedS = (performance.now() - t0) / 1000;
  if (ackErrors || conn.errors.length) throw new Error(`nats produce: ${ackErrors} ack errors, ${conn.errors.join("; ")}`);
  conn.close();
  return { records, bytes: records * spec.size, elapsedS, cpuS: cpuSince(c0) };
}

/** Keeps two pull requests outstanding on a durable pull consumer; `onRecord` sees each record's payload. */
async function pullConsumer(conn: NatsConn, durable: string, count: number, onRecord: (payload: Uint8Array) => void): Promise<void> {
  const created = await conn.request(`$JS.API.CONSUMER.DURABLE.CREATE.${spec.stream}.${durable}`, JSON.stringify({
    stream_name: spec.stream,
    config: { durable_name: durable, ack_policy: "none", deliver_policy: "all", replay_policy: "instant", max_waiting: 64 },
  }));
  if (created.includes('"error"')) throw new Error(`consumer create: ${created}`);
  const batch = Math.min(PULL_BATCH_MAX, count);
  const inbox = `_INBOX.pull.${spec.id}`;
  const next = `$JS.API.CONSUMER.MSG.NEXT.${spec.stream}.${durable}`;
  const body = new TextEncoder().encode(JSON.stringify({ batch, expires: PULL_EXPIRES_NS }));
  let requested = 0;
  let received = 0;
  const request = () => {
    while (requested < count && requested - received < 2 * batch) {
      conn.pub(next, inbox, body);
      requested += batch;
    }
    conn.writer.flush();
  };
  return new Promise<void>((resolve) => {
    conn.onMsg = (m) => {
      if (m.sid !== PULL_SID || (m.headerBytes && m.payload.byteLength === 0)) return; // status (404/408) messages
      received++;
      onRecord(m.payload);
    };
    conn.onChunkDone = () => (received >= count ? resolve() : request());
    conn.sub(inbox, PULL_SID);
    request();
  });
}

async function consume(): Promise<object> {
  const conn = await NatsConn.open(spec.port);
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  await deadline(pullConsumer(conn, `c${spec.id}`, spec.count, (p) => (bytes += p.byteLength)), spec.timeoutMs, "nats consume");
  const elapsedS = (performance.now() - t0) / 1000;
  conn.close();
  return { records: spec.count, bytes, elapsedS, cpuS: cpuSince(c0) };
}

async function latency(): Promise<object> {
  const total = Math.floor((spec.rate * spec.durationMs) / 1000);
  const pubConn = await NatsConn.open(spec.port);
  await ensureStream(pubConn);
  const subConn = await NatsConn.open(spec.port);
  const samples = new Float64Array(total);
  let received = 0;
  const consumed = pullConsumer(subConn, `lat${spec.id}`, total, (p) => {
    if (received < total) samples[received++] = performance.now() - readStamp(p, 0);
  });
  await subConn.ping();
  let acked = 0;
  pubConn.onMsg = (m) => void (m.sid === ACK_SID && acked++);
  pubConn.sub(`_INBOX.ack.${spec.id}`, ACK_SID);
  await readyAndWait();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = new Uint8Array(spec.size).fill(120);
  let sent = 0;
  for (let tick = 0; sent < total && tick < spec.timeoutMs; tick++) {
    const due = dueCount(t0, spec.rate, total);
    for (; sent < due; sent++) {
      stampInto(value, performance.now());
      pubConn.pub(`${spec.stream}.p`, `_INBOX.ack.${spec.id}`, value);
    }
    pubConn.writer.flush();
    await Bun.sleep(1);
  }
  await deadline(consumed, spec.timeoutMs, "nats latency consume");
  const elapsedS = (performance.now() - t0) / 1000;
  await pubConn.ping();
  if (acked < sent) await Bun.sleep(500);
  pubConn.close();
  subConn.close();
  return { records: sent, received, acked, elapsedS, cpuS: cpuSince(c0), ...latencySummary(samples.subarray(0, received)) };
}

async function cold(): Promise<object> {
  await readyAndWait();
  const t0 = performance.now();
  const conn = await NatsConn.open(spec.port);
  await ensureStream(conn);
  const { ackErrors } = await deadline(publishAll(conn, 1, new Uint8Array([120])), spec.timeoutMs, "nats cold");
  if (ackErrors) throw new Error("nats cold: ack error");
  conn.close();
  return { firstProduceMs: performance.now() - t0 };
}

const ops = { produce, consume, latency, cold };
console.log(JSON.stringify(await ops[spec.op]()));
process.exit(0);
