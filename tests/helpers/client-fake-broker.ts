/**
 * A tiny in-process fake Kafka broker for SDK tests (node:net on 127.0.0.1:0). One node, in-memory
 * topics, the APIs the SDK uses: ApiVersions, Metadata, Produce (assigns offsets), Fetch (long-poll,
 * optional truncated tail), ListOffsets, CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs,
 * IncrementalAlterConfigs, DeleteRecords, and DescribeCluster when enabled. Faults are injected per API.
 * It is a test double, not a broker: no persistence, replication or auth.
 */
import * as net from "node:net";
import { API_LIST } from "../../protocol/apis.ts";
import { readBatchHeader, rewriteBatchOffsets } from "../../protocol/batch-header.ts";
import { decodeRequest, encodeResponse, type Body } from "../../protocol/envelope.ts";
import { FrameSplitter } from "../../protocol/frame.ts";
import { decodeRecordBatch } from "../../protocol/record-batch.ts";

interface FakePartition {
  batches: { baseOffset: bigint; lastOffset: bigint; maxTimestamp: bigint; bytes: Uint8Array }[];
  logStartOffset: bigint;
  nextOffset: bigint;
}

interface FakeTopic {
  name: string;
  topicId: string;
  partitions: FakePartition[];
  configs: Map<string, string>;
}

export interface FakeBrokerOptions {
  /** Advertise DescribeCluster (default false, so admin's Metadata fallback is exercised). */
  describeCluster?: boolean;
  /** Cut the last batch of every non-empty Fetch partition short by this many bytes (partial trailing batch). */
  truncateFetchTailBytes?: number;
}

/** A running fake broker. */
export interface FakeBroker {
  bootstrap: string;
  port: number;
  topics: Map<string, FakeTopic>;
  /** Requests received, by API name. */
  requestCounts: Map<string, number>;
  createTopic(name: string, partitionCount: number): void;
  /** The next `count` Produce (or Fetch) partition results get this Kafka error code. */
  failNext(api: "Produce" | "Fetch" | "Metadata", kafkaErrorCode: number, count?: number): void;
  /** Drops every open client connection (simulates a broker restart). */
  dropConnections(): void;
  close(): Promise<void>;
}

const NAMES = new Map(API_LIST.map((a) => [a.apiKey, a.name]));
const HANDLED = ["ApiVersions", "Metadata", "Produce", "Fetch", "ListOffsets", "CreateTopics", "DeleteTopics", "CreatePartitions",
  "DescribeConfigs", "IncrementalAlterConfigs", "DeleteRecords", "DescribeCluster"];

