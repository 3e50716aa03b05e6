/**
 * Leader-side handling: the leader's tick (heartbeats, check-quorum), replication with conflict back-off,
 * commit by counting (current-term entries only), heartbeats, read-index confirmation and the last step of
 * leadership transfer.
 */
import { assert } from "../protocol/errors.ts";
import type { RaftCore } from "./core.ts";
import { Progress } from "./progress.ts";
import { NONE, type Message, type NodeId } from "./types.ts";

/** The leader's tick: heartbeats, and once per minimum election timeout check-quorum and transfer expiry. */
export function tickLeader(r: RaftCore): void {
  r.heartbeatElapsed++;
  r.electionElapsed++;
  if (r.electionElapsed >= r.opts.electionTimeoutTicksMin) {
    r.electionElapsed = 0;
    if (r.opts.checkQuorum && !quorumActive(r)) return r.becomeFollower(r.term, NONE);
    r.leadTransferee = NONE; // a transfer that did not finish within an election timeout is abandoned
  }
  if (r.heartbeatElapsed >= r.opts.heartbeatTicks) {
    r.heartbeatElapsed = 0;
    bcastHeartbeat(r, 0);
  }
}

function quorumActive(r: RaftCore): boolean {
  let active = 0;
  for (const v of r.membership.current().voters) {
    const pr = r.progress.get(v);
    if (v === r.id || pr?.recentActive) active++;
    if (pr && v !== r.id) pr.recentActive = false;
  }
  return active >= r.quorum();
}

export function stepLeader(r: RaftCore, m: Message): void {
  switch (m.type) {
    case "appendResp":
      return handleAppendResponse(r, m);
    case "heartbeatResp":
      return handleHeartbeatResponse(r, m);
    case "append":
    case "heartbeat":
    case "snapshot":
      // Same term, another leader: election safety is broken. Never expected; stop loudly.
      assert(false, `leader ${r.id} got ${m.type} from ${m.from} in its own term ${r.term}`);
      return;
    default:
      return; // late vote responses, timeoutNow for an old transfer
  }
}

/** Makes the progress map match the current membership (voters and learners, self included). */
export function syncProgress(r: RaftCore): void {
  const conf = r.membership.current();
  const members = new Set([...conf.voters, ...conf.learners]);
  for (const id of members) {
    if (r.progress.has(id)) continue;
    const pr = new Progress(r.log.lastIndex() + 1);
    if (id === r.id) pr.maybeUpdate(r.log.lastIndex());
    r.progress.set(id, pr);
  }
  for (const id of [...r.progress.keys()]) if (!members.has(id)) r.progress.delete(id);
  if (r.leadTransferee !== 0 && !conf.voters.includes(r.leadTransferee)) r.leadTransferee = 0;
  if (maybeCommit(r)) bcastAppend(r);
}

/** Advances commit to the highest index a quorum of voters holds, if that entry is of this term. */
export function maybeCommit(r: RaftCore): boolean {
  const matches = r.membership.current().voters.map((v) => r.progress.get(v)?.match ?? 0).sort((a, b) => b - a);
  const index = matches[r.quorum() - 1]!;
  if (index <= r.log.commit) return false;
  // Raft paper 5.4.2: counting replicas commits only entries of the current term; earlier ones commit
  // indirectly. The mutation flag removes this rule to prove the simulator catches it.
  if (r.log.term(index) !== r.term && r.opts.mutation !== "commitAnyTerm") return false;
  return r.log.commitTo(index);
}

export function bcastAppend(r: RaftCore): void {
  for (const id of r.progress.keys()) if (id !== r.id) sendAppend(r, id, true);
}

export function bcastHeartbeat(r: RaftCore, readCtx: number): void {
  for (const [id, pr] of r.progress) {
    if (id === r.id) continue;
    r.send({ type: "heartbeat", to: id, commit: Math.min(pr.match, r.log.commit), readCtx });
  }
}

