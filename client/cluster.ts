/**
 * The cluster view the producer, consumer and admin share: bootstrap from seed brokers, a metadata cache
 * kept fresh on demand, and connections per broker (one for ordinary requests, a second for long-poll
 * fetches so a fetch waiting `maxWaitMs` never delays a produce or metadata call behind it).
 *
 * A broker that fails to connect is put in backoff (exponential, per broker): calls to it fail fast with
 * UNAVAILABLE until its backoff ends, so one dead broker costs a retry, not a stalled client.
 */
import { StreamBusError, assert } from "../protocol/errors.ts";
import type { Logger } from "../protocol/logger.ts";
import type { ProtocolLimits } from "../protocol/limits.ts";
import type { ApiName, RequestOf, ResponseOf } from "./apis.ts";
import { backoffMs, retry, type BackoffOptions } from "./backoff.ts";
import { Connection, type RequestOptions } from "./connection.ts";
import { MetadataCache, type TopicInfo } from "./metadata.ts";

/** Options shared by every client made from one StreamBus. */
export interface ClusterOptions {
  /** Seed brokers, "host:port". Any one reachable broker is enough to discover the rest. */
  brokers: readonly string[];
  /** Sent with every request (broker logs and quotas). Default "streambus". */
  clientId?: string;
  /** Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Refresh metadata at least this often when it is used. Default 300 000 ms (Kafka's metadata.max.age.ms). */
  metadataMaxAgeMs?: number;
  /** How long to wait for a new topic to show up in metadata (UNKNOWN_TOPIC_OR_PARTITION is retried until then). Default 10 000 ms. */
  topicWaitMs?: number;
  /** Backoff between retries and between reconnects to a failed broker. */
  retryBackoff?: BackoffOptions;
  /** Let Metadata create topics that do not exist (broker permitting). Default false. */
  allowAutoTopicCreation?: boolean;
  limits?: ProtocolLimits;
  logger?: Logger;
  nowMs?: () => number;
}

/** Which connection to a broker: ordinary requests, or long-poll fetches. */
export type Lane = "main" | "fetch";

interface BrokerHealth {
  failureCount: number;
  retryAtMs: number;
}

/** Parses "host:port" (IPv6 as "[::1]:9092"). */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s.trim());
  if (!m) throw new StreamBusError("INVALID_CONFIG", `broker address "${s}" is not host:port`);
  const port = Number(m[2]);
  if (port <= 0 || port > 65535) throw new StreamBusError("INVALID_CONFIG", `broker address "${s}" has an invalid port`);
  return { host: m[1]!, port };
}

/**
 * Connections and metadata for one cluster.
 *
 * @example
 * const cluster = new Cluster({ brokers: ["127.0.0.1:9092"] });
 * const topic = await cluster.topic("orders");
 * const conn = await cluster.connection(topic.partitions[0].leader);
 * await cluster.close();
 */
export class Cluster {
  readonly metadata = new MetadataCache();
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  readonly retryBackoff: BackoffOptions;
  readonly logger: Logger | undefined;
  readonly nowMs: () => number;
  readonly #opts: ClusterOptions;
  readonly #seeds: { host: string; port: number }[];
  readonly #connections = new Map<string, Promise<Connection>>();
  readonly #health = new Map<string, BrokerHealth>();
  #refreshing: Promise<void> | null = null;
  #refreshWanted = new Set<string>();
  #closed = false;

