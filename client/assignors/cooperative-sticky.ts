/**
 * A cooperative sticky assignor ("cooperative-sticky", KIP-429; our own algorithm, Kafka's name and
 * contract):
 *
 * 1. Ownership: each member's `ownedPartitions` count if it still subscribes to the topic and the
 *    partition exists. A partition claimed by two members goes to the claim of the newer generation;
 *    equal generations cancel (neither keeps it).
 * 2. Target: start from the owned partitions; give each unowned partition (most constrained first) to
 *    the eligible member with the fewest; then, while some member has at least two more than a member
 *    that could take one of its partitions, move one. Every move lowers the sum of squared counts, so
 *    this ends; with equal subscriptions it ends with counts within 1 and moves only the surplus.
 * 3. Cooperative step: a partition whose target member differs from its current owner is left out
 *    of this round. The owner sees it missing, revokes it and rejoins; in the follow-up rebalance it is
 *    unowned and lands on the target (the least loaded member). No partition is ever assigned to one
 *    member while another still owns it.
 */
import type { TopicPartitions } from "./consumer-protocol.ts";
import { type Assignor, type MemberSubscription, cmp, compareMembers, groupByTopic } from "./types.ts";

type Key = string; // `${topic}\u0000${partition}`, sorted like (topic, partition) for partitions < 10^9

const keyOf = (topic: string, partition: number): Key => `${topic}\u0000${String(partition).padStart(10, "0")}`;
const pairOf = (k: Key): [string, number] => {
  const i = k.lastIndexOf("\u0000");
  return [k.slice(0, i), Number(k.slice(i + 1))];
};

/** The cooperative sticky assignor ("cooperative-sticky"). */
export const cooperativeStickyAssignor: Assignor = {
  name: "cooperative-sticky",
  rebalanceProtocols: ["COOPERATIVE", "EAGER"],
  assign(partitionCounts: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Map<string, TopicPartitions[]> {
    const sorted = [...members].sort(compareMembers);
    const eligible = eligibility(partitionCounts, sorted);
    const owner = currentOwners(sorted, eligible);
    const target = balance(sorted, eligible, owner);
    const result = new Map<string, [string, number][]>(sorted.map((m) => [m.memberId, []]));
    for (const [k, memberId] of target) {
      const was = owner.get(k);
      if (was !== undefined && was !== memberId) continue; // revoked first, assigned in the follow-up rebalance
      result.get(memberId)!.push(pairOf(k));
    }
    return new Map([...result].map(([id, list]) => [id, groupByTopic(list)]));
  },
};

/** Every existing partition of a subscribed topic, with the members that may own it (in member order). */
function eligibility(partitionCounts: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Map<Key, string[]> {
  const out = new Map<Key, string[]>();
  const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionCounts.has(t)).sort(cmp);
  for (const topic of topics) {
    const subscribers = members.filter((m) => m.topics.includes(topic)).map((m) => m.memberId);
    for (let p = 0; p < partitionCounts.get(topic)!; p++) out.set(keyOf(topic, p), subscribers);
  }
  return out;
}

/** Valid current ownership; conflicting claims resolved by generation, ties dropped. */
function currentOwners(members: readonly MemberSubscription[], eligible: Map<Key, string[]>): Map<Key, string> {
  const claims = new Map<Key, { memberId: string; generationId: number; contested: boolean }>();
  for (const m of members) {
    for (const tp of m.ownedPartitions) {
      for (const p of tp.partitions) {
        const k = keyOf(tp.topic, p);
        if (!eligible.get(k)?.includes(m.memberId)) continue;
        const prior = claims.get(k);
        if (prior === undefined || m.generationId > prior.generationId) claims.set(k, { memberId: m.memberId, generationId: m.generationId, contested: false });
        else if (m.generationId === prior.generationId && prior.memberId !== m.memberId) prior.contested = true;
      }
    }
  }
  const out = new Map<Key, string>();
  for (const [k, c] of claims) if (!c.contested) out.set(k, c.memberId);
  return out;
}

/** The balanced target, as sticky to `owner` as balance allows. */
function balance(members: readonly MemberSubscription[], eligible: Map<Key, string[]>, owner: Map<Key, string>): Map<Key, string> {
  const target = new Map(owner);
  const held = new Map<string, Set<Key>>(members.map((m) => [m.memberId, new Set()]));
  for (const [k, id] of target) held.get(id)!.add(k);
  const order = new Map(members.map((m, i) => [m.memberId, i]));
  const fewest = (ids: readonly string[]) =>
    ids.reduce((best, id) => (held.get(id)!.size < held.get(best)!.size ? id : best));

  const unowned = [...eligible.keys()].filter((k) => !target.has(k) && eligible.get(k)!.length > 0);
  unowned.sort((a, b) => eligible.get(a)!.length - eligible.get(b)!.length || cmp(a, b));
  for (const k of unowned) {
    const id = fewest(eligible.get(k)!);
    target.set(k, id);
    held.get(id)!.add(k);
  }

  // Move one partition at a time from a fuller member to an emptier one that may take it.
  for (;;) {
    const byCount = [...members].sort((a, b) => held.get(b.memberId)!.size - held.get(a.memberId)!.size || order.get(a.memberId)! - order.get(b.memberId)!);
    const move = findMove(byCount, held, eligible);
    if (move === null) return target;
    held.get(move.from)!.delete(move.key);
    held.get(move.to)!.add(move.key);
    target.set(move.key, move.to);
  }
}

function findMove(byCountDesc: readonly MemberSubscription[], held: Map<string, Set<Key>>, eligible: Map<Key, string[]>): { key: Key; from: string; to: string } | null {
  for (const a of byCountDesc) {
    const fromKeys = [...held.get(a.memberId)!].sort(cmp).reverse();
    for (let j = byCountDesc.length - 1; j >= 0; j--) {
      const b = byCountDesc[j]!;
      if (held.get(a.memberId)!.size <= held.get(b.memberId)!.size + 1) break; // later b's have more
      const key = fromKeys.find((k) => eligible.get(k)!.includes(b.memberId));
      if (key !== undefined) return { key, from: a.memberId, to: b.memberId };
    }
  }
  return null;
}
