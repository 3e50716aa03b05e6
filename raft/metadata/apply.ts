/**
 * `apply(image, record) -> image`: the one pure function that turns metadata records into cluster state.
 * It validates first and throws a StreamBusError (the record then changes nothing), so the controller can
 * check a record against the current image before proposing, and every broker refuses the same records.
 * Cost: O(topics) per topic change (maps are copied); fine for thousands of topics, a persistent map later.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import { EMPTY_IMAGE, type MetadataImage, type PartitionImage, type TopicImage } from "./image.ts";
import type { AlterConfig, CreatePartitions, CreateTopic, MetadataRecord, PartitionChange } from "./records.ts";
import { INT32_MAX, NO_LEADER, PARTITIONS_MAX, REPLICATION_FACTOR_MAX } from "./records.ts";

const TOPIC_NAME_RE = /^[a-zA-Z0-9._-]{1,249}$/;
const CONFIG_KEY_RE = /^[a-zA-Z0-9._-]{1,255}$/;

/** Applies one record; throws StreamBusError when the record is not valid for this image. */
export function apply(image: MetadataImage, r: MetadataRecord): MetadataImage {
  switch (r.type) {
    case "registerBroker": {
      if (!(Number.isInteger(r.brokerId) && r.brokerId >= 0 && r.brokerId <= INT32_MAX)) bad("INVALID_REQUEST", `broker id ${r.brokerId} is invalid`);
      if (!(Number.isInteger(r.port) && r.port >= 1 && r.port <= 65535)) bad("INVALID_REQUEST", `port ${r.port} is invalid`);
      if (r.host.length === 0) bad("INVALID_REQUEST", "broker host is empty");
      const brokers = new Map(image.brokers);
      brokers.set(r.brokerId, { brokerId: r.brokerId, host: r.host, port: r.port, rack: r.rack });
      return { ...image, brokers };
    }
    case "createTopic":
      return createTopic(image, r);
    case "createPartitions":
      return createPartitions(image, r);
    case "partitionChange":
      return partitionChange(image, r);
    case "alterConfig":
      return alterConfig(image, r);
    case "deleteTopic": {
      const t = image.topics.get(r.name);
      if (!t) bad("UNKNOWN_TOPIC_OR_PARTITION", `topic "${r.name}" does not exist`);
      const topics = new Map(image.topics);
      topics.delete(r.name);
      const ids = new Map(image.topicNamesById);
      ids.delete(t.topicId);
      return { ...image, topics, topicNamesById: ids };
    }
  }
}

/** Applies records in order from the empty image. */
export function applyAll(records: Iterable<MetadataRecord>, image: MetadataImage = EMPTY_IMAGE): MetadataImage {
  for (const r of records) image = apply(image, r);
  return image;
}

function bad(code: StreamBusError["code"], message: string): never {
  throw new StreamBusError(code, message);
}

function checkAssignment(image: MetadataImage, replicas: readonly number[], rf: number, what: string): void {
  if (replicas.length !== rf) bad("INVALID_REPLICA_ASSIGNMENT", `${what}: ${replicas.length} replicas, replication factor ${rf}`);
  if (new Set(replicas).size !== replicas.length) bad("INVALID_REPLICA_ASSIGNMENT", `${what}: duplicate replicas`);
  for (const b of replicas) if (!image.brokers.has(b)) bad("INVALID_REPLICA_ASSIGNMENT", `${what}: broker ${b} is not registered`);
}

function freshPartition(replicas: readonly number[]): PartitionImage {
  return { leader: replicas[0]!, leaderEpoch: 0, isr: replicas.slice(), replicas: replicas.slice() };
}

function createTopic(image: MetadataImage, r: CreateTopic): MetadataImage {
  if (!TOPIC_NAME_RE.test(r.name) || r.name === "." || r.name === "..") bad("INVALID_TOPIC_EXCEPTION", `topic name "${r.name}" is invalid`);
  if (image.topics.has(r.name)) bad("TOPIC_ALREADY_EXISTS", `topic "${r.name}" already exists`);
  if (image.topicNamesById.has(r.topicId)) bad("TOPIC_ALREADY_EXISTS", `topic id ${r.topicId} is already used`);
  if (!(Number.isInteger(r.partitions) && r.partitions >= 1 && r.partitions <= PARTITIONS_MAX)) bad("INVALID_PARTITIONS", `${r.partitions} partitions`);
  const rf = r.replicationFactor;
  if (!(Number.isInteger(rf) && rf >= 1 && rf <= REPLICATION_FACTOR_MAX)) bad("INVALID_REPLICATION_FACTOR", `replication factor ${rf}`);
  if (rf > image.brokers.size) bad("INVALID_REPLICATION_FACTOR", `replication factor ${rf} exceeds the ${image.brokers.size} registered brokers`);
  if (r.assignments.length !== r.partitions) bad("INVALID_REPLICA_ASSIGNMENT", `${r.assignments.length} assignments for ${r.partitions} partitions`);
  r.assignments.forEach((a, p) => checkAssignment(image, a, rf, `partition ${p}`));
  const configs = new Map<string, string>();
  for (const c of r.configs) {
    if (!CONFIG_KEY_RE.test(c.key)) bad("INVALID_CONFIG", `config key "${c.key}" is invalid`);
    configs.set(c.key, c.value);
  }
  const topic: TopicImage = { name: r.name, topicId: r.topicId, replicationFactor: rf, partitions: r.assignments.map(freshPartition), configs };
  return { ...image, topics: new Map(image.topics).set(r.name, topic), topicNamesById: new Map(image.topicNamesById).set(r.topicId, r.name) };
}

