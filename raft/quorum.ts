/**
 * The metadata quorum: what the broker calls. It replicates metadata records through Raft, applies them to
 * the image, and tells listeners. A single-node broker is a one-voter quorum on this same path: it elects
 * itself as soon as it opens and commits with one fsync per batch of proposals.
 *
 * @example
 * const q = await Quorum.open({ dataDir: "/var/lib/streambus/meta", nodeId: 1, voters: [1] });
 * await q.propose({ type: "registerBroker", brokerId: 1, host: "localhost", port: 9092, rack: null });
 * q.image().brokers.size; // 1
 * await q.close();
 */
import { randomBytes } from "node:crypto";
import { isStreamBusError, StreamBusError } from "../protocol/errors.ts";
import { type Logger, silentLogger } from "../protocol/logger.ts";
import { createStorageIO, type StorageIO } from "../storage/io.ts";
import { RaftCore } from "./core.ts";
import { apply } from "./metadata/apply.ts";
import { decodeRecord, encodeRecord } from "./metadata/codec.ts";
import { EMPTY_IMAGE, type MetadataImage } from "./metadata/image.ts";
import type { MetadataRecord } from "./metadata/records.ts";
import { decodeImage, encodeImage } from "./metadata/snapshot.ts";
import { RaftNode, type RaftTransport, type TimerDeps } from "./node.ts";
import { SeededRandom } from "./random.ts";
import { RaftStorage } from "./storage.ts";
import { EntryKind, type Entry, type Message, type NodeId, type Snapshot } from "./types.ts";

export interface QuorumOptions {
  dataDir: string;
  nodeId: NodeId;
  /** Voters at bootstrap (same on every node). `[nodeId]` makes a one-voter quorum. */
  voters: readonly NodeId[];
  /** Defaults to real I/O, or lazy test I/O when STREAMBUS_UNSAFE_LAZY_IO=1 is in the environment. */
  io?: StorageIO;
  timer?: TimerDeps;
  /** Wall time per Raft tick. Election timeouts are 10-20 ticks. */
  tickMs?: number;
  transport?: RaftTransport;
  logger?: Logger;
  /** Take a snapshot (and shrink the log) every this many applied entries. */
  snapshotEveryEntries?: number;
  /** Seed for election-timeout jitter; random by default. */
  seed?: number;
}

export type ImageListener = (image: MetadataImage, record: MetadataRecord) => void;

/** Proposals waiting for their entry to apply; bounded so a stuck quorum cannot grow without limit. */
export const PROPOSALS_PENDING_MAX = 100_000;

interface Waiter {
  term: number;
  resolve: (index: number) => void;
  reject: (e: unknown) => void;
}

export class Quorum {
  #node: RaftNode;
  #image: MetadataImage = EMPTY_IMAGE;
  /** The image with every in-flight proposal of ours applied: pipelined records validate against it. */
  #projected: MetadataImage = EMPTY_IMAGE;
  #listeners = new Set<ImageListener>();
  #waiters = new Map<number, Waiter>();
  /** Proposals validated but not yet handed to the core. */
  #inFlight = 0;
  #snapshotEvery: number;
  #lastSnapshotIndex: number;
  #log: Logger;

  private constructor(node: RaftNode, o: QuorumOptions, image: MetadataImage, snapIndex: number) {
    this.#node = node;
    this.#image = image;
    this.#projected = image;
    this.#snapshotEvery = o.snapshotEveryEntries ?? 4096;
    this.#lastSnapshotIndex = snapIndex;
    this.#log = o.logger ?? silentLogger;
  }

