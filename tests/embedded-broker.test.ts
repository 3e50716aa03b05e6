/**
 * The in-process broker from mod.ts: starts on an ephemeral port, advertises exactly what its handler
 * registry implements, keeps topics and records across a restart on the same data dir.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HANDLERS } from "../broker/registry.ts";
import { startBroker } from "../mod.ts";
import { encodeRecordBatch, decodeRecordBatches } from "../protocol/record-batch.ts";
import { RawConn } from "./helpers/raw-kafka.ts";

const dir = mkdtempSync(join(tmpdir(), "sb-embedded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const portOf = (bootstrap: string) => Number(bootstrap.split(":")[1]);

test("ApiVersions advertises exactly the handler registry", async () => {
  const broker = await startBroker({ dataDir: join(dir, "a") });
  try {
    const c = await RawConn.open(portOf(broker.bootstrap));
    const r = await c.request(18, 3, { clientSoftwareName: "t", clientSoftwareVersion: "1" });
    const got = (r.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[]).map((a) => [a.apiKey, a.minVersion, a.maxVersion]).sort((x, y) => x[0]! - y[0]!);
    const want = HANDLERS.map((h) => [h.api.apiKey, h.minVersion, h.maxVersion]).sort((x, y) => x[0]! - y[0]!);
    expect(got).toEqual(want);
    c.close();
  } finally {
    await broker.close();
  }
});

test("produce, fetch, restart: records and topics survive a clean restart", async () => {
  const dataDir = join(dir, "b");
  let broker = await startBroker({ dataDir });
  const values = Array.from({ length: 50 }, (_, i) => `value-${i}`);
  try {
    const c = await RawConn.open(portOf(broker.bootstrap));
    const created = await c.request(19, 5, { topics: [{ name: "emb", numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: "retention.ms", value: "3600000" }] }], timeoutMs: 5000, validateOnly: false });
    expect((created.topics as { errorCode: number }[])[0]!.errorCode).toBe(0);
    const batch = encodeRecordBatch({ compression: "zstd", records: values.map((v) => ({ key: null, value: new TextEncoder().encode(v) })) });
    const p = await c.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: "emb", partitionData: [{ index: 1, records: batch }] }] }, 2);
    const pr = (p.responses as { partitionResponses: { errorCode: number; baseOffset: bigint }[] }[])[0]!.partitionResponses[0]!;
    expect(pr).toMatchObject({ errorCode: 0, baseOffset: 0n });
    c.close();
  } finally {
    await broker.close();
  }
  broker = await startBroker({ dataDir });
  try {
    const c = await RawConn.open(portOf(broker.bootstrap));
    const f = await c.request(1, 11, {
      replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: "emb", partitions: [{ partition: 1, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: "",
    });
    const part = (f.responses as { partitions: { errorCode: number; highWatermark: bigint; records: Uint8Array }[] }[])[0]!.partitions[0]!;
    expect(part.errorCode).toBe(0);
    expect(part.highWatermark).toBe(50n);
    const batches = decodeRecordBatches(part.records);
    expect(batches.flatMap((b) => b.records.map((r) => new TextDecoder().decode(r.value!)))).toEqual(values);
    const cfg = await c.request(32, 1, { resources: [{ resourceType: 2, resourceName: "emb", configurationKeys: ["retention.ms"] }], includeSynonyms: false }, 2);
    expect((cfg.results as { configs: { value: string }[] }[])[0]!.configs[0]!.value).toBe("3600000");
    c.close();
  } finally {
    await broker.close();
  }
});

test("a long-poll fetch wakes when data arrives", async () => {
  const broker = await startBroker({ dataDir: join(dir, "c") });
  try {
    const admin = await RawConn.open(portOf(broker.bootstrap));
    await admin.request(19, 5, { topics: [{ name: "lp", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const fetcher = await RawConn.open(portOf(broker.bootstrap));
    const started = Date.now();
    const pending = fetcher.request(1, 11, {
      replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: "lp", partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: "",
    });
    await Bun.sleep(200);
    const batch = encodeRecordBatch({ compression: "none", records: [{ key: null, value: new Uint8Array([42]) }] });
    await admin.request(0, 8, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: "lp", partitionData: [{ index: 0, records: batch }] }] }, 2);
    const f = await pending;
    const waited = Date.now() - started;
    const part = (f.responses as { partitions: { records: Uint8Array }[] }[])[0]!.partitions[0]!;
    expect(part.records.length).toBeGreaterThan(0);
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(4000);
    admin.close();
    fetcher.close();
  } finally {
    await broker.close();
  }
});

test("altered topic configs reach the open log: lowering retention.bytes deletes old segments", async () => {
  const broker = await startBroker({ dataDir: join(dir, "d"), set: { "log.retentionCheckIntervalMs": 200 } });
  try {
    const c = await RawConn.open(portOf(broker.bootstrap));
    await c.request(19, 5, { topics: [{ name: "ret", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: "segment.bytes", value: "65536" }] }], timeoutMs: 5000, validateOnly: false });
    const value = new Uint8Array(1000).fill(7);
    for (let i = 0; i < 40; i++) {
      const batch = encodeRecordBatch({ compression: "none", records: Array.from({ length: 10 }, () => ({ key: null, value })) });
      await c.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: "ret", partitionData: [{ index: 0, records: batch }] }] }, 100 + i);
    }
    const earliest = async () => {
      const r = await c.request(2, 1, { replicaId: -1, topics: [{ name: "ret", partitions: [{ partitionIndex: 0, timestamp: -2n }] }] }, 7);
      return (r.topics as { partitions: { offset: bigint }[] }[])[0]!.partitions[0]!.offset;
    };
    expect(await earliest()).toBe(0n);
    const alter = await c.request(44, 0, { resources: [{ resourceType: 2, resourceName: "ret", configs: [{ name: "retention.bytes", configOperation: 0, value: "70000" }] }], validateOnly: false }, 8);
    expect((alter.responses as { errorCode: number }[])[0]!.errorCode).toBe(0);
    let start = 0n;
    for (let i = 0; i < 50 && start === 0n; i++) {
      await Bun.sleep(100);
      start = await earliest();
    }
    expect(start).toBeGreaterThan(0n);
    c.close();
  } finally {
    await broker.close();
  }
});

test("a fetch or list-offsets from a newer leader epoch than the broker's gets UNKNOWN_LEADER_EPOCH", async () => {
  const broker = await startBroker({ dataDir: join(dir, "e") });
  try {
    const c = await RawConn.open(portOf(broker.bootstrap));
    await c.request(19, 5, { topics: [{ name: "ep", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const f = await c.request(1, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: "ep", partitions: [{ partition: 0, currentLeaderEpoch: 7, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: "",
    }, 2);
    expect((f.responses as { partitions: { errorCode: number }[] }[])[0]!.partitions[0]!.errorCode).toBe(75);
    const lo = await c.request(2, 4, { replicaId: -1, isolationLevel: 0, topics: [{ name: "ep", partitions: [{ partitionIndex: 0, currentLeaderEpoch: 7, timestamp: -1n }] }] }, 3);
    expect((lo.topics as { partitions: { errorCode: number }[] }[])[0]!.partitions[0]!.errorCode).toBe(75);
    const ok = await c.request(2, 4, { replicaId: -1, isolationLevel: 0, topics: [{ name: "ep", partitions: [{ partitionIndex: 0, currentLeaderEpoch: 0, timestamp: -1n }] }] }, 4);
    expect((ok.topics as { partitions: { errorCode: number }[] }[])[0]!.partitions[0]!.errorCode).toBe(0);
    c.close();
  } finally {
    await broker.close();
  }
});
