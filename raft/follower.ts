/**
 * Follower-side handling: appends with conflict detection and a back-off hint, heartbeats, snapshot
 * install, and the transfer signal.
 */
import type { RaftCore } from "./core.ts";
import { campaign } from "./election.ts";
import type { Message } from "./types.ts";

export function stepFollower(r: RaftCore, m: Message): void {
  switch (m.type) {
    case "append":
      r.electionElapsed = 0;
      r.lead = m.from;
      return handleAppend(r, m);
    case "heartbeat":
      r.electionElapsed = 0;
      r.lead = m.from;
      r.log.commitTo(m.commit);
      r.send({ type: "heartbeatResp", to: m.from, readCtx: m.readCtx });
      return;
    case "snapshot":
      r.electionElapsed = 0;
      r.lead = m.from;
      return handleSnapshot(r, m);
    case "timeoutNow":
      if (r.promotable()) campaign(r, "transfer");
      return;
    default:
      return;
  }
}

function handleAppend(r: RaftCore, m: Extract<Message, { type: "append" }>): void {
  const log = r.log;
  if (m.prevIndex < log.commit) {
    // Everything through commit already matches the leader; tell it where to continue.
    r.send({ type: "appendResp", to: m.from, reject: false, index: log.commit, hintIndex: 0 });
    return;
  }
  if (!log.matchTerm(m.prevIndex, m.prevTerm)) {
    // Skip back over entries whose term is newer than prevTerm: the leader's entries there cannot match.
    let hint = Math.min(m.prevIndex - 1, log.lastIndex());
    while (hint > log.commit && log.term(hint) > m.prevTerm) hint--;
    r.send({ type: "appendResp", to: m.from, reject: true, index: m.prevIndex, hintIndex: hint });
    return;
  }
  const lastNew = m.prevIndex + m.entries.length;
  const firstChanged = log.mergeEntries(m.entries);
  if (firstChanged <= lastNew) {
    r.membership.truncateFrom(firstChanged);
    r.configAppended(m.entries.filter((e) => e.index >= firstChanged));
  }
  log.commitTo(Math.min(m.commit, lastNew));
  r.send({ type: "appendResp", to: m.from, reject: false, index: lastNew, hintIndex: 0 });
}

function handleSnapshot(r: RaftCore, m: Extract<Message, { type: "snapshot" }>): void {
  const s = m.snapshot;
  const log = r.log;
  if (s.index <= log.commit) {
    r.send({ type: "appendResp", to: m.from, reject: false, index: log.commit, hintIndex: 0 });
    return;
  }
  if (log.matchTerm(s.index, s.term)) {
    // We hold the snapshot's last entry, hence its whole prefix: just learn that it committed.
    log.commitTo(s.index);
  } else {
    r.installSnapshot(s);
  }
  r.send({ type: "appendResp", to: m.from, reject: false, index: s.index, hintIndex: 0 });
}
