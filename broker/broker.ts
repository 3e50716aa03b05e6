/**
 * The broker process shell: opens the metadata quorum and the partition logs under the data dir,
 * registers itself, starts the Kafka listener, and shuts down gracefully. Handlers hold no state of
 * their own; everything they use is on the {@link BrokerCore} built here.
 */
import { join } from "node:path";
import { StreamBusError, assert } from "../protocol/errors.ts";
import { protocolLimits } from "../protocol/limits.ts";
import type { Logger } from "../protocol/logger.ts";
import { apply as applyRecord } from "../raft/metadata/apply.ts";
import type { MetadataImage } from "../raft/metadata/image.ts";
import { createStorageIO, type StorageIO } from "../storage/io.ts";
import { LogManager } from "../storage/log-manager.ts";
import { loadOrCreateClusterId } from "./cluster-id.ts";
import type { BrokerConfig } from "./config/schema.ts";
import type { AdvertisedApi, BrokerClock, BrokerCore, BrokerCounters } from "./core.ts";
import { Dispatcher } from "./dispatch.ts";
import { FetchWaiters } from "./fetch-waiters.ts";
import { GroupDriver, OFFSETS_TOPIC } from "./groups/driver.ts";
import { serveConnection } from "./net/connection.ts";
import { FramePool } from "./net/frame-pool.ts";
import { listenTcp, type TcpServer } from "./net/tcp-server.ts";
import { PartitionSync } from "./partition-sync.ts";
import type { MetadataQuorum } from "./quorum-port.ts";
import { produceHandler } from "./handlers/produce.ts";
import { HANDLERS } from "./registry.ts";
import { newTopicId } from "./topic-id.ts";
import { logConfigForTopic, validateTopicConfigs } from "./topic-configs.ts";

/** Split frames below this are allocated per request: a copy that small costs less than pooling. */
const FRAME_POOL_FRAME_BYTES_MIN = 64 * 1024;
/** Unused pooled frame buffers kept for reuse, across all connections. */
const FRAME_POOL_IDLE_BYTES_MAX = 32 * 1024 * 1024;

export interface BrokerDeps {
  log: Logger;
  clock?: BrokerClock;
  /** Storage I/O (real by default; the lazy test mode comes from STREAMBUS_UNSAFE_LAZY_IO). */
  io?: StorageIO;
  /** Opens the metadata quorum in `dir` for this node. */
  openQuorum(opts: { dir: string; nodeId: number; log: Logger; io: StorageIO }): Promise<MetadataQuorum>;
  /**
   * TEST ONLY, UNSAFE: lazy I/O, where written bytes stay in process memory until fsync, so SIGKILL acts
   * like a power cut (storage/io-lazy.ts). Used by the kill -9 tests; ignored when `io` is given.
   */
  unsafeLazyIo?: boolean;
}

export interface RunningBroker {
  readonly core: BrokerCore;
  /** host:port of the Kafka listener as bound. */
  readonly kafkaAddress: string;
  /** Stops accepting, finishes in-flight requests, flushes and checkpoints logs, closes the quorum. */
  close(): Promise<void>;
}

function splitHostPort(hp: string): { host: string; port: number } {
  const i = hp.lastIndexOf(":");
  return { host: hp.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(hp.slice(i + 1)) };
}