function newPartition(): FakePartition {
  return { batches: [], logStartOffset: 0n, nextOffset: 0n };
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeBroker(opts: FakeBrokerOptions = {}): Promise<FakeBroker> {
  const topics = new Map<string, FakeTopic>();
  const faults = new Map<string, { code: number; count: number }>();
  const requestCounts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  let port = 0;
  let nextTopicId = 1;

  function createTopic(name: string, partitionCount: number): void {
    const id = new Uint8Array(16);
    id[15] = nextTopicId++;
    topics.set(name, {
      name, topicId: Buffer.from(id).toString("base64url"), configs: new Map(),
      partitions: Array.from({ length: partitionCount }, newPartition),
    });
  }

  function takeFault(api: string): number {
    const f = faults.get(api);
    if (!f || f.count <= 0) return 0;
    f.count--;
    return f.code;
  }

  function metadata(body: Body): Body {
    const fault = takeFault("Metadata");
    const wanted = body.topics === null ? [...topics.keys()] : (body.topics as { name: string }[]).map((t) => t.name);
    return {
      brokers: [{ nodeId: 1, host: "127.0.0.1", port, rack: null }], clusterId: "fake-cluster", controllerId: 1,
      topics: wanted.map((name) => {
        const t = topics.get(name);
        if (!t) return { errorCode: 3, name, isInternal: false, partitions: [] };
        return {
          errorCode: 0, name, topicId: t.topicId, isInternal: false,
          partitions: t.partitions.map((_, i) => ({
            errorCode: 0, partitionIndex: i, leaderId: fault === 5 ? -1 : 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [],
          })),
        };
      }),
    };
  }

  function produce(body: Body): Body {
    const topicData = body.topicData as { name: string; partitionData: { index: number; records: Uint8Array | null }[] }[];
    return {
      responses: topicData.map((td) => ({
        name: td.name,
        partitionResponses: td.partitionData.map((pd) => {
          const fault = takeFault("Produce");
          const p = topics.get(td.name)?.partitions[pd.index];
          if (fault) return { index: pd.index, errorCode: fault, baseOffset: -1n };
          if (!p) return { index: pd.index, errorCode: 3, baseOffset: -1n };
          const bytes = pd.records!;
          const base = p.nextOffset;
          let pos = 0;
          while (pos < bytes.length) {
            const h = readBatchHeader(bytes, pos);
            const copy = bytes.slice(pos, pos + h.sizeBytes);
            rewriteBatchOffsets(copy, 0, p.nextOffset, 0);
            p.batches.push({ baseOffset: p.nextOffset, lastOffset: p.nextOffset + BigInt(h.lastOffsetDelta), maxTimestamp: h.maxTimestamp, bytes: copy });
            p.nextOffset += BigInt(h.lastOffsetDelta + 1);
            pos += h.sizeBytes;
          }
          return { index: pd.index, errorCode: 0, baseOffset: base, logStartOffset: p.logStartOffset };
        }),
      })),
    };
  }

  function fetchPartition(name: string, req: { partition: number; fetchOffset: bigint; partitionMaxBytes: number }): Body {
    const fault = takeFault("Fetch");
    const p = topics.get(name)?.partitions[req.partition];
    const base = { partitionIndex: req.partition, highWatermark: p?.nextOffset ?? -1n, lastStableOffset: p?.nextOffset ?? -1n, logStartOffset: p?.logStartOffset ?? -1n, abortedTransactions: null };
    if (fault) return { ...base, errorCode: fault, records: null };
    if (!p) return { ...base, errorCode: 3, records: null };
    if (req.fetchOffset < p.logStartOffset || req.fetchOffset > p.nextOffset) return { ...base, errorCode: 1, records: null };
    const parts: Uint8Array[] = [];
    let bytes = 0;
    for (const b of p.batches) {
      if (b.lastOffset < req.fetchOffset) continue;
      if (parts.length > 0 && bytes + b.bytes.length > req.partitionMaxBytes) break;
      parts.push(b.bytes);
      bytes += b.bytes.length;
    }
    let records = Buffer.concat(parts);
    const cut = opts.truncateFetchTailBytes ?? 0;
    if (cut > 0 && parts.length > 1) records = records.subarray(0, records.length - cut);
    return { ...base, errorCode: 0, records: new Uint8Array(records) };
  }

  async function fetch(body: Body): Promise<Body> {
    const reqTopics = body.topics as { topic: string; partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[] }[];
    const deadline = Date.now() + (body.maxWaitMs as number);
    for (;;) {
      const responses = reqTopics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => fetchPartition(t.topic, p)) }));
      const total = responses.reduce((n, t) => n + t.partitions.reduce((m, p) => m + ((p.records as Uint8Array | null)?.length ?? 0) + (p.errorCode ? 1 : 0), 0), 0);
      if (total >= (body.minBytes as number) && total > 0 || Date.now() >= deadline) return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  function listOffsets(body: Body): Body {
    const reqTopics = body.topics as { name: string; partitions: { partitionIndex: number; timestamp: bigint }[] }[];
    return {
      topics: reqTopics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((rp) => {
          const p = topics.get(t.name)?.partitions[rp.partitionIndex];
          if (!p) return { partitionIndex: rp.partitionIndex, errorCode: 3, timestamp: -1n, offset: -1n };
          if (rp.timestamp === -2n) return { partitionIndex: rp.partitionIndex, errorCode: 0, timestamp: -1n, offset: p.logStartOffset };
          if (rp.timestamp === -1n) return { partitionIndex: rp.partitionIndex, errorCode: 0, timestamp: -1n, offset: p.nextOffset };
          for (const b of p.batches) {
            if (b.maxTimestamp < rp.timestamp) continue;
            const rec = decodeRecordBatch(b.bytes).records.find((r) => r.timestamp >= rp.timestamp && r.offset >= p.logStartOffset);
            if (rec) return { partitionIndex: rp.partitionIndex, errorCode: 0, timestamp: rec.timestamp, offset: rec.offset };
          }
          return { partitionIndex: rp.partitionIndex, errorCode: 0, timestamp: -1n, offset: -1n };
        }),
      })),
    };
  }

  async function handle(name: string, body: Body): Promise<Body> {
    switch (name) {
      case "ApiVersions":
        return {
          errorCode: 0, throttleTimeMs: 0,
          apiKeys: API_LIST.filter((a) => HANDLED.includes(a.name) && (a.name !== "DescribeCluster" || opts.describeCluster))
            .map((a) => ({ apiKey: a.apiKey, minVersion: a.validVersions.min, maxVersion: a.name === "Fetch" ? 12 : a.validVersions.max })),
        };
      case "Metadata": return metadata(body);
      case "Produce": return produce(body);
      case "Fetch": return fetch(body);
      case "ListOffsets": return listOffsets(body);
      case "CreateTopics":
        return {
          topics: (body.topics as { name: string; numPartitions: number; configs: { name: string; value: string | null }[] }[]).map((t) => {
            if (topics.has(t.name)) return { name: t.name, errorCode: 36, errorMessage: "exists" };
            createTopic(t.name, t.numPartitions < 0 ? 1 : t.numPartitions);
            for (const c of t.configs) if (c.value !== null) topics.get(t.name)!.configs.set(c.name, c.value);
            return { name: t.name, errorCode: 0, errorMessage: null, numPartitions: t.numPartitions, replicationFactor: 1, configs: null };
          }),
        };
      case "DeleteTopics":
        return { responses: (body.topicNames as string[]).map((n) => ({ name: n, errorCode: topics.delete(n) ? 0 : 3 })) };
      case "CreatePartitions":
        return {
          results: (body.topics as { name: string; count: number }[]).map((t) => {
            const topic = topics.get(t.name);
            if (!topic) return { name: t.name, errorCode: 3, errorMessage: null };
            if (t.count <= topic.partitions.length) return { name: t.name, errorCode: 37, errorMessage: "must grow" };
            while (topic.partitions.length < t.count) topic.partitions.push(newPartition());
            return { name: t.name, errorCode: 0, errorMessage: null };
          }),
        };
      case "DescribeConfigs":
        return {
          results: (body.resources as { resourceType: number; resourceName: string }[]).map((r) => {
            const t = topics.get(r.resourceName);
            if (!t) return { errorCode: 3, errorMessage: "unknown", resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
            return {
              errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName,
              configs: [...t.configs].map(([name, value]) => ({ name, value, readOnly: false, isSensitive: false, configSource: 1, synonyms: [], documentation: null })),
            };
          }),
        };
      case "IncrementalAlterConfigs":
        return {
          responses: (body.resources as { resourceType: number; resourceName: string; configs: { name: string; configOperation: number; value: string | null }[] }[]).map((r) => {
            const t = topics.get(r.resourceName);
            if (!t) return { errorCode: 3, errorMessage: "unknown", resourceType: r.resourceType, resourceName: r.resourceName };
            for (const c of r.configs) {
              if (c.configOperation === 0 && c.value !== null) t.configs.set(c.name, c.value);
              else if (c.configOperation === 1) t.configs.delete(c.name);
            }
            return { errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName };
          }),
        };
      case "DeleteRecords":
        return {
          topics: (body.topics as { name: string; partitions: { partitionIndex: number; offset: bigint }[] }[]).map((t) => ({
            name: t.name,
            partitions: t.partitions.map((rp) => {
              const p = topics.get(t.name)?.partitions[rp.partitionIndex];
              if (!p) return { partitionIndex: rp.partitionIndex, lowWatermark: -1n, errorCode: 3 };
              const target = rp.offset === -1n ? p.nextOffset : rp.offset;
              if (target > p.nextOffset) return { partitionIndex: rp.partitionIndex, lowWatermark: -1n, errorCode: 1 };
              if (target > p.logStartOffset) p.logStartOffset = target;
              p.batches = p.batches.filter((b) => b.lastOffset >= p.logStartOffset);
              return { partitionIndex: rp.partitionIndex, lowWatermark: p.logStartOffset, errorCode: 0 };
            }),
          })),
        };
      case "DescribeCluster":
        return { errorCode: 0, clusterId: "fake-cluster", controllerId: 1, brokers: [{ brokerId: 1, host: "127.0.0.1", port, rack: null }] };
      default:
        throw new Error(`fake broker does not handle ${name}`);
    }
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const splitter = new FrameSplitter(100 * 1024 * 1024);
    // Responses go back in request order even when a long-poll fetch is still waiting.
    let chain = Promise.resolve();
    socket.on("data", (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        const req = decodeRequest(frame);
        const name = NAMES.get(req.apiKey)!;
        requestCounts.set(name, (requestCounts.get(name) ?? 0) + 1);
        const acks = name === "Produce" ? (req.body.acks as number) : 1;
        const result = handle(name, req.body);
        chain = chain.then(async () => {
          const body = await result;
          if (acks === 0 || socket.destroyed) return;
          socket.write(encodeResponse({ correlationId: req.header.correlationId }, req.apiKey, req.apiVersion, body));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    topics,
    requestCounts,
    createTopic,
    failNext(api, kafkaErrorCode, count = 1) {
      faults.set(api, { code: kafkaErrorCode, count });
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
