/**
 * The shell around `Membership`: one loop that owns the core, carries out each `Ready` in order
 * (revoke, assign, partition counts, send), waits for the next heartbeat or a stop, and leaves on stop.
 * Only this loop touches the core, so no two awaits ever race on membership state.
 *
 * Requests that can park at the coordinator (JoinGroup, SyncGroup) race the stop signal, so `stop()`
 * never waits out a rebalance; an abandoned response is simply never fed to the core.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import type { TopicPartitions } from "../assignors/consumer-protocol.ts";
import type { Cluster } from "../cluster.ts";
import { coordinatorOf } from "./coordinator.ts";
import type { CoordinatorLink } from "./coordinator-link.ts";
import type { GroupEvent, GroupRequest, Membership, Ready } from "./membership.ts";

/** What the driver asks of the consumer. Hooks may await; the loop waits for them. */
export interface MembershipHooks {
  revoke(partitions: TopicPartitions[], lost: boolean): Promise<void>;
  assign(partitions: TopicPartitions[]): Promise<void>;
  /** Called whenever the loop is idle; returns the next time (ms) it wants to be called, or null. */
  idle(nowMs: number): Promise<number | null>;
  /** The member stopped on a fatal error. */
  failed(error: StreamBusError): void;
}

/** Longest the loop sleeps when nothing is scheduled, so a missed wake-up costs at most this. */
const IDLE_WAKE_MS_MAX = 1_000;

/**
 * @example
 * const driver = new MembershipDriver(cluster, new CoordinatorLink(cluster), new Membership(cfg), hooks);
 * driver.start();
 * await driver.stop(); // revokes, commits via hooks, leaves the group
 */
export class MembershipDriver {
  readonly #cluster: Cluster;
  readonly #core: Membership;
  readonly #hooks: MembershipHooks;
  readonly #link: CoordinatorLink;
  #stopping = false;
  #wake: (() => void) | null = null;
  #stopSignal: Promise<"stop">;
  #signalStop: () => void = () => undefined;
  #loop: Promise<void> | null = null;

  constructor(cluster: Cluster, link: CoordinatorLink, core: Membership, hooks: MembershipHooks) {
    this.#cluster = cluster;
    this.#link = link;
    this.#core = core;
    this.#hooks = hooks;
    this.#stopSignal = new Promise((resolve) => (this.#signalStop = () => resolve("stop")));
  }

  get core(): Membership {
    return this.#core;
  }

  start(): void {
    if (this.#loop !== null) return;
    this.#loop = this.#run().catch((e: unknown) => {
      this.#hooks.failed(e instanceof StreamBusError ? e : new StreamBusError("UNKNOWN_SERVER_ERROR", `group membership loop failed: ${String(e)}`, undefined, { cause: e }));
    });
  }

  /** Wakes the idle loop early (e.g. an auto-commit became due). */
  poke(): void {
    this.#wake?.();
  }

  /** Stops the loop, then revokes everything and leaves (dynamic members) through the hooks. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#signalStop();
    this.#wake?.();
    await this.#loop;
    const ready = this.#core.leave();
    await this.#applyPartitions(ready);
    if (ready.send !== null) await this.#request(ready.send.request, ready.send.timeoutMs).catch(() => undefined);
  }

  async #run(): Promise<void> {
    let ready = this.#core.start();
    while (!this.#stopping) {
      await this.#applyPartitions(ready);
      if (ready.error !== null) return this.#hooks.failed(ready.error);
      if (this.#stopping) return;
      if (ready.needPartitionCounts !== null) {
        ready = this.#core.step({ kind: "partition-counts", counts: await this.#partitionCounts(ready.needPartitionCounts) }, this.#cluster.nowMs());
        continue;
      }
      if (ready.send !== null) {
        if (ready.send.delayMs > 0) await this.#sleep(ready.send.delayMs);
        if (this.#stopping) return;
        const event = await this.#exchange(ready.send.request, ready.send.timeoutMs);
        if (event === "stop") return;
        ready = this.#core.step(event, this.#cluster.nowMs());
        continue;
      }
      const wantedAtMs = await this.#hooks.idle(this.#cluster.nowMs());
      const heartbeatAtMs = this.#core.nextWakeMs();
      const now = this.#cluster.nowMs();
      const untilMs = Math.min(heartbeatAtMs ?? Infinity, wantedAtMs ?? Infinity, now + IDLE_WAKE_MS_MAX);
      if (untilMs > now) await this.#sleep(untilMs - now);
      ready = this.#core.tick(this.#cluster.nowMs());
    }
  }

  async #applyPartitions(ready: Ready): Promise<void> {
    if (ready.revoke !== null) await this.#hooks.revoke(ready.revoke.partitions, ready.revoke.lost);
    if (ready.assign !== null) await this.#hooks.assign(ready.assign);
  }

  /** Sends a request and turns the answer into an event; parking requests give way to a stop. */
  async #exchange(request: GroupRequest, timeoutMs: number): Promise<GroupEvent | "stop"> {
    const answer = this.#request(request, timeoutMs).then(
      (event) => event,
      (e: unknown): GroupEvent => {
        if (e instanceof StreamBusError) return { kind: "request-failed", error: e };
        throw e;
      },
    );
    const parks = request.api === "JoinGroup" || request.api === "SyncGroup";
    return parks ? Promise.race([answer, this.#stopSignal]) : answer;
  }

  async #request(request: GroupRequest, timeoutMs: number): Promise<GroupEvent> {
    const opts = { timeoutMs };
    switch (request.api) {
      case "FindCoordinator": {
        const res = await this.#cluster.request("any", "FindCoordinator", request.body, opts);
        return { kind: "coordinator", ...coordinatorOf(res) };
      }
      case "JoinGroup":
        return { kind: "join", response: await this.#link.request(this.#coordinator(), "JoinGroup", request.body, opts) };
      case "SyncGroup":
        return { kind: "sync", response: await this.#link.request(this.#coordinator(), "SyncGroup", request.body, opts) };
      case "Heartbeat": {
        const res = await this.#link.request(this.#coordinator(), "Heartbeat", request.body, opts);
        return { kind: "heartbeat", errorCode: res.errorCode };
      }
      case "LeaveGroup": {
        const res = await this.#link.request(this.#coordinator(), "LeaveGroup", request.body, opts);
        return { kind: "heartbeat", errorCode: res.errorCode }; // only ever sent from stop(); not fed back
      }
    }
  }

  #coordinator(): number {
    const id = this.#core.coordinatorId;
    if (id === null) throw new StreamBusError("COORDINATOR_NOT_AVAILABLE", "no coordinator known");
    return id;
  }

  /** Partition counts of the subscribed topics that exist; missing topics are left out (the assignor skips them). */
  async #partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    await this.#cluster.refreshMetadata(topics).catch(() => undefined);
    const out = new Map<string, number>();
    for (const t of topics) {
      const info = this.#cluster.metadata.topic(t);
      if (info !== undefined) out.set(t, info.partitions.length);
    }
    return out;
  }

  /** Sleeps, waking early on `poke()` or `stop()`. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.#wake === done) self.#wake = null;
        resolve();
      }
      this.#wake = done;
    });
  }
}
