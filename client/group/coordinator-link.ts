/**
 * A group member's own connection to its coordinator. JoinGroup and SyncGroup park at the coordinator
 * for up to the rebalance timeout, and a broker answers one connection's requests in order, so on a
 * shared connection one member's parked JoinGroup would hold back every other member's heartbeats
 * (and they would miss the rebalance). Kafka's clients keep a separate coordinator connection for the
 * same reason.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import type { ApiName, RequestOf, ResponseOf } from "../apis.ts";
import type { Cluster } from "../cluster.ts";
import { Connection } from "../connection.ts";

/** What the group helpers need to talk to a coordinator: a `Cluster` or a `CoordinatorLink`. */
export interface GroupRequester {
  request<N extends ApiName>(nodeId: number, api: N, body: RequestOf<N>, opts?: { timeoutMs?: number }): Promise<ResponseOf<N>>;
}

/**
 * @example
 * const link = new CoordinatorLink(cluster);
 * await link.request(coordinatorId, "Heartbeat", { groupId, generationId, memberId });
 * link.close();
 */
export class CoordinatorLink implements GroupRequester {
  readonly #cluster: Cluster;
  #nodeId = -1;
  #conn: Promise<Connection> | null = null;
  #closed = false;

  constructor(cluster: Cluster) {
    this.#cluster = cluster;
  }

  async request<N extends ApiName>(nodeId: number, api: N, body: RequestOf<N>, opts?: { timeoutMs?: number }): Promise<ResponseOf<N>> {
    const conn = await this.#connection(nodeId);
    return conn.request(api, body, opts);
  }

  async #connection(nodeId: number): Promise<Connection> {
    if (this.#closed) throw new StreamBusError("SHUTTING_DOWN", "the group member is closed");
    if (this.#conn !== null && this.#nodeId === nodeId) {
      const c = await this.#conn.catch(() => null);
      if (c !== null && !c.closed) return c;
    }
    this.#dropConnection();
    this.#nodeId = nodeId;
    const opening = this.#open(nodeId);
    this.#conn = opening;
    opening.catch(() => {
      if (this.#conn === opening) this.#conn = null;
    });
    return opening;
  }

  async #open(nodeId: number): Promise<Connection> {
    if (this.#cluster.metadata.broker(nodeId) === undefined) await this.#cluster.refreshMetadata();
    const b = this.#cluster.metadata.broker(nodeId);
    if (b === undefined) throw new StreamBusError("COORDINATOR_NOT_AVAILABLE", `coordinator ${nodeId} is not in the cluster metadata`, { nodeId });
    const conn = await Connection.open({ host: b.host, port: b.port, clientId: this.#cluster.clientId, requestTimeoutMs: this.#cluster.requestTimeoutMs });
    if (this.#closed) conn.close();
    return conn;
  }

  #dropConnection(): void {
    const old = this.#conn;
    this.#conn = null;
    void old?.then((c) => c.close(), () => undefined);
  }

  /** Closes the connection; requests in flight fail with NETWORK_EXCEPTION. */
  close(): void {
    this.#closed = true;
    this.#dropConnection();
  }
}
