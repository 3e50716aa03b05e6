/**
 * ListOffsets for many partitions at once: groups partitions by leader, sends one request per leader,
 * and retries leader errors after a metadata refresh. Used by the consumer (seek) and the admin.
 */
import { StreamBusError, errorCodeFromKafka } from "../protocol/errors.ts";
import { retry } from "./backoff.ts";
import type { Cluster } from "./cluster.ts";
import type { TopicPartition } from "./types.ts";

/** Which offset to look up: the first kept, the next to be written, or the first at/after a timestamp (ms). */
export type OffsetSpec = "earliest" | "latest" | { timestamp: bigint | number };

/** ListOffsets' special timestamps. */
const EARLIEST_TIMESTAMP = -2n;
const LATEST_TIMESTAMP = -1n;

/** One answer: `offset` is -1n when a timestamp lookup found no record at or after it. */
export interface OffsetResult extends TopicPartition {
  offset: bigint;
  timestamp: bigint;
}

/** The map key of a topic-partition. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function specTimestamp(spec: OffsetSpec): bigint {
  if (spec === "earliest") return EARLIEST_TIMESTAMP;
  if (spec === "latest") return LATEST_TIMESTAMP;
  return BigInt(spec.timestamp);
}

/**
 * Looks up offsets; results come back in request order.
 *
 * @example
 * const [r] = await listOffsets(cluster, [{ topic: "orders", partition: 0, spec: "latest" }]);
 * r.offset; // the next offset to be written
 */
export async function listOffsets(cluster: Cluster, requests: readonly (TopicPartition & { spec: OffsetSpec })[], deadlineMs = 30_000): Promise<OffsetResult[]> {
  const results = new Map<string, OffsetResult>();
  await retry(async () => {
    const todo = requests.filter((r) => !results.has(tpKey(r.topic, r.partition)));
    const byLeader = new Map<number, (TopicPartition & { spec: OffsetSpec })[]>();
    for (const r of todo) {
      const leader = await cluster.leaderFor(r.topic, r.partition);
      let list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, (list = []));
      list.push(r);
    }
    let retriable: StreamBusError | null = null;
    await Promise.all([...byLeader].map(async ([leader, list]) => {
      const topics = new Map<string, { partitionIndex: number; timestamp: bigint }[]>();
      for (const r of list) {
        let ps = topics.get(r.topic);
        if (ps === undefined) topics.set(r.topic, (ps = []));
        ps.push({ partitionIndex: r.partition, timestamp: specTimestamp(r.spec) });
      }
      const res = await cluster.request(leader, "ListOffsets", {
        replicaId: -1, isolationLevel: 0, timeoutMs: cluster.requestTimeoutMs,
        topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const code = errorCodeFromKafka(p.errorCode);
          if (code === null) {
            results.set(tpKey(t.name, p.partitionIndex), { topic: t.name, partition: p.partitionIndex, offset: p.offset, timestamp: p.timestamp });
            continue;
          }
          const err = new StreamBusError(code, `ListOffsets for ${t.name}/${p.partitionIndex} failed: ${code}`, { topic: t.name, partition: p.partitionIndex });
          if (!err.retriable) throw err;
          retriable = err;
        }
      }
    }));
    if (retriable) throw retriable;
  }, { ...cluster.retryBackoff, deadlineMs, onRetry: () => cluster.refreshMetadata(requests.map((r) => r.topic)) });
  return requests.map((r) => {
    const found = results.get(tpKey(r.topic, r.partition));
    if (!found) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `no ListOffsets answer for ${r.topic}/${r.partition}`);
    return found;
  });
}
