/**
 * The client's cache of cluster metadata: brokers by node id, topics with their partitions and leaders.
 * Pure data: the cluster shell fetches Metadata responses and feeds them in; readers never block.
 */
import { errorCodeFromKafka, type ErrorCode } from "../protocol/errors.ts";
import type { ResponseOf } from "./apis.ts";

/** A broker as metadata describes it. */
export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** One partition's placement. */
export interface PartitionInfo {
  partition: number;
  /** -1 while the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  /** The partition-level error from the last metadata response, if any. */
  error: ErrorCode | null;
}

/** One topic's metadata. */
export interface TopicInfo {
  name: string;
  topicId: string;
  isInternal: boolean;
  /** Sorted by partition index, dense from 0. */
  partitions: PartitionInfo[];
}

/**
 * The metadata cache.
 *
 * @example
 * const md = new MetadataCache();
 * md.update(response, Date.now());
 * md.leader("orders", 0); // node id or -1
 */
export class MetadataCache {
  #brokers = new Map<number, BrokerInfo>();
  #topics = new Map<string, TopicInfo>();
  /** Topics whose last lookup failed, with the error (UNKNOWN_TOPIC_OR_PARTITION, ...). */
  #topicErrors = new Map<string, ErrorCode>();
  clusterId: string | null = null;
  controllerId = -1;
  updatedAtMs = 0;

  /** Applies a Metadata response. Brokers are replaced; topics in the response are replaced, others kept. */
  update(md: ResponseOf<"Metadata">, nowMs: number): void {
    this.#brokers = new Map(md.brokers.map((b) => [b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }]));
    this.clusterId = md.clusterId;
    this.controllerId = md.controllerId;
    this.updatedAtMs = nowMs;
    for (const t of md.topics) {
      if (t.name === null) continue;
      const error = errorCodeFromKafka(t.errorCode);
      if (error !== null && t.partitions.length === 0) {
        this.#topics.delete(t.name);
        this.#topicErrors.set(t.name, error);
        continue;
      }
      this.#topicErrors.delete(t.name);
      const partitions = t.partitions
        .map((p): PartitionInfo => ({
          partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes, isr: p.isrNodes, error: errorCodeFromKafka(p.errorCode),
        }))
        .sort((a, b) => a.partition - b.partition);
      this.#topics.set(t.name, { name: t.name, topicId: t.topicId, isInternal: t.isInternal, partitions });
    }
  }

  /** Forgets a topic (after delete, or when a leader moved and the entry is stale). */
  forget(topic: string): void {
    this.#topics.delete(topic);
  }

  brokers(): BrokerInfo[] {
    return [...this.#brokers.values()];
  }

  broker(nodeId: number): BrokerInfo | undefined {
    return this.#brokers.get(nodeId);
  }

  topic(name: string): TopicInfo | undefined {
    return this.#topics.get(name);
  }

  topicError(name: string): ErrorCode | undefined {
    return this.#topicErrors.get(name);
  }

  topicNames(): string[] {
    return [...this.#topics.keys()];
  }

  /** The leader's node id, or -1 when unknown. */
  leader(topic: string, partition: number): number {
    return this.#topics.get(topic)?.partitions[partition]?.leader ?? -1;
  }
}
