/**
 * Elections: the election timeout of followers and candidates, campaigns (pre-vote first when enabled),
 * vote counting and answering vote requests. The role changes themselves are the core's `become*` methods.
 */
import type { RaftCore } from "./core.ts";
import { stepFollower } from "./follower.ts";
import { NONE, type Message, type NodeId } from "./types.ts";

/** A non-leader's tick: campaigns once the randomized election timeout passed without a leader heard. */
export function tickElection(r: RaftCore): void {
  r.electionElapsed++;
  if (r.promotable() && r.electionElapsed >= r.randomizedElectionTimeout) {
    r.electionElapsed = 0;
    campaign(r, r.opts.preVote ? "preElection" : "election");
  }
}

export function campaign(r: RaftCore, kind: "preElection" | "election" | "transfer"): void {
  const pre = kind === "preElection";
  if (pre) r.becomePreCandidate();
  else r.becomeCandidate();
  if (recordVote(r, r.id, true)) return;
  const last = { lastIndex: r.log.lastIndex(), lastTerm: r.log.lastTerm() };
  for (const v of r.membership.current().voters) {
    if (v === r.id) continue;
    r.send({ type: pre ? "preVote" : "vote", to: v, term: pre ? r.term + 1 : r.term, ...last, transfer: kind === "transfer" });
  }
}

/** Records a (pre-)vote; returns true when it decided the election (won or lost). */
function recordVote(r: RaftCore, from: NodeId, granted: boolean): boolean {
  if (!r.votes.has(from)) r.votes.set(from, granted);
  let yes = 0;
  let no = 0;
  for (const v of r.membership.current().voters) {
    const g = r.votes.get(v);
    if (g === true) yes++;
    else if (g === false) no++;
  }
  const q = r.quorum();
  if (yes >= q) {
    if (r.role === "preCandidate") campaign(r, "election");
    else r.becomeLeader();
    return true;
  }
  if (no >= q) {
    r.becomeFollower(r.term, NONE);
    return true;
  }
  return false;
}

/** The step function of pre-candidates and candidates. */
export function stepCandidate(r: RaftCore, m: Message): void {
  switch (m.type) {
    case "append":
    case "heartbeat":
    case "snapshot":
      r.becomeFollower(m.term, m.from);
      return stepFollower(r, m);
    case "preVoteResp":
      if (r.role === "preCandidate") recordVote(r, m.from, !m.reject);
      return;
    case "voteResp":
      if (r.role === "candidate") recordVote(r, m.from, !m.reject);
      return;
    default:
      return;
  }
}

export function handleVoteRequest(r: RaftCore, m: Extract<Message, { type: "vote" | "preVote" }>): void {
  const pre = m.type === "preVote";
  const canVote = r.vote === m.from || (r.vote === NONE && r.lead === NONE) || (pre && m.term > r.term);
  const upToDate = r.opts.mutation === "voteIgnoresLog" || r.log.isUpToDate(m.lastIndex, m.lastTerm);
  const respType = pre ? "preVoteResp" : "voteResp";
  if (canVote && upToDate) {
    // A granted pre-vote answers at the campaign's term so the pre-candidate counts it.
    r.send({ type: respType, to: m.from, term: m.term, reject: false });
    if (!pre) {
      r.electionElapsed = 0;
      r.vote = m.from;
    }
  } else {
    r.send({ type: respType, to: m.from, reject: true });
  }
}

/** With check-quorum, a follower that heard a leader within the minimum timeout ignores campaigns. */
export function inLease(r: RaftCore): boolean {
  return r.opts.checkQuorum && r.lead !== NONE && r.electionElapsed < r.opts.electionTimeoutTicksMin;
}
