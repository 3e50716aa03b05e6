/**
 * The async shell around the pure group coordinators (coordinator.ts has the contract). One
 * GroupCoordinator per `__consumer_offsets` partition this broker leads, loaded by replaying that
 * partition's log. Calls run synchronously in the core; their effects run here in order:
 * `persist` appends to the offsets partition (an ordinary acks=all append under the log's flush
 * policy), and every answer of an outcome that persisted is released only once its appends are
 * durable. Answers leave in outcome order per partition (one promise chain per partition).
 */
import { StreamBusError, assert, kafkaCodeOf, toStreamBusError, type ErrorCode } from "../../protocol/errors.ts";
import type { Logger } from "../../protocol/logger.ts";
import { decodeRecordBatches, encodeRecordBatch } from "../../protocol/record-batch.ts";
import type { PartitionLog } from "../../storage/log.ts";
import { GroupCoordinator } from "./coordinator.ts";
import type { GroupLimits } from "./limits.ts";
import { loadGroups } from "./load.ts";
import { offsetsPartitionFor } from "./records.ts";
import type { Effect, Outcome, OffsetsTopicRecord, Ticket } from "./types.ts";

export const OFFSETS_TOPIC = "__consumer_offsets";
/** Bytes read per step while replaying an offsets partition. */
const LOAD_READ_BYTES = 1 << 20;
const TICK_INTERVAL_MS = 250;

interface Parked {
  resolve(reply: unknown): void;
  fail(code: ErrorCode): void;
}

interface Slot {
  partition: number;
  coordinator: GroupCoordinator;
  log: PartitionLog;
  leaderEpoch: number;
  parked: Map<Ticket, Parked>;
  chain: Promise<void>;
}

export interface GroupDriverDeps {
  nodeId: number;
  log: Logger;
  nowMs(): number;
  partitions: number;
  limits: Partial<GroupLimits>;
  /** The offsets partition log this broker leads, or why not. */
  leaderLog(partition: number): { log: PartitionLog; leaderEpoch: number } | { error: ErrorCode };
  /** Creates `__consumer_offsets` if it does not exist; resolves to its partition count. */
  ensureTopic(): Promise<number>;
}

export class GroupDriver {
  readonly #slots = new Map<number, Slot>();
  readonly #loading = new Set<number>();
  #partitionCount = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #closed = false;

  constructor(private readonly deps: GroupDriverDeps) {}

