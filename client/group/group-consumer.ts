/**
 * A consumer-group member: subscribes to topics, gets partitions from the group, reads them with the
 * assign-based `Consumer`, and commits what the application has processed.
 *
 * At-least-once by default: a record counts as processed only when the application asks for the next
 * one (the iteration step that yielded it completed), and commits, automatic or not, cover processed
 * records only. Rebalances are applied at that same safe point: a revocation waits (up to
 * `rebalanceTimeoutMs`) until the record in the application's hands is done, commits, then takes the
 * partitions away, so no record of a revoked partition is handed out after its offset was committed.
 *
 * Ownership between awaits: the membership loop (driver.ts) changes `#owned` only inside `#rebalance`,
 * which holds the gate; the iterator hands out a record only while the gate is open and the record's
 * partition still has the epoch it had when the record was fetched.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import type { TopicPartitions } from "../assignors/consumer-protocol.ts";
import { cooperativeStickyAssignor } from "../assignors/cooperative-sticky.ts";
import { rangeAssignor } from "../assignors/range.ts";
import { roundRobinAssignor } from "../assignors/round-robin.ts";
import type { Assignor } from "../assignors/types.ts";
import type { Cluster } from "../cluster.ts";
import { Consumer, type ConsumerOptions } from "../consumer.ts";
import { tpKey } from "../offsets.ts";
import type { ConsumerRecord, TopicPartition } from "../types.ts";
import { findCoordinator } from "./coordinator.ts";
import { CoordinatorLink } from "./coordinator-link.ts";
import { MembershipDriver } from "./driver.ts";
import { Membership } from "./membership.ts";
import { commitOffsets, fetchCommittedOffsets, type PartitionOffset } from "./offsets-committer.ts";
import { flatten } from "./partition-keys.ts";

/** The assignors a group consumer can use, by Kafka's protocol names. */
export type AssignorName = "range" | "roundrobin" | "cooperative-sticky";

const ASSIGNORS: Record<AssignorName, Assignor> = { range: rangeAssignor, roundrobin: roundRobinAssignor, "cooperative-sticky": cooperativeStickyAssignor };

/** Group consumer settings (the fetch settings of `ConsumerOptions` apply too). */
export interface GroupConsumerOptions<K = Uint8Array, V = Uint8Array> extends Omit<ConsumerOptions<K, V>, "autoOffsetReset"> {
  groupId: string;
  topics: readonly string[];
  /** Default "range" (Kafka's first default). "cooperative-sticky" rebalances without stopping the partitions that stay. */
  assignor?: AssignorName;
  /** Commit processed offsets every `autoCommitIntervalMs`, before a revocation and on close. Default true. */
  autoCommit?: boolean;
  /** Default 5 000 ms. */
  autoCommitIntervalMs?: number;
  /** The coordinator drops a member not heard from for this long. Default 45 000 ms (Kafka's). */
  sessionTimeoutMs?: number;
  /** How long the group waits for members to rejoin, and the longest a revocation waits for the record in hand. Default 300 000 ms (Kafka's max.poll.interval.ms). */
  rebalanceTimeoutMs?: number;
  /** Default 3 000 ms (Kafka's); must be below sessionTimeoutMs. */
  heartbeatIntervalMs?: number;
  /** Static membership (KIP-345): same id after a restart within sessionTimeoutMs, same partitions, no rebalance; close() does not leave. */
  groupInstanceId?: string;
  /** Where to start a partition without a committed offset. Default "latest" (Kafka's). */
  autoOffsetReset?: "earliest" | "latest";
  /** After partitions were assigned and positioned (committed offset or reset policy). */
  onAssigned?: (partitions: TopicPartition[]) => void | Promise<void>;
  /** Before partitions are taken away, after the auto-commit; `lost` when the generation expired and nothing could be committed. */
  onRevoked?: (partitions: TopicPartition[], info: { lost: boolean }) => void | Promise<void>;
}

interface Owned {
  topic: string;
  partition: number;
  /** Changes whenever the partition is (re)assigned, so records fetched under an older ownership are dropped. */
  epoch: number;
}

/**
 * @example
 * const consumer = bus.consumer({ groupId: "billing", topics: ["orders"], autoOffsetReset: "earliest" });
 * for await (const r of consumer) {
 *   await handle(r);            // processed once the loop asks for the next record
 * }
 * await consumer.close();       // commits, then leaves the group
 */
export class GroupConsumer<K = Uint8Array, V = Uint8Array> implements AsyncIterable<ConsumerRecord<K, V>> {
  readonly #cluster: Cluster;
  readonly #opts: GroupConsumerOptions<K, V>;
  readonly #inner: Consumer<K, V>;
  readonly #driver: MembershipDriver;
  readonly #link: CoordinatorLink;
  readonly #autoCommit: boolean;
  readonly #autoCommitIntervalMs: number;
  readonly #rebalanceTimeoutMs: number;
  #owned = new Map<string, Owned>();
  #nextEpoch = 1;
  /** Next offset to commit per owned partition: one past the last processed record. */
  #processed = new Map<string, bigint>();
  #committed = new Map<string, bigint>();
  #nextAutoCommitAtMs = 0;
  /** The application holds a yielded record and has not asked for the next one. */
  #holding = false;
  #released: (() => void) | null = null;
  /** Set while a rebalance is applied; the iterator waits on it. */
  #gate: Promise<void> | null = null;
  #assignedSignal: (() => void) | null = null;
  #error: StreamBusError | null = null;
  #started = false;
  #closed = false;

