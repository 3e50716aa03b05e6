/**
 * The metadata records: every cluster change is one of these, appended to the Raft log and applied by
 * every broker to its image (image.ts, apply.ts). Type ids and versions are part of the on-disk format:
 * never reuse or renumber one.
 */

/** Stable type ids. 20 and 21 are reserved for ACL and user (SCRAM credential) records. */
export const RecordTypeId = {
  registerBroker: 1,
  createTopic: 2,
  createPartitions: 3,
  partitionChange: 4,
  alterConfig: 5,
  deleteTopic: 6,
  /** Reserved: AccessControlEntry records. */
  acl: 20,
  /** Reserved: user / SCRAM credential records. */
  user: 21,
} as const;

/** Broker ids, partition counts and epochs are int32 on the wire. */
export const INT32_MAX = 2 ** 31 - 1;
/** Partitions a topic may have; a cap keeps one record from allocating without bound. */
export const PARTITIONS_MAX = 100_000;
export const REPLICATION_FACTOR_MAX = 64;
/** No leader: Kafka's -1. */
export const NO_LEADER = -1;

export interface RegisterBroker {
  readonly type: "registerBroker";
  readonly brokerId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

/** A new topic. `assignments[p]` lists partition p's replicas (preferred leader first). */
export interface CreateTopic {
  readonly type: "createTopic";
  readonly name: string;
  /** RFC 4122 text form, lower case. */
  readonly topicId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly assignments: readonly (readonly number[])[];
  readonly configs: readonly { readonly key: string; readonly value: string }[];
}

/** Grows a topic to `totalPartitions`; `assignments` covers the new partitions only. */
export interface CreatePartitions {
  readonly type: "createPartitions";
  readonly name: string;
  readonly totalPartitions: number;
  readonly assignments: readonly (readonly number[])[];
}

/** New leader, epoch, ISR and replicas of one partition (by topic id, so a re-created topic is never confused). */
export interface PartitionChange {
  readonly type: "partitionChange";
  readonly topicId: string;
  readonly partition: number;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly replicas: readonly number[];
}

/** Sets (or with value null, removes) one config key of a topic or broker ("" is the cluster default broker). */
export interface AlterConfig {
  readonly type: "alterConfig";
  readonly resourceType: "topic" | "broker";
  readonly resourceName: string;
  readonly key: string;
  readonly value: string | null;
}

export interface DeleteTopic {
  readonly type: "deleteTopic";
  readonly name: string;
}

export type MetadataRecord = RegisterBroker | CreateTopic | CreatePartitions | PartitionChange | AlterConfig | DeleteTopic;
