/**
 * Kafka's "range" assignor: per topic, the subscribed members (in Kafka's member order) get
 * consecutive ranges; the first `partitions % members` members get one extra. Topics are assigned
 * independently, so with many topics the first members carry the extras of each.
 */
import type { TopicPartitions } from "./consumer-protocol.ts";
import { type Assignor, type MemberSubscription, compareMembers, groupByTopic } from "./types.ts";

/** The range assignor ("range"). */
export const rangeAssignor: Assignor = {
  name: "range",
  rebalanceProtocols: ["EAGER"],
  assign(partitionCounts: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Map<string, TopicPartitions[]> {
    const pairs = new Map<string, [string, number][]>(members.map((m) => [m.memberId, []]));
    const topics = new Set(members.flatMap((m) => m.topics));
    for (const topic of topics) {
      const count = partitionCounts.get(topic);
      if (count === undefined) continue;
      const subscribed = members.filter((m) => m.topics.includes(topic)).sort(compareMembers);
      const perMember = Math.floor(count / subscribed.length);
      const extra = count % subscribed.length;
      subscribed.forEach((m, i) => {
        const start = i * perMember + Math.min(i, extra);
        const length = perMember + (i < extra ? 1 : 0);
        for (let p = start; p < start + length; p++) pairs.get(m.memberId)!.push([topic, p]);
      });
    }
    return new Map([...pairs].map(([id, list]) => [id, groupByTopic(list)]));
  },
};