  constructor(cluster: Cluster, opts: GroupConsumerOptions<K, V>) {
    if (opts.groupId === "") throw new StreamBusError("INVALID_GROUP_ID", "groupId must not be empty");
    const assignor = ASSIGNORS[opts.assignor ?? "range"];
    if (assignor === undefined) throw new StreamBusError("INVALID_CONFIG", `unknown assignor "${opts.assignor}" (range, roundrobin, cooperative-sticky)`);
    this.#cluster = cluster;
    this.#opts = opts;
    this.#autoCommit = opts.autoCommit ?? true;
    this.#autoCommitIntervalMs = opts.autoCommitIntervalMs ?? 5_000;
    this.#rebalanceTimeoutMs = opts.rebalanceTimeoutMs ?? 300_000;
    if (!(this.#autoCommitIntervalMs > 0)) throw new StreamBusError("INVALID_CONFIG", "autoCommitIntervalMs must be positive");
    this.#inner = new Consumer<K, V>(cluster, { ...opts, autoOffsetReset: opts.autoOffsetReset ?? "latest" });
    const core = new Membership({
      groupId: opts.groupId, groupInstanceId: opts.groupInstanceId ?? null, topics: [...opts.topics], assignor,
      sessionTimeoutMs: opts.sessionTimeoutMs ?? 45_000, rebalanceTimeoutMs: this.#rebalanceTimeoutMs,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 3_000, requestTimeoutMs: cluster.requestTimeoutMs,
      retryBackoff: cluster.retryBackoff, random: Math.random,
    });
    this.#link = new CoordinatorLink(cluster);
    this.#driver = new MembershipDriver(cluster, this.#link, core, {
      revoke: (partitions, lost) => this.#rebalance(() => this.#revoke(partitions, lost)),
      assign: (partitions) => this.#rebalance(() => this.#assign(partitions)),
      idle: (nowMs) => this.#idle(nowMs),
      failed: (error) => {
        this.#error = error;
        this.#assignedSignal?.();
      },
    });
  }

