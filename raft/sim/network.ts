/**
 * The simulated network: a virtual clock measured in ticks and a seeded message queue that drops,
 * duplicates, delays (hence reorders) and partitions, including one-way (asymmetric) cuts.
 */
import type { SeededRandom } from "../random.ts";
import type { Message, NodeId } from "../types.ts";

/** Fault rates of a run; all zero means a perfect network with one tick of latency. */
export interface NetworkFaults {
  dropRate: number;
  duplicateRate: number;
  /** Each message takes 1..delayTicksMax ticks; more than 1 reorders messages. */
  delayTicksMax: number;
}

export const PERFECT_NETWORK: NetworkFaults = { dropRate: 0, duplicateRate: 0, delayTicksMax: 1 };

/** Messages in flight at once; far above what a healthy simulated cluster has, so hitting it is a bug. */
const IN_FLIGHT_MAX = 1_000_000;

export class SimNetwork {
  faults: NetworkFaults = PERFECT_NETWORK;
  #rng: SeededRandom;
  /** Directed links that are cut: key from * 1024 + to. */
  #cut = new Set<number>();
  #byTick = new Map<number, Message[]>();
  #inFlight = 0;
  sentCount = 0;
  droppedCount = 0;

  constructor(rng: SeededRandom) {
    this.#rng = rng;
  }

  send(m: Message, now: number): void {
    this.sentCount++;
    if (this.#cut.has(m.from * 1024 + m.to) || this.#rng.chance(this.faults.dropRate)) {
      this.droppedCount++;
      return;
    }
    const copies = this.#rng.chance(this.faults.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const at = now + 1 + this.#rng.intBelow(this.faults.delayTicksMax);
      let q = this.#byTick.get(at);
      if (!q) this.#byTick.set(at, (q = []));
      q.push(m);
      this.#inFlight++;
    }
    if (this.#inFlight > IN_FLIGHT_MAX) throw new Error(`more than ${IN_FLIGHT_MAX} messages in flight`);
  }

  /** Messages due at `now`; a cut made while a message was in flight still stops it. */
  due(now: number): Message[] {
    const q = this.#byTick.get(now);
    if (!q) return [];
    this.#byTick.delete(now);
    this.#inFlight -= q.length;
    return q.filter((m) => !this.#cut.has(m.from * 1024 + m.to));
  }

  cut(from: NodeId, to: NodeId): void {
    this.#cut.add(from * 1024 + to);
  }

  /** Cuts both directions between every node of `a` and every node of `b`. */
  split(a: readonly NodeId[], b: readonly NodeId[]): void {
    for (const x of a) for (const y of b) {
      this.cut(x, y);
      this.cut(y, x);
    }
  }

  heal(): void {
    this.#cut.clear();
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.#cut.has(from * 1024 + to);
  }
}
