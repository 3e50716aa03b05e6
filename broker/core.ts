/**
 * Everything a request handler may use, in one object passed to each call (no globals): config,
 * clock, logger, the metadata quorum, partition logs, long-poll waiters and counters.
 */
import type { Logger } from "../protocol/logger.ts";
import type { MetadataImage, TopicImage } from "../raft/metadata/image.ts";
import type { PartitionLog } from "../storage/log.ts";
import type { LogManager } from "../storage/log-manager.ts";
import type { BrokerConfig } from "./config/schema.ts";
import type { FetchWaiters } from "./fetch-waiters.ts";
import type { GroupDriver } from "./groups/driver.ts";
import type { MetadataQuorum } from "./quorum-port.ts";

export interface BrokerClock {
  nowMs(): number;
}

export interface AdvertisedApi {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface BrokerCounters {
  producedBytes: number;
  producedBatches: number;
  fetchedBytes: number;
  badFrames: number;
  refusedConnections: number;
}

export type LeaderLogError = "UNKNOWN_TOPIC_OR_PARTITION" | "NOT_LEADER_OR_FOLLOWER" | "LEADER_NOT_AVAILABLE" | "FENCED_LEADER_EPOCH" | "UNKNOWN_LEADER_EPOCH";

export interface BrokerCore {
  readonly config: BrokerConfig;
  readonly nodeId: number;
  readonly clusterId: string;
  /** host and port clients are told to use (the bound Kafka listener unless configured). */
  readonly advertised: { host: string; port: number };
  readonly clock: BrokerClock;
  readonly log: Logger;
  readonly quorum: MetadataQuorum;
  readonly logs: LogManager;
  readonly waiters: FetchWaiters;
  readonly counters: BrokerCounters;
  /** Consumer group coordinators (their partitions of `__consumer_offsets`). */
  readonly groups: GroupDriver;
  advertisedApis(): AdvertisedApi[];
  /** The metadata image now (shorthand for quorum.image()). */
  image(): MetadataImage;
  /**
   * The partition log this broker leads, or an error code for the partition. With `currentLeaderEpoch`
   * (from requests that carry one; -1 means "not given") a stale epoch is FENCED_LEADER_EPOCH and a newer
   * one UNKNOWN_LEADER_EPOCH, as Kafka answers.
   */
  leaderLog(topic: string, partition: number, currentLeaderEpoch?: number): { log: PartitionLog; topic: TopicImage; leaderEpoch: number } | { error: LeaderLogError };
  /** Creates topics the way CreateTopics does (used by auto-create too). */
  createTopic(name: string, partitions: number, replicationFactor: number, configs: ReadonlyMap<string, string>, opts?: { assignments?: number[][]; validateOnly?: boolean }): Promise<{ topicId: string }>;
  /** Key for fetch waiters. */
  partitionKey(topic: string, partition: number): string;
}
