/**
 * Cluster administration over the Kafka protocol: topics, partitions, configs, offsets, records, cluster.
 * Per-item failures (one topic of several) are collected and thrown as one error naming every failure.
 */
import { StreamBusError, errorCodeFromKafka, type ErrorCode } from "../protocol/errors.ts";
import type { Cluster } from "./cluster.ts";
import type { BrokerInfo, PartitionInfo } from "./metadata.ts";
import { listOffsets, tpKey, type OffsetResult, type OffsetSpec } from "./offsets.ts";
import type { TopicPartition } from "./types.ts";
import * as groups from "./group/group-admin.ts";
import type { PartitionOffset } from "./group/offsets-committer.ts";

/** A topic to create. */
export interface NewTopic {
  name: string;
  /** Default: the broker's num.partitions (-1 asks for it). */
  partitions?: number;
  /** Default: the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/** A topic as describeTopics reports it. */
export interface TopicDescription {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: (PartitionInfo & { earliestOffset: bigint; latestOffset: bigint })[];
}

/** The cluster as describeCluster reports it. */
export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerInfo[];
}

/** One config entry. */
export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  isSensitive: boolean;
}

/** Kafka's config resource type for topics. */
const TOPIC_RESOURCE = 2;
const BROKER_RESOURCE = 4;
/** IncrementalAlterConfigs operations. */
const OP_SET = 0;
const OP_DELETE = 1;
/** DescribeConfigs configSource 5 is DEFAULT_CONFIG. */
const DEFAULT_CONFIG_SOURCE = 5;

function itemError(kind: string, name: string, code: ErrorCode, message: string | null): StreamBusError {
  return new StreamBusError(code, `${kind} "${name}": ${message ?? code}`, { [kind]: name });
}

/** Throws the single failure as is, or PARTIAL_FAILURE listing them all. */
function throwFailures(failures: StreamBusError[]): void {
  if (failures.length === 0) return;
  if (failures.length === 1) throw failures[0];
  throw new StreamBusError("PARTIAL_FAILURE", failures.map((f) => f.message).join("; "), { failures: failures.map((f) => f.toJSON()) });
}

/**
 * @example
 * const admin = bus.admin();
 * await admin.createTopics([{ name: "orders", partitions: 3, configs: { "retention.ms": "86400000" } }]);
 * console.log(await admin.listTopics());
 */
export class Admin {
  readonly #cluster: Cluster;
  readonly #timeoutMs: number;