/** Starts a broker with a validated config. */
export async function startBrokerServer(config: BrokerConfig, deps: BrokerDeps): Promise<RunningBroker> {
  const startedMs = performance.now();
  const log = deps.log;
  const clock = deps.clock ?? { nowMs: () => Date.now() };
  const io = deps.io ?? (await createStorageIO({ unsafeLazy: deps.unsafeLazyIo === true }));
  if (!deps.io && deps.unsafeLazyIo) log.warn("UNSAFE TEST MODE: lazy I/O; un-synced writes live only in memory");
  const clusterId = loadOrCreateClusterId(config.dataDir, config.nodeId);
  const quorum = await deps.openQuorum({ dir: join(config.dataDir, "metadata"), nodeId: config.nodeId, log: log.child({ component: "raft" }), io });

  const logs = await LogManager.open(
    {
      dataDir: config.dataDir,
      io,
      clock,
      logger: log.child({ component: "storage" }),
      openFilesMax: config.limits.maxOpenSegmentFiles,
      scheduler: (intervalMs, fn) => {
        let running = false;
        const t = setInterval(() => {
          if (running) return;
          running = true;
          fn().finally(() => (running = false));
        }, intervalMs);
        return () => clearInterval(t);
      },
      maintenanceIntervalMs: Math.min(config.log.retentionCheckIntervalMs, config.log.flushIntervalMs),
    },
    (topic) => logConfigForTopic(config, quorum.image().topics.get(topic)?.configs ?? new Map()),
  );

  const counters: BrokerCounters = { producedBytes: 0, producedBatches: 0, fetchedBytes: 0, badFrames: 0, refusedConnections: 0 };
  const waiters = new FetchWaiters({ setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) }, 10_000);
  const listen = splitHostPort(config.listeners.kafka);
  let advertised = { host: listen.host, port: listen.port };
  let advertisedApis: AdvertisedApi[] = [];
  let groups!: GroupDriver;

  const core: BrokerCore = {
    config,
    nodeId: config.nodeId,
    clusterId,
    get advertised() {
      return advertised;
    },
    clock,
    log,
    quorum,
    logs,
    waiters,
    counters,
    get groups() {
      return groups;
    },
    advertisedApis: () => advertisedApis,
    image: () => quorum.image(),
    partitionKey: (topic, partition) => `${topic}\u0000${partition}`,
    leaderLog(topic, partition, currentLeaderEpoch = -1) {
      const t = quorum.image().topics.get(topic);
      const p = t?.partitions[partition];
      if (!t || !p) return { error: "UNKNOWN_TOPIC_OR_PARTITION" };
      if (p.leader !== config.nodeId) return { error: p.leader < 0 ? "LEADER_NOT_AVAILABLE" : "NOT_LEADER_OR_FOLLOWER" };
      if (currentLeaderEpoch >= 0 && currentLeaderEpoch !== p.leaderEpoch) {
        return { error: currentLeaderEpoch < p.leaderEpoch ? "FENCED_LEADER_EPOCH" : "UNKNOWN_LEADER_EPOCH" };
      }
      const l = logs.get(topic, partition);
      if (!l) return { error: "LEADER_NOT_AVAILABLE" };
      return { log: l, topic: t, leaderEpoch: p.leaderEpoch };
    },
    async createTopic(name, partitions, replicationFactor, configs, opts = {}) {
      validateTopicConfigs(configs);
      const brokers = [...quorum.image().brokers.keys()].sort((a, b) => a - b);
      if (replicationFactor > brokers.length) {
        throw new StreamBusError("INVALID_REPLICATION_FACTOR", `replication factor ${replicationFactor} is larger than the ${brokers.length} available brokers`);
      }
      // Round-robin placement starting at a partition-dependent broker, preferred leader first.
      const assignments = opts.assignments ?? Array.from({ length: partitions }, (_, p) => Array.from({ length: replicationFactor }, (_, r) => brokers[(p + r) % brokers.length]!));
      const record = {
        type: "createTopic" as const, name, topicId: newTopicId(), partitions, replicationFactor, assignments,
        configs: [...configs].map(([key, value]) => ({ key, value })),
      };
      // Validate against the current image first: validateOnly requests and bad requests never reach the log.
      applyRecord(quorum.image(), record);
      if (opts.validateOnly) return { topicId: record.topicId };
      await quorum.propose(record);
      await sync.sync(quorum.image());
      return { topicId: record.topicId };
    },
  };

  const sync = new PartitionSync(config.nodeId, config, logs, log.child({ component: "partitions" }));
  await sync.sync(quorum.image());
  const unsubscribe = quorum.onChange((image: MetadataImage) => void sync.sync(image));

  groups = new GroupDriver({
    nodeId: config.nodeId,
    log: log.child({ component: "groups" }),
    nowMs: () => clock.nowMs(),
    partitions: config.groups.offsetsTopicPartitions,
    limits: {
      sessionTimeoutMsMin: config.groups.sessionTimeoutMsMin,
      sessionTimeoutMsMax: config.groups.sessionTimeoutMsMax,
      initialRebalanceDelayMs: config.groups.initialRebalanceDelayMs,
    },
    leaderLog(partition) {
      const r = core.leaderLog(OFFSETS_TOPIC, partition);
      return "error" in r ? { error: r.error } : { log: r.log, leaderEpoch: r.leaderEpoch };
    },
    async ensureTopic() {
      const existing = quorum.image().topics.get(OFFSETS_TOPIC);
      if (existing) return existing.partitions.length;
      const rf = Math.min(3, quorum.image().brokers.size);
      await core.createTopic(OFFSETS_TOPIC, config.groups.offsetsTopicPartitions, rf, new Map([["cleanup.policy", "compact"], ["segment.bytes", String(100 * 1024 * 1024)]]));
      return config.groups.offsetsTopicPartitions;
    },
  });
  const dispatcher = new Dispatcher(HANDLERS, core, protocolLimits({
    maxFrameBytes: config.limits.maxFrameBytes,
    maxBytesFieldBytes: config.limits.maxFrameBytes,
    maxStringBytes: Math.min(config.limits.maxFrameBytes, 1024 * 1024),
  }));
  advertisedApis = HANDLERS.map((h) => ({ apiKey: h.api.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));

  const netLog = log.child({ component: "net" });
  // Produce frames split across socket chunks are assembled in reused buffers (frame-pool.ts says why only Produce).
  const framePool = new FramePool({ apiKeys: [produceHandler.api.apiKey], frameBytesMin: FRAME_POOL_FRAME_BYTES_MIN, idleBytesMax: FRAME_POOL_IDLE_BYTES_MAX });
  const server: TcpServer = listenTcp({
    host: listen.host,
    port: listen.port,
    maxConnections: config.limits.maxConnections,
    onRefused: (remote) => {
      counters.refusedConnections++;
      netLog.warn("connection refused: maxConnections reached", { remote, maxConnections: config.limits.maxConnections });
    },
    accept: (conn) =>
      serveConnection(conn, (frame, info) => dispatcher.handle(frame, info), {
        maxFrameBytes: config.limits.maxFrameBytes,
        maxInFlightBytes: config.limits.maxInFlightBytesPerConnection,
        maxInFlightRequests: 64,
      }, netLog, { get badFrames() { return counters.badFrames; }, set badFrames(v) { counters.badFrames = v; }, requests: 0 }, framePool),
  });

  const adv = config.advertisedKafka ? splitHostPort(config.advertisedKafka) : { host: listen.host === "0.0.0.0" || listen.host === "::" ? "127.0.0.1" : listen.host, port: server.port };
  advertised = adv;
  // Register (or re-register after an address change) through the quorum, like every other change.
  const me = quorum.image().brokers.get(config.nodeId);
  if (!me || me.host !== adv.host || me.port !== adv.port) {
    await quorum.propose({ type: "registerBroker", brokerId: config.nodeId, host: adv.host, port: adv.port, rack: null });
  }
  assert(quorum.image().brokers.has(config.nodeId), "broker registered");

  await groups.start();

  const kafkaAddress = `${listen.host}:${server.port}`;
  log.info("ready", {
    kafka: kafkaAddress, advertised: `${adv.host}:${adv.port}`, dataDir: config.dataDir, nodeId: config.nodeId, clusterId,
    topics: quorum.image().topics.size, startMs: Math.round(performance.now() - startedMs),
  });

  let closing: Promise<void> | null = null;
  return {
    core,
    kafkaAddress,
    close() {
      closing ??= (async () => {
        log.info("shutting down");
        server.stopAccepting();
        waiters.wakeAll();
        // Give in-flight requests a moment to answer, then close every connection.
        await new Promise((r) => setTimeout(r, 50));
        server.closeAll(false);
        await groups.close();
        unsubscribe();
        await logs.close();
        await quorum.close();
        log.info("stopped");
      })();
      return closing;
    },
  };
}
