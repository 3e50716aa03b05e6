/**
 * Topic configs at the Kafka edge: which `segment.bytes`-style keys a topic accepts, their defaults
 * (from the broker config), validation, and the mapping onto the storage layer's LogConfig.
 */
import { StreamBusError } from "../protocol/errors.ts";
import { type LogConfig, logConfigFromKafka } from "../storage/config.ts";
import type { BrokerConfig } from "./config/schema.ts";

/** Keys understood by the broker itself rather than the log. */
const BROKER_SIDE_KEYS = new Set(["min.insync.replicas", "message.timestamp.type", "compression.type"]);

/** Every topic config this broker supports, with its default as Kafka would print it. */
export function topicConfigDefaults(config: BrokerConfig): Map<string, string> {
  const l = config.log;
  return new Map([
    ["cleanup.policy", l.cleanupPolicy],
    ["retention.ms", String(l.retentionMs)],
    ["retention.bytes", String(l.retentionBytes)],
    ["segment.bytes", String(l.segmentBytes)],
    ["segment.ms", String(l.segmentMs)],
    ["index.interval.bytes", String(l.indexIntervalBytes)],
    ["delete.retention.ms", String(l.deleteRetentionMs)],
    ["flush.policy", l.flush],
    ["flush.ms", String(l.flushIntervalMs)],
    ["max.message.bytes", String(config.limits.maxMessageBytes)],
    ["min.insync.replicas", "1"],
    ["message.timestamp.type", "CreateTime"],
    ["compression.type", "producer"],
  ]);
}

/** Checks a set of topic configs; throws INVALID_CONFIG naming the first bad key. */
export function validateTopicConfigs(configs: ReadonlyMap<string, string> | Record<string, string>): void {
  const entries = configs instanceof Map ? [...configs.entries()] : Object.entries(configs);
  const logPart: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (BROKER_SIDE_KEYS.has(k)) {
      if (k === "min.insync.replicas" && !(Number.isInteger(Number(v)) && Number(v) >= 1)) throw new StreamBusError("INVALID_CONFIG", `min.insync.replicas must be a positive integer, got "${v}"`);
      if (k === "message.timestamp.type" && v !== "CreateTime" && v !== "LogAppendTime") throw new StreamBusError("INVALID_CONFIG", `message.timestamp.type must be CreateTime or LogAppendTime, got "${v}"`);
      if (k === "compression.type" && !["producer", "uncompressed", "none", "gzip", "snappy", "lz4", "zstd"].includes(v)) throw new StreamBusError("INVALID_CONFIG", `compression.type "${v}" is not supported`);
      continue;
    }
    logPart[k] = v;
  }
  // Parses and range-checks the log keys (unknown keys are INVALID_CONFIG there).
  const partial = logConfigFromKafka(logPart);
  for (const [k, v] of Object.entries(partial)) {
    if (typeof v === "number" && k !== "retentionMs" && k !== "retentionBytes" && v <= 0) throw new StreamBusError("INVALID_CONFIG", `${k} must be positive, got ${v}`);
  }
}

/** The storage settings of a topic: broker defaults overridden by the topic's own configs. */
export function logConfigForTopic(config: BrokerConfig, topicConfigs: ReadonlyMap<string, string>): Partial<LogConfig> {
  const l = config.log;
  const base: Partial<LogConfig> = {
    segmentBytes: Math.min(l.segmentBytes, 0x7fffffff),
    segmentMs: l.segmentMs,
    indexIntervalBytes: l.indexIntervalBytes,
    retentionMs: l.retentionMs,
    retentionBytes: l.retentionBytes,
    cleanupPolicy: l.cleanupPolicy,
    deleteRetentionMs: l.deleteRetentionMs,
    flushPolicy: l.flush,
    flushIntervalMs: l.flushIntervalMs,
    flushIntervalBytes: l.flushIntervalBytes,
    maxBatchBytes: Math.max(config.limits.maxMessageBytes, 1 << 20) * 2,
  };
  const own: Record<string, string> = {};
  for (const [k, v] of topicConfigs) if (!BROKER_SIDE_KEYS.has(k) && k !== "max.message.bytes") own[k] = v;
  return { ...base, ...logConfigFromKafka(own) };
}

/** The effective max batch size for produce to this topic. */
export function maxMessageBytesForTopic(config: BrokerConfig, topicConfigs: ReadonlyMap<string, string>): number {
  const v = topicConfigs.get("max.message.bytes");
  return v === undefined ? config.limits.maxMessageBytes : Number(v);
}
