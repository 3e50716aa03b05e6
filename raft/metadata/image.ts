/**
 * The metadata image: the cluster state every broker builds by applying the metadata log. Immutable:
 * `apply` returns a new image sharing what did not change, so readers may keep a reference across awaits.
 */

export interface BrokerInfo {
  readonly brokerId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface PartitionImage {
  /** -1 when the partition has no leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly replicas: readonly number[];
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  readonly replicationFactor: number;
  readonly partitions: readonly PartitionImage[];
  readonly configs: ReadonlyMap<string, string>;
}

export interface MetadataImage {
  readonly brokers: ReadonlyMap<number, BrokerInfo>;
  readonly topics: ReadonlyMap<string, TopicImage>;
  /** topic id -> topic name. */
  readonly topicNamesById: ReadonlyMap<string, string>;
  /** Broker config overrides by broker id as text ("" = cluster default). */
  readonly brokerConfigs: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** The image of an empty cluster. */
export const EMPTY_IMAGE: MetadataImage = {
  brokers: new Map(),
  topics: new Map(),
  topicNamesById: new Map(),
  brokerConfigs: new Map(),
};

/** Looks a topic up by id. */
export function topicById(image: MetadataImage, topicId: string): TopicImage | undefined {
  const name = image.topicNamesById.get(topicId);
  return name === undefined ? undefined : image.topics.get(name);
}