  /** Opens (recovering) the quorum's Raft state in `dataDir` and starts ticking. */
  static async open(o: QuorumOptions): Promise<Quorum> {
    const log = (o.logger ?? silentLogger).child({ component: "raft", node: o.nodeId });
    const io = o.io ?? (await createStorageIO({ env: process.env }));
    if (io.unsafeLazy) log.warn("raft uses UNSAFE lazy test I/O: nothing is durable");
    const storage = await RaftStorage.open(io, o.dataDir);
    const persisted = storage.state();
    const seed = o.seed ?? randomBytes(4).readUInt32BE(0);
    const core = new RaftCore({ id: o.nodeId, bootstrap: { voters: [...o.voters], learners: [] }, random: new SeededRandom(seed), persisted });
    const snap = persisted.snapshot;
    const image = snap ? decodeImage(snap.data) : EMPTY_IMAGE;
    let q: Quorum | null = null;
    const node = new RaftNode({
      core,
      storage,
      transport: o.transport ?? null,
      logger: log,
      timer: o.timer ?? { setInterval: (f, ms) => setInterval(f, ms), clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>) },
      applier: {
        restore: (s) => q!.#restore(s),
        apply: (es) => q!.#apply(es),
        maybeSnapshot: (applied) => q!.#maybeSnapshot(applied),
        failed: (e) => q!.#failAll(e),
      },
    });
    q = new Quorum(node, { ...o, logger: log }, image, snap?.index ?? 0);
    node.start(o.tickMs ?? 50);
    // A lone voter need not wait out an election timeout: nobody else can win.
    if (o.voters.length === 1 && o.voters[0] === o.nodeId) await node.run(() => core.campaignNow());
    await node.idle();
    log.info("raft quorum open", { ...core.status(), conf: undefined });
    return q;
  }

  /**
   * Proposes a record. Validated first against the current image plus this node's records still in flight
   * (so dependent records can be pipelined); on failure it throws that error and proposes nothing.
   * resolves with its log index once committed and applied; rejects NOT_CONTROLLER when this node does not
   * lead (or lost leadership before the entry committed), or with apply's error if the record was refused.
   */
  async propose(record: MetadataRecord): Promise<number> {
    const base = this.#waiters.size > 0 || this.#inFlight > 0 ? this.#projected : this.#image;
    const projected = apply(base, record);
    if (this.#waiters.size >= PROPOSALS_PENDING_MAX) throw new StreamBusError("LIMIT_EXCEEDED", "too many metadata proposals in flight");
    const data = encodeRecord(record);
    const core = this.#node.core;
    this.#projected = projected;
    this.#inFlight++;
    return new Promise<number>((resolve, reject) => {
      this.#node
        .run(() => {
          this.#inFlight--;
          const p = core.propose(data);
          if (!p) {
            this.#projected = this.#image;
            throw new StreamBusError("NOT_CONTROLLER", `node ${core.id} is not the metadata leader (leader: ${core.status().leader || "none"})`);
          }
          this.#waiters.set(p.index, { term: p.term, resolve, reject });
        })
        .catch((e) => {
          reject(e);
        });
    });
  }

  /** The current image (immutable; keep it as long as you like). */
  image(): MetadataImage {
    return this.#image;
  }

  /** Calls `listener` after each applied record. Returns an unsubscribe function. */
  onChange(listener: ImageListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status() {
    return this.#node.core.status();
  }

  /** Feeds a Raft message from a peer (for the cluster transport). */
  receive(m: Message): void {
    this.#node.receive(m);
  }

  /** Stops ticking, finishes the Ready in progress, closes files. Pending proposals reject with SHUTTING_DOWN. */
  async close(): Promise<void> {
    await this.#node.close();
    this.#failAll(new StreamBusError("SHUTTING_DOWN", "metadata quorum closed"));
  }

  #apply(entries: readonly Entry[]): void {
    for (const e of entries) {
      const w = this.#waiters.get(e.index);
      if (w) this.#waiters.delete(e.index);
      if (w && w.term !== e.term) {
        w.reject(new StreamBusError("NOT_CONTROLLER", `leadership changed; entry ${e.index} was replaced`));
        this.#projected = this.#image;
      }
      if (e.kind !== EntryKind.Normal || e.data.byteLength === 0) {
        if (w && w.term === e.term) w.resolve(e.index);
        continue;
      }
      const record = decodeRecord(e.data);
      try {
        this.#image = apply(this.#image, record);
      } catch (err) {
        // Refused deterministically on every node: the entry changes nothing.
        if (!isStreamBusError(err)) throw err;
        if (w && w.term === e.term) w.reject(err);
        this.#projected = this.#image;
        continue;
      }
      if (w && w.term === e.term) w.resolve(e.index);
      for (const l of this.#listeners) {
        try {
          l(this.#image, record);
        } catch (err) {
          this.#log.error("metadata listener threw", { error: err });
        }
      }
    }
    // Entries at or below the applied index that never showed up belong to a lost term.
    const applied = entries.length > 0 ? entries[entries.length - 1]!.index : 0;
    for (const [index, w] of this.#waiters) {
      if (index > applied) break; // insertion order is index order within a term
      this.#waiters.delete(index);
      w.reject(new StreamBusError("NOT_CONTROLLER", "leadership changed before the proposal committed"));
    }
    if (this.#waiters.size === 0 && this.#inFlight === 0) this.#projected = this.#image;
  }

  #restore(s: Snapshot): void {
    this.#image = decodeImage(s.data);
    this.#projected = this.#image;
    this.#lastSnapshotIndex = s.index;
  }

  #maybeSnapshot(applied: number): Uint8Array | null {
    if (applied - this.#lastSnapshotIndex < this.#snapshotEvery) return null;
    this.#lastSnapshotIndex = applied;
    return encodeImage(this.#image);
  }

  #failAll(e: unknown): void {
    for (const w of this.#waiters.values()) w.reject(e);
    this.#waiters.clear();
  }
}