  constructor(cluster: Cluster, opts: { timeoutMs?: number } = {}) {
    this.#cluster = cluster;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** The controller if metadata names one (Kafka requires it for topic changes before KRaft forwarding), else any broker. */
  async #controller(): Promise<number | "any"> {
    if (this.#cluster.metadata.controllerId < 0) await this.#cluster.refreshMetadata();
    const id = this.#cluster.metadata.controllerId;
    return id >= 0 && this.#cluster.metadata.broker(id) ? id : "any";
  }

  /** Creates topics; waits until their metadata is visible. Fails with TOPIC_ALREADY_EXISTS etc. */
  async createTopics(topics: readonly NewTopic[], opts: { validateOnly?: boolean } = {}): Promise<void> {
    const res = await this.#cluster.request(await this.#controller(), "CreateTopics", {
      timeoutMs: this.#timeoutMs, validateOnly: opts.validateOnly ?? false,
      topics: topics.map((t) => ({
        name: t.name, numPartitions: t.partitions ?? -1, replicationFactor: t.replicationFactor ?? -1, assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    const failures: StreamBusError[] = [];
    for (const t of res.topics) {
      const code = errorCodeFromKafka(t.errorCode);
      if (code !== null) failures.push(itemError("topic", t.name, code, t.errorMessage));
    }
    throwFailures(failures);
    if (!opts.validateOnly) for (const t of topics) await this.#cluster.topic(t.name);
  }

  /** Topic names (internal topics left out unless asked for), sorted. */
  async listTopics(opts: { includeInternal?: boolean } = {}): Promise<string[]> {
    const md = await this.#cluster.allTopics();
    return md.topics
      .filter((t) => t.name !== null && t.errorCode === 0 && (opts.includeInternal || !t.isInternal))
      .map((t) => t.name!)
      .sort();
  }

  /** Partitions, leaders, replicas and earliest/latest offsets of each topic. */
  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    await this.#cluster.refreshMetadata(names);
    const infos = await Promise.all(names.map((n) => this.#cluster.topic(n)));
    const tps = infos.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    const [earliest, latest] = tps.length === 0 ? [[], []] : await Promise.all([
      this.listOffsets(tps.map((tp) => ({ ...tp, spec: "earliest" as const }))),
      this.listOffsets(tps.map((tp) => ({ ...tp, spec: "latest" as const }))),
    ]);
    const e = new Map(earliest.map((r) => [tpKey(r.topic, r.partition), r.offset]));
    const l = new Map(latest.map((r) => [tpKey(r.topic, r.partition), r.offset]));
    return infos.map((t) => ({
      name: t.name, topicId: t.topicId, isInternal: t.isInternal,
      partitions: t.partitions.map((p) => ({ ...p, earliestOffset: e.get(tpKey(t.name, p.partition))!, latestOffset: l.get(tpKey(t.name, p.partition))! })),
    }));
  }

  /** Deletes topics. */
  async deleteTopics(names: readonly string[]): Promise<void> {
    const res = await this.#cluster.request(await this.#controller(), "DeleteTopics", { topicNames: [...names], timeoutMs: this.#timeoutMs });
    const failures: StreamBusError[] = [];
    for (const r of res.responses) {
      const code = errorCodeFromKafka(r.errorCode);
      if (code !== null) failures.push(itemError("topic", r.name ?? "?", code, r.errorMessage));
    }
    for (const n of names) this.#cluster.metadata.forget(n);
    throwFailures(failures);
  }

  /** Grows topics to `count` partitions each. */
  async createPartitions(increases: readonly { topic: string; count: number }[]): Promise<void> {
    const res = await this.#cluster.request(await this.#controller(), "CreatePartitions", {
      timeoutMs: this.#timeoutMs, validateOnly: false,
      topics: increases.map((i) => ({ name: i.topic, count: i.count, assignments: null })),
    });
    const failures: StreamBusError[] = [];
    for (const r of res.results) {
      const code = errorCodeFromKafka(r.errorCode);
      if (code !== null) failures.push(itemError("topic", r.name, code, r.errorMessage));
    }
    throwFailures(failures);
    await this.#cluster.refreshMetadata(increases.map((i) => i.topic));
  }

  /** Config entries of a topic (or a broker, by node id as a string). */
  async describeConfigs(resource: { topic: string } | { broker: string }, keys?: readonly string[]): Promise<ConfigEntry[]> {
    const isTopic = "topic" in resource;
    const name = isTopic ? resource.topic : resource.broker;
    const res = await this.#cluster.request(isTopic ? "any" : Number(name), "DescribeConfigs", {
      resources: [{ resourceType: isTopic ? TOPIC_RESOURCE : BROKER_RESOURCE, resourceName: name, configurationKeys: keys ? [...keys] : null }],
      includeSynonyms: false, includeDocumentation: false,
    });
    const r = res.results[0];
    if (!r) throw new StreamBusError("UNKNOWN_SERVER_ERROR", "DescribeConfigs returned no result");
    const code = errorCodeFromKafka(r.errorCode);
    if (code !== null) throw itemError(isTopic ? "topic" : "broker", name, code, r.errorMessage);
    return r.configs.map((c) => ({
      name: c.name, value: c.value, readOnly: c.readOnly, isSensitive: c.isSensitive,
      isDefault: c.isDefault || c.configSource === DEFAULT_CONFIG_SOURCE,
    }));
  }

  /** Sets (string) or removes (null) topic configs, leaving the others untouched (IncrementalAlterConfigs). */
  async alterConfigs(topic: string, changes: Record<string, string | null>): Promise<void> {
    const res = await this.#cluster.request(await this.#controller(), "IncrementalAlterConfigs", {
      validateOnly: false,
      resources: [{
        resourceType: TOPIC_RESOURCE, resourceName: topic,
        configs: Object.entries(changes).map(([name, value]) => ({ name, configOperation: value === null ? OP_DELETE : OP_SET, value })),
      }],
    });
    const r = res.responses[0];
    const code = r ? errorCodeFromKafka(r.errorCode) : "UNKNOWN_SERVER_ERROR";
    if (code !== null) throw itemError("topic", topic, code, r?.errorMessage ?? null);
  }

  /** Offsets by position or timestamp (results in request order). */
  listOffsets(requests: readonly (TopicPartition & { spec: OffsetSpec })[]): Promise<OffsetResult[]> {
    return listOffsets(this.#cluster, requests, this.#timeoutMs);
  }

  /** Deletes records before `offset` (-1n: everything so far); returns each partition's new low watermark. */
  async deleteRecords(requests: readonly (TopicPartition & { offset: bigint })[]): Promise<(TopicPartition & { lowWatermark: bigint })[]> {
    const byLeader = new Map<number, (TopicPartition & { offset: bigint })[]>();
    for (const r of requests) {
      const leader = await this.#cluster.leaderFor(r.topic, r.partition);
      let list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, (list = []));
      list.push(r);
    }
    const out = new Map<string, bigint>();
    const failures: StreamBusError[] = [];
    await Promise.all([...byLeader].map(async ([leader, list]) => {
      const topics = new Map<string, { partitionIndex: number; offset: bigint }[]>();
      for (const r of list) {
        let ps = topics.get(r.topic);
        if (ps === undefined) topics.set(r.topic, (ps = []));
        ps.push({ partitionIndex: r.partition, offset: r.offset });
      }
      const res = await this.#cluster.request(leader, "DeleteRecords", {
        timeoutMs: this.#timeoutMs, topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const code = errorCodeFromKafka(p.errorCode);
          if (code === null) out.set(tpKey(t.name, p.partitionIndex), p.lowWatermark);
          else failures.push(itemError("partition", `${t.name}/${p.partitionIndex}`, code, null));
        }
      }
    }));
    throwFailures(failures);
    return requests.map((r) => ({ topic: r.topic, partition: r.partition, lowWatermark: out.get(tpKey(r.topic, r.partition)) ?? -1n }));
  }

  /** Cluster id, controller and brokers; uses DescribeCluster when the broker has it, else Metadata. */
  async describeCluster(): Promise<ClusterDescription> {
    const conn = await this.#cluster.anyConnection();
    if (conn.versionOf("DescribeCluster") !== undefined) {
      const res = await conn.request("DescribeCluster", { includeClusterAuthorizedOperations: false });
      const code = errorCodeFromKafka(res.errorCode);
      if (code !== null) throw new StreamBusError(code, res.errorMessage ?? code);
      return {
        clusterId: res.clusterId, controllerId: res.controllerId,
        brokers: res.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })),
      };
    }
    await this.#cluster.refreshMetadata();
    const md = this.#cluster.metadata;
    return { clusterId: md.clusterId, controllerId: md.controllerId, brokers: md.brokers().sort((a, b) => a.nodeId - b.nodeId) };
  }

  /** Consumer groups of every broker. */
  listGroups(): Promise<groups.GroupListing[]> {
    return groups.listGroups(this.#cluster);
  }

  /** State, assignor and members (subscriptions and assignments decoded) of each group. */
  describeGroups(groupIds: readonly string[]): Promise<groups.GroupDescription[]> {
    return groups.describeGroups(this.#cluster, groupIds);
  }

  /** Committed offsets of a group, with log end offset and lag per partition. */
  listGroupOffsets(groupId: string): Promise<groups.GroupOffset[]> {
    return groups.listGroupOffsets(this.#cluster, groupId);
  }

  /** Moves an empty group's committed offsets for every partition of `topic`; returns them. */
  resetGroupOffsets(groupId: string, topic: string, to: groups.ResetTarget, opts: { dryRun?: boolean } = {}): Promise<PartitionOffset[]> {
    return groups.resetGroupOffsets(this.#cluster, groupId, topic, to, this.#cluster.nowMs(), opts.dryRun ?? false);
  }

  /** Deletes empty groups with their offsets. */
  deleteGroups(groupIds: readonly string[]): Promise<void> {
    return groups.deleteGroups(this.#cluster, groupIds);
  }
}
