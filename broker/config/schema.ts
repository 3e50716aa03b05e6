/**
 * The broker's configuration schema (zod). Every key is validated; unknown keys are errors naming
 * their path. Names carry their units (`segmentBytes`, `retentionMs`); values may use units
 * (`64MiB`, `7d`, see units.ts). Kafka's own names (`segment.bytes`) appear only at the edges
 * (topic configs over the wire).
 */
import { z } from "zod";
import { parseDurationMs, parseSizeBytes } from "./units.ts";

const GiB = 1024 ** 3;

function withUnits(parse: (v: string | number) => number) {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    try {
      return parse(v);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
      return z.NEVER;
    }
  });
}

/** A size in bytes within [min, max]; `allowUnlimited` also accepts -1. */
function size(min: number, max: number, allowUnlimited = false) {
  const range = z.number().int().min(min).max(max);
  return withUnits(parseSizeBytes).pipe(allowUnlimited ? z.union([z.literal(-1), range]) : range);
}

/** A duration in ms within [min, max]; `allowUnlimited` also accepts -1. */
function duration(min: number, max: number, allowUnlimited = false) {
  const range = z.number().int().min(min).max(max);
  return withUnits(parseDurationMs).pipe(allowUnlimited ? z.union([z.literal(-1), range]) : range);
}

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.\-]*):\d{1,5}$/, "expected HOST:PORT, e.g. 127.0.0.1:9092");
const intFromString = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);
const boolFromString = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

export const flushPolicies = ["fsync", "interval", "never"] as const;
export const cleanupPolicies = ["delete", "compact"] as const;

export const BrokerConfigSchema = z.strictObject({
  nodeId: intFromString.pipe(z.number().int().min(0).max(2 ** 31 - 1)),
  dataDir: z.string().min(1),
  roles: z.array(z.enum(["broker", "controller"])).min(1),
  listeners: z.strictObject({
    kafka: hostPort,
    internal: hostPort,
    http: hostPort,
  }),
  /** Address clients are told to connect to; defaults to the Kafka listener (with 0.0.0.0 replaced by the host name). */
  advertisedKafka: hostPort.nullable(),
  /** Controller voters as `id@host:port`; empty means a one-voter quorum of this node. */
  controllerVoters: z.array(z.string().regex(/^\d+@.+:\d+$/, "expected ID@HOST:PORT")),
  topics: z.strictObject({
    autoCreate: boolFromString,
    defaultPartitions: intFromString.pipe(z.number().int().min(1).max(10_000)),
    defaultReplicationFactor: intFromString.pipe(z.number().int().min(1).max(16)),
  }),
  groups: z.strictObject({
    /** Partitions of the internal `__consumer_offsets` topic; fixed once the topic exists. */
    offsetsTopicPartitions: intFromString.pipe(z.number().int().min(1).max(1000)),
    sessionTimeoutMsMin: duration(1, 3_600_000),
    sessionTimeoutMsMax: duration(1, 3_600_000),
    /** Kafka's group.initial.rebalance.delay.ms: how long a new group waits for more members to join. */
    initialRebalanceDelayMs: duration(0, 300_000),
  }),
  log: z.strictObject({
    segmentBytes: size(64 * 1024, 4 * GiB),
    segmentMs: duration(1000, 365 * 86_400_000),
    retentionMs: duration(1000, 100 * 365 * 86_400_000, true),
    retentionBytes: size(1, 2 ** 53 - 1, true),
    indexIntervalBytes: size(64, 1024 * 1024),
    cleanupPolicy: z.enum(cleanupPolicies),
    deleteRetentionMs: duration(0, 365 * 86_400_000),
    flush: z.enum(flushPolicies),
    flushIntervalMs: duration(1, 3_600_000),
    flushIntervalBytes: size(4096, GiB),
    retentionCheckIntervalMs: duration(100, 86_400_000),
  }),
  limits: z.strictObject({
    maxFrameBytes: size(1024, GiB),
    maxMessageBytes: size(1024, GiB),
    maxConnections: intFromString.pipe(z.number().int().min(1).max(1_000_000)),
    maxInFlightBytesPerConnection: size(64 * 1024, 4 * GiB),
    requestTimeoutMs: duration(100, 3_600_000),
    fetchWaitMsMax: duration(0, 3_600_000),
    maxOpenSegmentFiles: intFromString.pipe(z.number().int().min(16).max(1_000_000)),
  }),
  logging: z.strictObject({
    level: z.enum(["debug", "info", "warn", "error"]),
    format: z.enum(["auto", "json", "pretty"]),
  }),
});

/** The validated, effective broker configuration (units resolved to numbers). */
export type BrokerConfig = z.output<typeof BrokerConfigSchema>;
/** What a config file may contain before validation. */
export type BrokerConfigInput = z.input<typeof BrokerConfigSchema>;