  constructor(opts: ClusterOptions) {
    if (opts.brokers.length === 0) throw new StreamBusError("INVALID_CONFIG", "brokers must list at least one host:port");
    this.#opts = opts;
    this.#seeds = opts.brokers.map(parseHostPort);
    this.clientId = opts.clientId ?? "streambus";
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.retryBackoff = opts.retryBackoff ?? {};
    this.logger = opts.logger;
    this.nowMs = opts.nowMs ?? Date.now;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A connection to broker `nodeId` (from metadata). Fails fast with UNAVAILABLE while the broker is in backoff. */
  async connection(nodeId: number, lane: Lane = "main"): Promise<Connection> {
    let b = this.metadata.broker(nodeId);
    if (b === undefined) {
      await this.refreshMetadata();
      b = this.metadata.broker(nodeId);
    }
    if (b === undefined) throw new StreamBusError("BROKER_NOT_AVAILABLE", `broker ${nodeId} is not in the cluster metadata`, { nodeId });
    return this.#connect(b.host, b.port, lane);
  }

  /** A connection to any reachable broker: open ones first, then metadata brokers and seeds by health. */
  async anyConnection(): Promise<Connection> {
    for (const p of this.#connections.values()) {
      const c = await p.catch(() => null);
      if (c && !c.closed) return c;
    }
    const candidates = [...this.metadata.brokers().map((b) => ({ host: b.host, port: b.port })), ...this.#seeds];
    // Healthy brokers first; brokers in backoff are still tried last, since "any" must not give up early.
    candidates.sort((a, b) => this.#retryAt(a) - this.#retryAt(b));
    let lastError: StreamBusError | null = null;
    for (const c of candidates) {
      try {
        return await this.#connect(c.host, c.port, "main", true);
      } catch (e) {
        if (!(e instanceof StreamBusError)) throw e;
        lastError = e;
      }
    }
    throw new StreamBusError("UNAVAILABLE", `no broker reachable (tried ${candidates.map((c) => `${c.host}:${c.port}`).join(", ")})`, undefined, { cause: lastError });
  }

  #retryAt(c: { host: string; port: number }): number {
    return this.#health.get(`${c.host}:${c.port}`)?.retryAtMs ?? 0;
  }

  #connect(host: string, port: number, lane: Lane, ignoreBackoff = false): Promise<Connection> {
    if (this.#closed) return Promise.reject(new StreamBusError("SHUTTING_DOWN", "the client is closed"));
    const address = `${host}:${port}`;
    const key = `${lane}/${address}`;
    const existing = this.#connections.get(key);
    if (existing) return existing.then((c) => (c.closed ? this.#reconnect(key, host, port, ignoreBackoff) : c));
    return this.#reconnect(key, host, port, ignoreBackoff);
  }

  #reconnect(key: string, host: string, port: number, ignoreBackoff: boolean): Promise<Connection> {
    const address = `${host}:${port}`;
    const health = this.#health.get(address);
    if (!ignoreBackoff && health && health.retryAtMs > this.nowMs()) {
      return Promise.reject(new StreamBusError("UNAVAILABLE", `broker ${address} is in backoff after ${health.failureCount} failed attempts`, { broker: address }));
    }
    const opening = Connection.open({
      host, port, clientId: this.clientId, connectTimeoutMs: this.#opts.connectTimeoutMs, requestTimeoutMs: this.requestTimeoutMs, limits: this.#opts.limits,
    }).then(
      (c) => {
        this.#health.delete(address);
        if (this.#closed) c.close();
        c.onClose(() => {
          if (this.#connections.get(key) === opening) this.#connections.delete(key);
        });
        return c;
      },
      (e: unknown) => {
        const failureCount = (health?.failureCount ?? 0) + 1;
        this.#health.set(address, { failureCount, retryAtMs: this.nowMs() + backoffMs(failureCount - 1, this.retryBackoff) });
        if (this.#connections.get(key) === opening) this.#connections.delete(key);
        this.logger?.warn("broker connection failed", { broker: address, failureCount, error: e });
        throw e;
      },
    );
    this.#connections.set(key, opening);
    return opening;
  }

  /** Sends one request to broker `nodeId` ("any" for any reachable broker). */
  async request<N extends ApiName>(nodeId: number | "any", api: N, body: RequestOf<N>, opts?: RequestOptions & { lane?: Lane }): Promise<ResponseOf<N>> {
    const conn = nodeId === "any" ? await this.anyConnection() : await this.connection(nodeId, opts?.lane);
    return conn.request(api, body, opts);
  }

  /**
   * Refreshes metadata for every cached topic plus `topics`. Concurrent calls share one request where
   * they can; a call made during a refresh that lacks its topics waits for it and then asks again.
   */
  async refreshMetadata(topics: readonly string[] = []): Promise<void> {
    for (const t of topics) this.#refreshWanted.add(t);
    while (this.#refreshing) {
      await this.#refreshing.catch(() => undefined);
      if (topics.every((t) => this.metadata.topic(t) || this.metadata.topicError(t))) return;
    }
    const names = [...new Set([...this.metadata.topicNames(), ...this.#refreshWanted])];
    this.#refreshWanted.clear();
    this.#refreshing = (async () => {
      const md = await this.request("any", "Metadata", {
        topics: names.map((name) => ({ name })),
        allowAutoTopicCreation: this.#opts.allowAutoTopicCreation ?? false,
      });
      this.metadata.update(md, this.nowMs());
    })();
    try {
      await this.#refreshing;
    } finally {
      this.#refreshing = null;
    }
  }

  /** Metadata for every topic in the cluster (admin listTopics). */
  async allTopics(): Promise<ResponseOf<"Metadata">> {
    const md = await this.request("any", "Metadata", { topics: null, allowAutoTopicCreation: false });
    this.metadata.update(md, this.nowMs());
    return md;
  }

  /**
   * The topic's metadata, fetched when missing or stale. UNKNOWN_TOPIC_OR_PARTITION and LEADER_NOT_AVAILABLE
   * are retried for up to `topicWaitMs`, since a topic created a moment ago takes a little while to appear.
   */
  async topic(name: string): Promise<TopicInfo> {
    const cached = this.metadata.topic(name);
    const maxAgeMs = this.#opts.metadataMaxAgeMs ?? 300_000;
    if (cached && this.nowMs() - this.metadata.updatedAtMs < maxAgeMs && cached.partitions.every((p) => p.leader >= 0)) return cached;
    return retry(async () => {
      await this.refreshMetadata([name]);
      const t = this.metadata.topic(name);
      if (t === undefined) {
        const code = this.metadata.topicError(name) ?? "UNKNOWN_TOPIC_OR_PARTITION";
        throw new StreamBusError(code, `topic "${name}": ${code}`, { topic: name });
      }
      if (t.partitions.some((p) => p.leader < 0)) throw new StreamBusError("LEADER_NOT_AVAILABLE", `topic "${name}" has partitions without a leader`, { topic: name });
      return t;
    }, { ...this.retryBackoff, deadlineMs: this.#opts.topicWaitMs ?? 10_000 });
  }

  /** The leader of a partition, refreshing metadata when unknown. */
  async leaderFor(topic: string, partition: number): Promise<number> {
    const t = await this.topic(topic);
    const p = t.partitions[partition];
    if (p === undefined) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${topic}" has no partition ${partition}`, { topic, partition });
    assert(p.partition === partition, "partitions are dense and sorted");
    return p.leader;
  }

  /** Closes every connection. In-flight requests fail with NETWORK_EXCEPTION. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.values()];
    this.#connections.clear();
    for (const p of all) {
      const c = await p.catch(() => null);
      c?.close();
    }
  }
}
