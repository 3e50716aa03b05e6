/**
 * What every client-side partition assignor sees and returns. The group leader decodes each member's
 * Subscription (consumer-protocol.ts), calls one assignor, and encodes each member's Assignment.
 */
import type { TopicPartitions } from "./consumer-protocol.ts";

/** One member as the assignor sees it. */
export interface MemberSubscription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: readonly string[];
  /** What it owns now (Subscription v1+); empty for eager members. */
  readonly ownedPartitions: readonly TopicPartitions[];
  /** The generation of `ownedPartitions` (Subscription v2+), -1 when unknown. */
  readonly generationId: number;
}

/** "EAGER": members revoke everything before each rebalance. "COOPERATIVE": only what moves (KIP-429). */
export type RebalanceProtocol = "EAGER" | "COOPERATIVE";

/** A partition assignor, named as in Kafka so mixed groups agree on the protocol name. */
export interface Assignor {
  readonly name: string;
  /** Supported protocols, preferred first. */
  readonly rebalanceProtocols: readonly RebalanceProtocol[];
  /**
   * Assigns partitions. `partitionCounts` holds every subscribed topic that exists (topics missing
   * from it are skipped). Every member gets an entry, possibly empty.
   */
  assign(partitionCounts: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Map<string, TopicPartitions[]>;
}

/**
 * Kafka's member order: static members (by instance id) before dynamic ones (by member id), so a
 * restarted static member lands in the same place.
 */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return cmp(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return cmp(a.memberId, b.memberId);
}

/** UTF-16 code unit order, as Java's String.compareTo. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups (topic, partition) pairs into TopicPartitions, topics and partitions sorted. */
export function groupByTopic(pairs: Iterable<readonly [string, number]>): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const [t, p] of pairs) {
    let list = byTopic.get(t);
    if (list === undefined) byTopic.set(t, (list = []));
    list.push(p);
  }
  return [...byTopic.keys()].sort(cmp).map((topic) => ({ topic, partitions: byTopic.get(topic)!.sort((x, y) => x - y) }));
}