  /** Joins the group (also done by the first iteration). */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#nextAutoCommitAtMs = this.#cluster.nowMs() + this.#autoCommitIntervalMs;
    this.#driver.start();
  }

  /** The partitions this member owns now. */
  assignment(): TopicPartition[] {
    return [...this.#owned.values()].map((o) => ({ topic: o.topic, partition: o.partition }));
  }

  /** The member id and generation the coordinator gave (for logs and tests). */
  get membership(): { memberId: string; generationId: number; phase: string } {
    const core = this.#driver.core;
    return { memberId: core.memberId, generationId: core.generationId, phase: core.phase };
  }

  /** Records of the owned partitions, one at a time, until `close()`; throws if the member hit a fatal error. */
  async *[Symbol.asyncIterator](): AsyncIterator<ConsumerRecord<K, V>> {
    this.start();
    try {
      while (!this.#closed) {
        if (this.#error) throw this.#error;
        if (this.#gate) await this.#gate;
        if (this.#owned.size === 0) {
          await this.#waitForAssignment();
          continue;
        }
        const epochs = new Map([...this.#owned].map(([k, o]) => [k, o.epoch]));
        const records = await this.#inner.poll().catch((e: unknown) => {
          if (this.#closed) return [];
          throw e;
        });
        for (const r of records) {
          if (this.#gate) await this.#gate;
          if (this.#closed) return;
          const key = tpKey(r.topic, r.partition);
          const epoch = epochs.get(key);
          if (epoch === undefined || this.#owned.get(key)?.epoch !== epoch) continue; // revoked or re-assigned meanwhile
          this.#holding = true;
          yield r;
          this.#holding = false;
          if (this.#owned.get(key)?.epoch === epoch) this.#processed.set(key, r.offset + 1n);
          this.#released?.();
        }
      }
    } finally {
      // A `break` and a throw in the loop body look the same here, so the record in hand is not marked
      // processed (at-least-once): call `commit(record)` before breaking out if it was handled.
      this.#holding = false;
      this.#released?.();
    }
  }

  /**
   * Commits the processed positions of owned partitions (those that changed since the last commit).
   * With a record, first marks it (and everything before it in its partition) processed; with
   * explicit offsets ("next offset to read"), commits those instead.
   */
  async commit(upTo?: ConsumerRecord<K, V> | readonly PartitionOffset[]): Promise<void> {
    let offsets: PartitionOffset[];
    if (Array.isArray(upTo)) {
      offsets = [...upTo];
    } else {
      if (upTo !== undefined) {
        const r = upTo as ConsumerRecord<K, V>;
        const key = tpKey(r.topic, r.partition);
        if (this.#owned.has(key)) this.#processed.set(key, r.offset + 1n);
      }
      offsets = this.#pendingCommits(this.#owned.keys());
    }
    await this.#commit(offsets);
  }

  /** Stops iteration, commits (autoCommit), revokes, and leaves the group (static members stay). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#assignedSignal?.();
    if (this.#started) await this.#driver.stop();
    this.#link.close();
    await this.#inner.close();
  }

  #pendingCommits(keys: Iterable<string>): PartitionOffset[] {
    const out: PartitionOffset[] = [];
    for (const k of keys) {
      const o = this.#owned.get(k);
      const next = this.#processed.get(k);
      if (o === undefined || next === undefined || this.#committed.get(k) === next) continue;
      out.push({ topic: o.topic, partition: o.partition, offset: next });
    }
    return out;
  }

  async #commit(offsets: readonly PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const who = this.#driver.core.commitIdentity();
    if (who === null) throw new StreamBusError("REBALANCE_IN_PROGRESS", `group "${this.#opts.groupId}": not a member of a generation yet`, { groupId: this.#opts.groupId });
    const coordinatorId = this.#driver.core.coordinatorId ?? await findCoordinator(this.#cluster, this.#opts.groupId);
    await commitOffsets(this.#link, coordinatorId, this.#opts.groupId, who, offsets);
    for (const o of offsets) this.#committed.set(tpKey(o.topic, o.partition), o.offset);
  }

  /** Commits without failing the caller: auto-commits are retried at the next interval anyway. */
  async #commitQuietly(offsets: readonly PartitionOffset[]): Promise<void> {
    await this.#commit(offsets).catch((e: unknown) => this.#cluster.logger?.warn("auto-commit failed", { groupId: this.#opts.groupId, error: e }));
  }

  async #idle(nowMs: number): Promise<number | null> {
    if (!this.#autoCommit) return null;
    if (nowMs >= this.#nextAutoCommitAtMs) {
      this.#nextAutoCommitAtMs = nowMs + this.#autoCommitIntervalMs;
      await this.#commitQuietly(this.#pendingCommits(this.#owned.keys()));
    }
    return this.#nextAutoCommitAtMs;
  }

  /** Runs a change of ownership at the safe point: no record in the application's hands, none handed out meanwhile. */
  async #rebalance(change: () => Promise<void>): Promise<void> {
    let open: () => void = () => undefined;
    this.#gate = new Promise((resolve) => (open = resolve));
    try {
      const deadline = this.#cluster.nowMs() + this.#rebalanceTimeoutMs;
      while (this.#holding && !this.#closed && this.#cluster.nowMs() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.max(1, deadline - this.#cluster.nowMs()));
          const self = this;
          function done(): void {
            clearTimeout(timer);
            if (self.#released === done) self.#released = null;
            resolve();
          }
          this.#released = done;
        });
      }
      await change();
    } finally {
      this.#gate = null;
      open();
    }
  }

  async #revoke(partitions: TopicPartitions[], lost: boolean): Promise<void> {
    const list = flatten(partitions);
    const keys = list.map((tp) => tpKey(tp.topic, tp.partition));
    if (!lost && this.#autoCommit) await this.#commitQuietly(this.#pendingCommits(keys));
    try {
      await this.#opts.onRevoked?.(list, { lost });
    } finally {
      for (const k of keys) {
        this.#owned.delete(k);
        this.#processed.delete(k);
        this.#committed.delete(k);
      }
      this.#inner.assign(this.assignment());
    }
  }

  async #assign(partitions: TopicPartitions[]): Promise<void> {
    const list = flatten(partitions);
    const coordinatorId = this.#driver.core.coordinatorId ?? await findCoordinator(this.#cluster, this.#opts.groupId);
    // If this fails, the partitions start from the reset policy: reading again beats not reading.
    const committed = await fetchCommittedOffsets(this.#link, coordinatorId, this.#opts.groupId, list).catch((e: unknown) => {
      this.#cluster.logger?.warn("fetching committed offsets failed", { groupId: this.#opts.groupId, error: e });
      return new Map<string, PartitionOffset>();
    });
    for (const tp of list) this.#owned.set(tpKey(tp.topic, tp.partition), { ...tp, epoch: this.#nextEpoch++ });
    this.#inner.assign(this.assignment());
    for (const tp of list) {
      const c = committed.get(tpKey(tp.topic, tp.partition));
      if (c !== undefined) this.#committed.set(tpKey(tp.topic, tp.partition), c.offset);
      this.#inner.seek(tp, c !== undefined ? c.offset : this.#opts.autoOffsetReset ?? "latest");
    }
    this.#assignedSignal?.();
    await this.#opts.onAssigned?.(list);
  }

  /** Waits until partitions arrive, the consumer closes, or 100 ms pass (then the loop checks again). */
  #waitForAssignment(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, 100);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.#assignedSignal === done) self.#assignedSignal = null;
        resolve();
      }
      this.#assignedSignal = done;
    });
  }
}
