/**
 * Kafka's "roundrobin" assignor: all partitions in (topic, partition) order are dealt to the members
 * in Kafka's member order, in a circle, skipping members not subscribed to the partition's topic.
 */
import type { TopicPartitions } from "./consumer-protocol.ts";
import { type Assignor, type MemberSubscription, cmp, compareMembers, groupByTopic } from "./types.ts";

/** The round-robin assignor ("roundrobin"). */
export const roundRobinAssignor: Assignor = {
  name: "roundrobin",
  rebalanceProtocols: ["EAGER"],
  assign(partitionCounts: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Map<string, TopicPartitions[]> {
    const pairs = new Map<string, [string, number][]>(members.map((m) => [m.memberId, []]));
    const circle = [...members].sort(compareMembers);
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionCounts.has(t)).sort(cmp);
    let next = 0;
    for (const topic of topics) {
      for (let p = 0; p < partitionCounts.get(topic)!; p++) {
        // Some member subscribes to this topic, so the search ends within one turn of the circle.
        while (!circle[next % circle.length]!.topics.includes(topic)) next++;
        pairs.get(circle[next % circle.length]!.memberId)!.push([topic, p]);
        next++;
      }
    }
    return new Map([...pairs].map(([id, list]) => [id, groupByTopic(list)]));
  },
};