function createPartitions(image: MetadataImage, r: CreatePartitions): MetadataImage {
  const t = image.topics.get(r.name);
  if (!t) bad("UNKNOWN_TOPIC_OR_PARTITION", `topic "${r.name}" does not exist`);
  const have = t.partitions.length;
  if (!(Number.isInteger(r.totalPartitions) && r.totalPartitions > have && r.totalPartitions <= PARTITIONS_MAX)) {
    bad("INVALID_PARTITIONS", `topic "${r.name}" has ${have} partitions; ${r.totalPartitions} is not more`);
  }
  if (r.assignments.length !== r.totalPartitions - have) bad("INVALID_REPLICA_ASSIGNMENT", `${r.assignments.length} assignments for ${r.totalPartitions - have} new partitions`);
  r.assignments.forEach((a, i) => checkAssignment(image, a, t.replicationFactor, `partition ${have + i}`));
  return withTopic(image, { ...t, partitions: [...t.partitions, ...r.assignments.map(freshPartition)] });
}

function partitionChange(image: MetadataImage, r: PartitionChange): MetadataImage {
  const name = image.topicNamesById.get(r.topicId);
  if (name === undefined) bad("UNKNOWN_TOPIC_ID", `topic id ${r.topicId} does not exist`);
  const t = image.topics.get(name)!;
  const cur = t.partitions[r.partition];
  if (!cur) bad("UNKNOWN_TOPIC_OR_PARTITION", `topic "${name}" has no partition ${r.partition}`);
  if (r.leaderEpoch < cur.leaderEpoch) bad("FENCED_LEADER_EPOCH", `leader epoch ${r.leaderEpoch} is older than ${cur.leaderEpoch}`);
  if (r.leaderEpoch > INT32_MAX) bad("INVALID_REQUEST", "leader epoch overflow");
  // Reassignment keeps the replication factor (changing it is a later feature); snapshots rely on this.
  checkAssignment(image, r.replicas, t.replicationFactor, `partition ${r.partition}`);
  for (const b of r.isr) if (!r.replicas.includes(b)) bad("INVALID_REQUEST", `ISR member ${b} is not a replica`);
  if (r.leader !== NO_LEADER && !r.isr.includes(r.leader)) bad("INVALID_REQUEST", `leader ${r.leader} is not in the ISR`);
  const partitions = t.partitions.slice();
  partitions[r.partition] = { leader: r.leader, leaderEpoch: r.leaderEpoch, isr: r.isr.slice(), replicas: r.replicas.slice() };
  return withTopic(image, { ...t, partitions });
}

function alterConfig(image: MetadataImage, r: AlterConfig): MetadataImage {
  if (!CONFIG_KEY_RE.test(r.key)) bad("INVALID_CONFIG", `config key "${r.key}" is invalid`);
  if (r.resourceType === "topic") {
    const t = image.topics.get(r.resourceName);
    if (!t) bad("UNKNOWN_TOPIC_OR_PARTITION", `topic "${r.resourceName}" does not exist`);
    return withTopic(image, { ...t, configs: setOrDelete(t.configs, r.key, r.value) });
  }
  if (r.resourceName !== "" && !image.brokers.has(Number(r.resourceName))) bad("NOT_FOUND", `broker "${r.resourceName}" is not registered`);
  const brokerConfigs = new Map(image.brokerConfigs);
  brokerConfigs.set(r.resourceName, setOrDelete(image.brokerConfigs.get(r.resourceName) ?? new Map(), r.key, r.value));
  return { ...image, brokerConfigs };
}

function setOrDelete(m: ReadonlyMap<string, string>, key: string, value: string | null): Map<string, string> {
  const next = new Map(m);
  if (value === null) next.delete(key);
  else next.set(key, value);
  return next;
}

function withTopic(image: MetadataImage, t: TopicImage): MetadataImage {
  return { ...image, topics: new Map(image.topics).set(t.name, t) };
}
