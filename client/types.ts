/**
 * Shared shapes of the SDK: topic-partitions, produced and consumed records, interceptors, metrics hooks.
 */
import type { ErrorCode, StreamBusError } from "../protocol/errors.ts";

/** One partition of one topic. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A record header (Kafka allows repeated keys; order is kept). */
export interface Header {
  key: string;
  value: Uint8Array | null;
}

/** A record to send; `K`/`V` are what the producer's serializers take. */
export interface ProducerRecord<K = Uint8Array, V = Uint8Array> {
  topic: string;
  key?: K | null;
  value: V | null;
  headers?: Header[] | Record<string, string | Uint8Array>;
  /** Omit to let the partitioner choose (murmur2 for keys, sticky for null keys). */
  partition?: number;
  /** Milliseconds since the epoch; default: now. */
  timestamp?: bigint | number;
}

/** Where a record was stored. `offset` is -1n when acks=0 (the broker does not say). */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: bigint;
}

/** A consumed record; `K`/`V` are what the consumer's deserializers return. */
export interface ConsumerRecord<K = Uint8Array, V = Uint8Array> {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: K | null;
  value: V | null;
  headers: Header[];
}

/** Producer interceptors, called in order. `onSend` may rewrite the record. */
export interface ProducerInterceptor<K, V> {
  onSend?(record: ProducerRecord<K, V>): ProducerRecord<K, V>;
  onAcknowledgement?(result: RecordMetadata | null, error: StreamBusError | null): void;
}

/** Consumer interceptors, called in order on each fetched set of records before the application sees them. */
export interface ConsumerInterceptor<K, V> {
  onConsume?(records: ConsumerRecord<K, V>[]): ConsumerRecord<K, V>[];
}

/**
 * Metrics hooks. Every method is optional; they are called synchronously on the hot path, so keep them cheap.
 *
 * @example
 * const metrics: ClientMetrics = { onSendLatency: (topic, ms) => histogram.observe({ topic }, ms) };
 */
export interface ClientMetrics {
  /** One produce request was acknowledged: its latency and how many records of `topic` it carried. */
  onSendLatency?(topic: string, latencyMs: number, recordCount: number): void;
  /** Records and bytes fetched for a partition. */
  onFetch?(topic: string, partition: number, recordCount: number, byteCount: number): void;
  /** A request or record failed with `code` (retried failures included). */
  onError?(code: ErrorCode): void;
}

/** A sink that ignores everything. */
export const NO_METRICS: ClientMetrics = Object.freeze({});
