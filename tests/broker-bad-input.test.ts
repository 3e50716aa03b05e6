/**
 * Bad input against a running broker process: each case gets a Kafka error code or a closed
 * connection, the broker keeps serving other clients, and its RSS stays bounded.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { encodeRecordBatch } from "../protocol/record-batch.ts";
import { type BrokerProcess, removeDir, startBrokerProcess } from "./helpers/broker-process.ts";
import { RawConn } from "./helpers/raw-kafka.ts";

let broker: BrokerProcess;
const MAX_FRAME = 1024 * 1024;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** The broker still answers a normal client: ApiVersions then Metadata. */
async function stillServing(): Promise<void> {
  const c = await RawConn.open(broker.port);
  const av = await c.request(18, 3, { clientSoftwareName: "t", clientSoftwareVersion: "1" });
  expect(av.errorCode).toBe(0);
  const md = await c.request(3, 1, { topics: null }, 2);
  expect((md.brokers as unknown[]).length).toBe(1);
  c.close();
}

function lengthPrefixed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

beforeAll(async () => {
  broker = await startBrokerProcess({ args: ["--set", `limits.maxFrameBytes=${MAX_FRAME}`] });
  const c = await RawConn.open(broker.port);
  const r = await c.request(19, 4, { topics: [{ name: "bad", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect((r.topics as { errorCode: number }[])[0]!.errorCode).toBe(0);
  c.close();
}, 30_000);

afterAll(async () => {
  if (broker) {
    expect(await broker.stop()).toBe(0);
    removeDir(broker.dataDir);
  }
});

describe("bad input", () => {
  test("a frame over maxFrameBytes closes the connection", async () => {
    const c = await RawConn.open(broker.port);
    const hdr = new Uint8Array(4);
    new DataView(hdr.buffer).setInt32(0, MAX_FRAME + 1);
    c.write(hdr);
    expect(await c.waitClosed()).toBe(true);
    await stillServing();
  });

  test.each([-1, -2147483648, 2147483647])("length prefix %p closes the connection", async (len) => {
    const c = await RawConn.open(broker.port);
    const hdr = new Uint8Array(4);
    new DataView(hdr.buffer).setInt32(0, len);
    c.write(hdr);
    expect(await c.waitClosed()).toBe(true);
    await stillServing();
  });

  test("garbage bytes close the connection", async () => {
    const c = await RawConn.open(broker.port);
    const junk = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
    c.write(lengthPrefixed(junk));
    expect(await c.waitClosed()).toBe(true);
    await stillServing();
  });

  test("an unknown ApiVersions version gets UNSUPPORTED_VERSION with the supported list", async () => {
    const c = await RawConn.open(broker.port);
    // ApiVersions v99 request header (v1 layout): apiKey 18, version 99, correlation 7, clientId null.
    const body = new Uint8Array([0, 18, 0, 99, 0, 0, 0, 7, 0xff, 0xff]);
    c.write(lengthPrefixed(body));
    const frame = await c.readFrame();
    expect(frame).not.toBeNull();
    const dv = new DataView(frame!.buffer, frame!.byteOffset);
    expect(dv.getInt32(0)).toBe(7); // correlation id
    expect(dv.getInt16(4)).toBe(35); // UNSUPPORTED_VERSION
    c.close();
  });

  test("an unknown API key closes the connection", async () => {
    const c = await RawConn.open(broker.port);
    c.write(lengthPrefixed(new Uint8Array([0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0xff, 0xff])));
    expect(await c.waitClosed()).toBe(true);
    await stillServing();
  });

  test("a truncated request then a disconnect does not disturb the broker", async () => {
    const c = await RawConn.open(broker.port);
    const hdr = new Uint8Array(4 + 10);
    new DataView(hdr.buffer).setInt32(0, 1000);
    c.write(hdr);
    c.close();
    await stillServing();
  });

  test("a produce with a bad CRC gets CORRUPT_MESSAGE and stores nothing", async () => {
    const c = await RawConn.open(broker.port);
    const batch = encodeRecordBatch({ compression: "none", records: [{ key: null, value: new TextEncoder().encode("hello") }] });
    batch[batch.length - 1]! ^= 0xff;
    const r = await c.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: "bad", partitionData: [{ index: 0, records: batch }] }] });
    const p = (r.responses as { partitionResponses: { errorCode: number }[] }[])[0]!.partitionResponses[0]!;
    expect(p.errorCode).toBe(2);
    const lo = await c.request(2, 1, { replicaId: -1, topics: [{ name: "bad", partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }, 2);
    expect((lo.topics as { partitions: { offset: bigint }[] }[])[0]!.partitions[0]!.offset).toBe(0n);
    c.close();
  });

  test("a produce to an unknown topic gets UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const c = await RawConn.open(broker.port);
    const batch = encodeRecordBatch({ compression: "none", records: [{ key: null, value: new Uint8Array([1]) }] });
    const r = await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: "nope", partitionData: [{ index: 0, records: batch }] }] });
    expect((r.responses as { partitionResponses: { errorCode: number }[] }[])[0]!.partitionResponses[0]!.errorCode).toBe(3);
    c.close();
  });

  test("1,000 idle connections: the broker keeps serving and its RSS stays bounded", async () => {
    const before = rssBytes(broker.proc.pid);
    const conns: RawConn[] = [];
    for (let i = 0; i < 1000; i++) conns.push(await RawConn.open(broker.port));
    await stillServing();
    const during = rssBytes(broker.proc.pid);
    for (const c of conns) c.close();
    console.log(`broker RSS: ${(before / 2 ** 20).toFixed(1)} MiB before, ${(during / 2 ** 20).toFixed(1)} MiB with 1,000 idle connections`);
    expect(during - before).toBeLessThan(64 * 2 ** 20);
  }, 30_000);
});
