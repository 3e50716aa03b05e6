/**
 * The driving shell around a RaftCore: it owns the tick timer, persists each Ready through RaftStorage,
 * hands messages to a transport, and passes committed entries to the state machine, in the Ready order.
 * The core stays pure; every await lives here. Inputs that arrive while a Ready is in progress (ticks,
 * messages, proposals) wait in a queue and run right after `advance`, so the core never sees a call
 * between `ready()` and `advance()`.
 */
import { assert, StreamBusError } from "../protocol/errors.ts";
import type { Logger } from "../protocol/logger.ts";
import type { RaftCore } from "./core.ts";
import type { RaftStorage } from "./storage.ts";
import type { Entry, Message, ReadState, Snapshot } from "./types.ts";

/** Timer functions, injected so tests can drive time by hand. */
export interface TimerDeps {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Where a node's messages go. A one-voter quorum has no peers, so it needs none. */
export interface RaftTransport {
  send(messages: readonly Message[]): void;
}

/** The state machine side: called after persistence, in log order. */
export interface RaftApplier {
  /** Restore from a snapshot received from the leader. */
  restore(s: Snapshot): void;
  apply(entries: readonly Entry[]): void;
  reads?(states: readonly ReadState[]): void;
  /** Called after each Ready; may return a snapshot to take now (state machine bytes as of `applied`). */
  maybeSnapshot?(applied: number): Uint8Array | null;
  /** The node stopped on a fatal error (storage failure, broken invariant). */
  failed?(e: unknown): void;
}

/** Inputs waiting for the current Ready to finish; a cap keeps a stalled disk from eating memory. */
export const QUEUED_INPUTS_MAX = 100_000;

export class RaftNode {
  readonly core: RaftCore;
  #storage: RaftStorage;
  #transport: RaftTransport | null;
  #applier: RaftApplier;
  #log: Logger;
  #timer: TimerDeps;
  #tickHandle: unknown = null;
  #queue: (() => void)[] = [];
  #running = false;
  #closed = false;
  #failure: unknown = null;
  #idle: (() => void)[] = [];

  constructor(o: { core: RaftCore; storage: RaftStorage; transport: RaftTransport | null; applier: RaftApplier; logger: Logger; timer: TimerDeps }) {
    this.core = o.core;
    this.#storage = o.storage;
    this.#transport = o.transport;
    this.#applier = o.applier;
    this.#log = o.logger;
    this.#timer = o.timer;
  }

  start(tickMs: number): void {
    assert(tickMs > 0, "tickMs > 0");
    this.#tickHandle = this.#timer.setInterval(() => this.run(() => this.core.tick()), tickMs);
    this.#kick();
  }

  /**
   * Runs `fn` against the core now, or right after the current Ready. The promise settles with its result.
   */
  run<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StreamBusError("SHUTTING_DOWN", "raft node is closed"));
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#queue.length >= QUEUED_INPUTS_MAX) return Promise.reject(new StreamBusError("LIMIT_EXCEEDED", "raft input queue is full"));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        try {
          resolve(fn());
        } catch (e) {
          reject(e);
        }
      });
      this.#kick();
    });
  }

  /** Feeds a message from the transport. */
  receive(m: Message): void {
    void this.run(() => this.core.step(m)).catch(() => {});
  }

  /** Resolves when no Ready is pending or in progress. */
  idle(): Promise<void> {
    if (!this.#running && !this.core.hasReady() && this.#queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  async close(): Promise<void> {
    if (this.#tickHandle !== null) this.#timer.clearInterval(this.#tickHandle);
    this.#tickHandle = null;
    await this.idle();
    this.#closed = true;
    await this.#storage.close();
  }

  #kick(): void {
    if (this.#running || this.#failure) return;
    this.#running = true;
    queueMicrotask(() => void this.#loop());
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        const inputs = this.#queue;
        this.#queue = [];
        for (const f of inputs) f();
        if (!this.core.hasReady()) break;
        const rd = this.core.ready();
        await this.#storage.persist(rd); // 1. durable before anything is promised to anyone
        if (rd.messages.length > 0) this.#transport?.send(rd.messages); // 2.
        if (rd.snapshot) this.#applier.restore(rd.snapshot); // 3.
        if (rd.committedEntries.length > 0) this.#applier.apply(rd.committedEntries);
        if (rd.readStates.length > 0) this.#applier.reads?.(rd.readStates); // 4.
        this.core.advance(rd);
        await this.#maybeSnapshot();
      }
    } catch (e) {
      this.#failure = e;
      this.#log.error("raft node stopped", { error: e });
      for (const f of this.#queue) f(); // let queued callers see the failure via run()'s rejections
      this.#queue = [];
      this.#applier.failed?.(e);
    } finally {
      this.#running = false;
    }
    if (this.#queue.length > 0 && !this.#failure) return this.#kick();
    for (const r of this.#idle.splice(0)) r();
  }

  async #maybeSnapshot(): Promise<void> {
    const applied = this.core.status().applied;
    const data = this.#applier.maybeSnapshot?.(applied) ?? null;
    if (!data) return;
    const s = this.core.compact(applied, data);
    await this.#storage.saveSnapshot(s);
    this.#log.info("raft snapshot saved", { index: s.index, term: s.term, bytes: s.data.byteLength });
  }
}
