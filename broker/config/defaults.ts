/**
 * Built-in defaults: what `streambus broker` runs with when given nothing. Kept as plain data so the
 * env-var names and --print-config derive from it.
 */
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The documented default data directory: `$XDG_DATA_HOME/streambus` (usually `~/.local/share/streambus`).
 */
export function defaultDataDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), ".local", "share");
  return join(base, "streambus");
}

/** Defaults, in the shape of the config file. Values match Kafka's where Kafka has the setting. */
export function defaultConfig(env: Record<string, string | undefined>) {
  return {
    nodeId: 1,
    dataDir: defaultDataDir(env),
    roles: ["broker", "controller"],
    listeners: { kafka: "127.0.0.1:9092", internal: "127.0.0.1:9093", http: "127.0.0.1:9094" },
    advertisedKafka: null,
    controllerVoters: [],
    topics: { autoCreate: false, defaultPartitions: 1, defaultReplicationFactor: 1 },
    // 8 offsets partitions suit a small broker (Kafka's default of 50 costs 50 logs and coordinators).
    groups: { offsetsTopicPartitions: 8, sessionTimeoutMsMin: "6s", sessionTimeoutMsMax: "5m", initialRebalanceDelayMs: "3s" },
    log: {
      segmentBytes: "1GiB",
      segmentMs: "7d",
      retentionMs: "7d",
      retentionBytes: -1,
      indexIntervalBytes: 4096,
      cleanupPolicy: "delete",
      deleteRetentionMs: "1d",
      flush: "fsync",
      flushIntervalMs: 1000,
      flushIntervalBytes: "1MiB",
      retentionCheckIntervalMs: "5m",
    },
    limits: {
      maxFrameBytes: "100MiB",
      maxMessageBytes: 1048588,
      maxConnections: 10_000,
      maxInFlightBytesPerConnection: "64MiB",
      requestTimeoutMs: "30s",
      fetchWaitMsMax: "30s",
      maxOpenSegmentFiles: 1000,
    },
    logging: { level: "info", format: "auto" },
  };
}
