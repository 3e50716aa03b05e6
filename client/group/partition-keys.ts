/**
 * Topic-partitions as string keys, so sets of them compare and diff cheaply (the same key as
 * offsets.ts's `tpKey`, which the consumer's maps use).
 */
import type { TopicPartitions } from "../assignors/consumer-protocol.ts";
import { groupByTopic } from "../assignors/types.ts";
import { tpKey } from "../offsets.ts";
import type { TopicPartition } from "../types.ts";

/** Splits a `tpKey` back into its topic and partition. */
export function keyToPartition(key: string): TopicPartition {
  const i = key.lastIndexOf("\u0000");
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

/** The keys of grouped partitions. */
export function partitionsToKeys(list: readonly TopicPartitions[]): Set<string> {
  const out = new Set<string>();
  for (const tp of list) for (const p of tp.partitions) out.add(tpKey(tp.topic, p));
  return out;
}

/**
 * Keys grouped by topic, topics and partitions sorted.
 *
 * @example
 * keysToPartitions([tpKey("a", 1), tpKey("a", 0)]); // [{ topic: "a", partitions: [0, 1] }]
 */
export function keysToPartitions(keys: Iterable<string>): TopicPartitions[] {
  return groupByTopic([...keys].map((k) => {
    const tp = keyToPartition(k);
    return [tp.topic, tp.partition] as const;
  }));
}

/** Grouped partitions as a flat list. */
export function flatten(list: readonly TopicPartitions[]): TopicPartition[] {
  return list.flatMap((tp) => tp.partitions.map((partition) => ({ topic: tp.topic, partition })));
}
