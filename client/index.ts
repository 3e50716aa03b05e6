/**
 * The StreamBus client SDK: a Kafka client for Node 20+, Bun and Deno (node:net and Web APIs only).
 * One `StreamBus` holds the connections and metadata that its producers, consumers and admin share.
 */
import { Admin } from "./admin.ts";
import { Cluster, type ClusterOptions } from "./cluster.ts";
import { Consumer, type ConsumerOptions } from "./consumer.ts";
import { GroupConsumer, type GroupConsumerOptions } from "./group/group-consumer.ts";
import { Producer, type ProducerOptions } from "./producer.ts";

/**
 * Options of a StreamBus client: the cluster options (client/cluster.ts) minus the test hooks
 * (`limits`, `nowMs`).
 */
export type StreamBusOptions = Omit<ClusterOptions, "limits" | "nowMs">;

/**
 * The client entry point.
 *
 * @example
 * const bus = new StreamBus({ brokers: ["127.0.0.1:9092"], clientId: "billing" });
 * const producer = bus.producer({ acks: "all", compression: "lz4" });
 * await producer.send({ topic: "orders", key: enc("o-1"), value: enc("{...}") });
 * await bus.close();
 */
export class StreamBus {
  readonly #cluster: Cluster;
  readonly #producers = new Set<Producer<never, never>>();
  readonly #consumers = new Set<Consumer<never, never> | GroupConsumer<never, never>>();

  constructor(opts: StreamBusOptions) {
    this.#cluster = new Cluster(opts);
  }

  /** A new producer; `K`/`V` follow its serializers. */
  producer<K = Uint8Array, V = Uint8Array>(opts: ProducerOptions<K, V> = {}): Producer<K, V> {
    const p = new Producer<K, V>(this.#cluster, opts);
    this.#producers.add(p as unknown as Producer<never, never>);
    return p;
  }

  /**
   * A consumer-group member when `groupId` is given (see GroupConsumerOptions), else a consumer of
   * assigned partitions; `K`/`V` follow its deserializers.
   *
   * @example
   * const members = bus.consumer({ groupId: "billing", topics: ["orders"], autoOffsetReset: "earliest" });
   */
  consumer<K = Uint8Array, V = Uint8Array>(opts: GroupConsumerOptions<K, V>): GroupConsumer<K, V>;
  consumer<K = Uint8Array, V = Uint8Array>(opts?: ConsumerOptions<K, V>): Consumer<K, V>;
  consumer<K = Uint8Array, V = Uint8Array>(opts: ConsumerOptions<K, V> | GroupConsumerOptions<K, V> = {}): Consumer<K, V> | GroupConsumer<K, V> {
    if ("groupId" in opts) {
      const g = new GroupConsumer<K, V>(this.#cluster, opts);
      this.#consumers.add(g as unknown as GroupConsumer<never, never>);
      return g;
    }
    const c = new Consumer<K, V>(this.#cluster, opts);
    this.#consumers.add(c as unknown as Consumer<never, never>);
    return c;
  }

  /** The admin client. */
  admin(opts: { timeoutMs?: number } = {}): Admin {
    return new Admin(this.#cluster, opts);
  }

  /** Flushes and closes every producer, stops every consumer, then closes all connections. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#producers].map((p) => p.close()));
    await Promise.allSettled([...this.#consumers].map((c) => c.close()));
    this.#producers.clear();
    this.#consumers.clear();
    await this.#cluster.close();
  }
}

export { Admin, type NewTopic, type TopicDescription, type ClusterDescription, type ConfigEntry } from "./admin.ts";
export { Consumer, type ConsumerOptions, type SeekPosition, type EachBatch } from "./consumer.ts";
export { Producer, type ProducerOptions } from "./producer.ts";
export { GroupConsumer, type GroupConsumerOptions, type AssignorName } from "./group/group-consumer.ts";
export type { GroupListing, GroupDescription, GroupMemberDescription, GroupOffset, ResetTarget } from "./group/group-admin.ts";
export type { PartitionOffset } from "./group/offsets-committer.ts";
export type { Acks } from "./sender.ts";
export type { OffsetSpec, OffsetResult } from "./offsets.ts";
export { bytesSerde, stringSerde, jsonSerde, type Serializer, type Deserializer, type Serde } from "./serializers.ts";
export { murmur2, toPositive, keyPartition, DefaultPartitioner, type Partitioner } from "./partitioners.ts";
export type { BackoffOptions } from "./backoff.ts";
export type {
  TopicPartition, Header, ProducerRecord, RecordMetadata, ConsumerRecord, ProducerInterceptor, ConsumerInterceptor, ClientMetrics,
} from "./types.ts";
