/**
 * Cluster membership with single-server changes (Raft dissertation, section 4.1): a config entry holds the
 * whole new configuration, takes effect as soon as it is appended (not when committed), and is undone if
 * the entry is truncated. The leader allows one uncommitted change at a time, and only after an entry of
 * its own term committed, which closes the known single-server-change bug (Ongaro, raft-dev 2015).
 */
import { assert, StreamBusError } from "../protocol/errors.ts";
import type { ConfState, NodeId } from "./types.ts";

/** One membership change, as proposed by an operator. */
export type ConfChange =
  | { readonly type: "addVoter"; readonly nodeId: NodeId }
  | { readonly type: "removeVoter"; readonly nodeId: NodeId }
  | { readonly type: "addLearner"; readonly nodeId: NodeId };

/** Members a configuration may hold; membership is for a handful of controllers. */
export const MEMBERS_MAX = 64;

/** Votes needed to win or commit among `voterCount` voters. */
export function quorumOf(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/** Applies one change to a configuration; throws INVALID_REQUEST when it is not a valid single change. */
export function applyConfChange(conf: ConfState, change: ConfChange): ConfState {
  const id = change.nodeId;
  if (!(Number.isInteger(id) && id > 0)) throw new StreamBusError("INVALID_REQUEST", `node id ${id} must be a positive integer`);
  const voters = conf.voters.filter((v) => v !== id);
  const learners = conf.learners.filter((l) => l !== id);
  const isVoter = voters.length !== conf.voters.length;
  if (change.type === "addVoter") {
    if (isVoter) throw new StreamBusError("INVALID_REQUEST", `node ${id} is already a voter`);
    voters.push(id);
  } else if (change.type === "addLearner") {
    if (isVoter) throw new StreamBusError("INVALID_REQUEST", `node ${id} is a voter; remove it first`);
    if (learners.length !== conf.learners.length) throw new StreamBusError("INVALID_REQUEST", `node ${id} is already a learner`);
    learners.push(id);
  } else {
    if (!isVoter) throw new StreamBusError("INVALID_REQUEST", `node ${id} is not a voter`);
    if (voters.length === 0) throw new StreamBusError("INVALID_REQUEST", "cannot remove the last voter");
  }
  if (voters.length + learners.length > MEMBERS_MAX) throw new StreamBusError("LIMIT_EXCEEDED", `more than ${MEMBERS_MAX} members`);
  return { voters: voters.sort((a, b) => a - b), learners: learners.sort((a, b) => a - b) };
}

/** Config entry payload: u16 voter count, u16 learner count, then u32 ids, big-endian. */
export function encodeConf(conf: ConfState): Uint8Array {
  const out = new Uint8Array(4 + 4 * (conf.voters.length + conf.learners.length));
  const dv = new DataView(out.buffer);
  dv.setUint16(0, conf.voters.length);
  dv.setUint16(2, conf.learners.length);
  [...conf.voters, ...conf.learners].forEach((id, i) => dv.setUint32(4 + 4 * i, id));
  return out;
}

export function decodeConf(data: Uint8Array): ConfState {
  assert(data.byteLength >= 4, "config entry shorter than its header");
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const v = dv.getUint16(0);
  const l = dv.getUint16(2);
  assert(data.byteLength === 4 + 4 * (v + l), "config entry length does not match its counts");
  const ids = Array.from({ length: v + l }, (_, i) => dv.getUint32(4 + 4 * i));
  return { voters: ids.slice(0, v), learners: ids.slice(v) };
}

/** The membership as of every index from the snapshot on: a base plus the config entries after it. */
export class Membership {
  #baseIndex: number;
  #base: ConfState;
  #history: { index: number; conf: ConfState }[] = [];

  constructor(baseIndex: number, base: ConfState) {
    this.#baseIndex = baseIndex;
    this.#base = base;
  }

  current(): ConfState {
    return this.#history.length === 0 ? this.#base : this.#history[this.#history.length - 1]!.conf;
  }

  /** Index of the newest config entry (the base's index when there is none). */
  lastChangeIndex(): number {
    return this.#history.length === 0 ? this.#baseIndex : this.#history[this.#history.length - 1]!.index;
  }

  confAt(index: number): ConfState {
    let conf = this.#base;
    for (const h of this.#history) if (h.index <= index) conf = h.conf;
    return conf;
  }

  isVoter(id: NodeId): boolean {
    return this.current().voters.includes(id);
  }

  added(index: number, conf: ConfState): void {
    assert(index > this.lastChangeIndex(), `config at ${index} not after ${this.lastChangeIndex()}`);
    this.#history.push({ index, conf });
  }

  /** Undoes config entries at or after `index` (they were truncated from the log). */
  truncateFrom(index: number): void {
    while (this.#history.length > 0 && this.#history[this.#history.length - 1]!.index >= index) this.#history.pop();
  }

  compactTo(index: number): void {
    this.#base = this.confAt(index);
    this.#baseIndex = Math.max(this.#baseIndex, index);
    this.#history = this.#history.filter((h) => h.index > index);
  }

  reset(index: number, conf: ConfState): void {
    this.#baseIndex = index;
    this.#base = conf;
    this.#history = [];
  }
}