  /** Creates the offsets topic if needed, loads every partition this broker leads, starts the tick timer. */
  async start(): Promise<void> {
    this.#partitionCount = await this.deps.ensureTopic();
    for (let p = 0; p < this.#partitionCount; p++) await this.#load(p);
    this.#timer = setInterval(() => this.#tick(), TICK_INTERVAL_MS);
  }

  get partitionCount(): number {
    return this.#partitionCount;
  }

  /** The offsets partition of a group. */
  partitionFor(groupId: string): number {
    assert(this.#partitionCount > 0, "group driver started");
    return offsetsPartitionFor(groupId, this.#partitionCount);
  }

  /** Null when this broker coordinates the group, else the error to answer with. */
  coordinatorError(groupId: string): ErrorCode | null {
    // Before start() finished (the listener opens first, to learn its port) no group has a coordinator yet.
    if (this.#closed || this.#partitionCount === 0) return "COORDINATOR_NOT_AVAILABLE";
    const p = this.partitionFor(groupId);
    if (this.#slots.has(p)) return null;
    return this.#loading.has(p) ? "COORDINATOR_LOAD_IN_PROGRESS" : "NOT_COORDINATOR";
  }

  /** Every loaded coordinator (for ListGroups). */
  coordinators(): GroupCoordinator[] {
    return [...this.#slots.values()].map((s) => s.coordinator);
  }

  /**
   * Runs one call against the group's coordinator and resolves with its answer once it may be released
   * (after the appends it caused are durable; for parked calls, when a later outcome answers them).
   * `failReply` builds the answer for a parked call that must fail (coordinator dropped, append failed).
   */
  run<R>(groupId: string, call: (c: GroupCoordinator, nowMs: number) => Outcome<R>, failReply: (code: number) => R): Promise<R> {
    const err = this.coordinatorError(groupId);
    if (err) return Promise.resolve(failReply(kafkaCodeOf(err)));
    const slot = this.#slots.get(this.partitionFor(groupId))!;
    let outcome: Outcome<R>;
    try {
      outcome = call(slot.coordinator, this.deps.nowMs());
    } catch (err) {
      // A core that threw may have stopped half way through a transition (parked requests nobody will
      // answer): drop it and rebuild the partition from its log, as after a failed append.
      this.deps.log.error("group coordinator call failed; reloading the partition", { partition: slot.partition, groupId, error: toStreamBusError(err).message });
      this.#dropAndReload(slot);
      return Promise.resolve(failReply(kafkaCodeOf("NOT_COORDINATOR")));
    }
    let answer: Promise<R>;
    if (outcome.parked !== undefined) {
      answer = new Promise<R>((resolve) => {
        slot.parked.set(outcome.parked!, { resolve: (r) => resolve(r as R), fail: (code) => resolve(failReply(kafkaCodeOf(code))) });
      });
      this.#process(slot, outcome.effects);
    } else {
      answer = this.#process(slot, outcome.effects).then((ok) => (ok ? (outcome.response as R) : failReply(kafkaCodeOf("NOT_COORDINATOR"))));
    }
    return answer;
  }

  /** Stops the timer and answers every parked call with NOT_COORDINATOR. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const slot of this.#slots.values()) {
      await slot.chain;
      for (const p of slot.parked.values()) p.fail("NOT_COORDINATOR");
      slot.parked.clear();
    }
    this.#slots.clear();
  }

  #tick(): void {
    const now = this.deps.nowMs();
    for (const slot of [...this.#slots.values()]) {
      let effects: Effect[];
      try {
        effects = slot.coordinator.tick(now).effects;
      } catch (err) {
        this.deps.log.error("group coordinator tick failed; reloading the partition", { partition: slot.partition, error: toStreamBusError(err).message });
        this.#dropAndReload(slot);
        continue;
      }
      if (effects.length > 0) this.#process(slot, effects);
    }
  }

  /**
   * Queues an outcome's effects on the partition's chain: appends first, then the replies. Resolves to
   * false when an append failed (the answers then carry NOT_COORDINATOR and the partition reloads).
   */
  #process(slot: Slot, effects: readonly Effect[]): Promise<boolean> {
    const run = slot.chain.then(async () => {
      let ok = true;
      for (const e of effects) {
        if (e.type !== "persist" || !ok) continue;
        try {
          await this.#append(slot, e.records);
        } catch (err) {
          ok = false;
          this.deps.log.error("offsets append failed; reloading the partition", { partition: slot.partition, error: toStreamBusError(err).message });
        }
      }
      for (const e of effects) {
        if (e.type === "persist") continue;
        const parked = slot.parked.get(e.ticket);
        if (!parked) continue;
        slot.parked.delete(e.ticket);
        if (ok) parked.resolve(e.reply);
        else parked.fail("NOT_COORDINATOR");
      }
      if (!ok) void this.#reload(slot);
      return ok;
    });
    slot.chain = run.then(() => undefined);
    return run;
  }

  async #append(slot: Slot, records: readonly OffsetsTopicRecord[]): Promise<void> {
    const batch = encodeRecordBatch({ compression: "none", records: records.map((r) => ({ key: r.key, value: r.value })) });
    await slot.log.append(batch, { leaderEpoch: slot.leaderEpoch });
  }

  /**
   * Takes a coordinator out of service now (callers get COORDINATOR_LOAD_IN_PROGRESS and retry), then,
   * once the effects already queued on its chain are done (so the replay sees their appends), fails its
   * parked calls and reloads the partition.
   */
  #dropAndReload(slot: Slot): void {
    if (this.#slots.get(slot.partition) !== slot) return;
    this.#slots.delete(slot.partition);
    this.#loading.add(slot.partition);
    void slot.chain.then(async () => {
      for (const p of slot.parked.values()) p.fail("NOT_COORDINATOR");
      slot.parked.clear();
      this.#loading.delete(slot.partition);
      if (this.#closed) return;
      await this.#load(slot.partition).catch((e) => this.deps.log.error("offsets partition reload failed", { partition: slot.partition, error: String(e) }));
    });
  }

  async #reload(slot: Slot): Promise<void> {
    if (this.#slots.get(slot.partition) !== slot) return;
    this.#slots.delete(slot.partition);
    for (const p of slot.parked.values()) p.fail("NOT_COORDINATOR");
    slot.parked.clear();
    await this.#load(slot.partition).catch((e) => this.deps.log.error("offsets partition reload failed", { partition: slot.partition, error: String(e) }));
  }

  /** Replays one offsets partition into a fresh coordinator. */
  async #load(partition: number): Promise<void> {
    const target = this.deps.leaderLog(partition);
    if ("error" in target) return;
    this.#loading.add(partition);
    try {
      const records: OffsetsTopicRecord[] = [];
      let offset = target.log.logStartOffset;
      const end = target.log.highWatermark;
      for (let steps = 0; offset < end; steps++) {
        assert(steps < 10_000_000, "offsets replay makes progress");
        const r = await target.log.read(offset, LOAD_READ_BYTES);
        if (r.bytes.byteLength === 0) break;
        for (const b of decodeRecordBatches(r.bytes)) {
          for (const rec of b.records) {
            if (rec.offset < offset || rec.key === null) continue;
            records.push({ key: rec.key.slice(), value: rec.value ? rec.value.slice() : null });
          }
        }
        if (r.nextOffset <= offset) throw new StreamBusError("CORRUPT_MESSAGE", `offsets partition ${partition} does not advance at ${offset}`);
        offset = r.nextOffset;
      }
      const coordinator = new GroupCoordinator({
        nowMs: this.deps.nowMs(),
        newMemberId: (prefix) => `${prefix}-${crypto.randomUUID()}`,
        limits: this.deps.limits,
        loaded: loadGroups(records),
      });
      this.#slots.set(partition, { partition, coordinator, log: target.log, leaderEpoch: target.leaderEpoch, parked: new Map(), chain: Promise.resolve() });
      this.deps.log.debug("offsets partition loaded", { partition, records: records.length });
    } finally {
      this.#loading.delete(partition);
    }
  }
}