/** Sends the entries `to` lacks (or a snapshot when they were compacted away). */
export function sendAppend(r: RaftCore, to: NodeId, sendIfEmpty: boolean): void {
  const pr = r.progress.get(to);
  if (!pr || pr.paused) return;
  const prevIndex = pr.next - 1;
  const prevTerm = r.log.term(prevIndex);
  if (prevTerm === -1) return sendSnapshot(r, to, pr);
  const last = r.log.lastIndex();
  const entries = pr.next <= last ? r.log.slice(pr.next, last + 1, r.opts.appendEntriesCountMax) : [];
  if (entries.length === 0 && !sendIfEmpty) return;
  r.send({ type: "append", to, prevIndex, prevTerm, entries, commit: r.log.commit });
  if (pr.state === "replicate" && entries.length > 0) pr.next = entries[entries.length - 1]!.index + 1;
  else if (pr.state === "probe") pr.paused = true;
}

function sendSnapshot(r: RaftCore, to: NodeId, pr: Progress): void {
  const snap = r.lastSnapshot;
  assert(snap !== null && snap.index >= pr.next - 1, `log compacted below ${pr.next} but no snapshot covers it`);
  r.send({ type: "snapshot", to, snapshot: snap });
  pr.becomeSnapshot(snap.index);
}

function handleAppendResponse(r: RaftCore, m: Extract<Message, { type: "appendResp" }>): void {
  const pr = r.progress.get(m.from);
  if (!pr) return;
  pr.recentActive = true;
  if (m.reject) {
    if (pr.maybeDecrTo(m.index, m.hintIndex)) sendAppend(r, m.from, true);
    return;
  }
  assert(m.index <= r.log.lastIndex(), `${m.from} acked ${m.index} beyond leader's last ${r.log.lastIndex()}`);
  const wasPaused = pr.paused;
  if (!pr.maybeUpdate(m.index)) {
    if (wasPaused && pr.state === "probe") sendAppend(r, m.from, false);
    return;
  }
  if (pr.state === "probe") pr.becomeReplicate();
  else if (pr.state === "snapshot" && pr.match >= pr.pendingSnapshotIndex) pr.becomeReplicate();
  if (maybeCommit(r)) bcastAppend(r);
  else sendAppend(r, m.from, false);
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) r.send({ type: "timeoutNow", to: m.from });
}

function handleHeartbeatResponse(r: RaftCore, m: Extract<Message, { type: "heartbeatResp" }>): void {
  const pr = r.progress.get(m.from);
  if (!pr) return;
  pr.recentActive = true;
  // A lost append or snapshot would otherwise stall this follower forever: retry from what it acked.
  if (pr.state === "snapshot") pr.becomeProbe();
  // Replicating optimistically but nothing acked since the last heartbeat: appends were lost; probe again.
  if (pr.state === "replicate" && pr.match < r.log.lastIndex() && pr.match === pr.matchAtLastHeartbeat) pr.becomeProbe();
  pr.matchAtLastHeartbeat = pr.match;
  pr.paused = false;
  if (pr.match < r.log.lastIndex()) sendAppend(r, m.from, false);
  if (m.readCtx !== 0 && r.membership.current().voters.includes(m.from)) ackRead(r, m.readCtx, m.from);
}

/** Registers a read; a one-voter quorum confirms it at once, others after a heartbeat round. */
export function addReadRequest(r: RaftCore, ctx: number): void {
  if (r.quorum() === 1) {
    r.readStates.push({ ctx, index: r.log.commit });
    return;
  }
  r.pendingReads.push({ ctx, index: r.log.commit, acks: new Set([r.id]) });
  bcastHeartbeat(r, ctx);
}

function ackRead(r: RaftCore, ctx: number, from: NodeId): void {
  const at = r.pendingReads.findIndex((p) => p.ctx === ctx);
  if (at < 0) return;
  const p = r.pendingReads[at]!;
  p.acks.add(from);
  if (p.acks.size < r.quorum()) return;
  // A quorum still follows us after the read arrived, so no newer leader committed anything: every read
  // registered up to this one is confirmed too.
  for (const done of r.pendingReads.splice(0, at + 1)) r.readStates.push({ ctx: done.ctx, index: done.index });
}
