/** Shared by DescribeConfigs, AlterConfigs and IncrementalAlterConfigs: resource types and proposals. */
import { StreamBusError } from "../../protocol/errors.ts";
import type { BrokerCore } from "../core.ts";
import { validateTopicConfigs } from "../topic-configs.ts";

/** Kafka's ConfigResource types. */
export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
/** Kafka's ConfigSource values. */
export const SOURCE_DYNAMIC_TOPIC = 1;
export const SOURCE_STATIC_BROKER = 4;
export const SOURCE_DEFAULT = 5;

/**
 * Replaces a topic's config overrides with `next` through the metadata quorum (one AlterConfig record per
 * changed key). Validates the whole resulting set first so a bad request changes nothing.
 */
export async function applyTopicConfigs(b: BrokerCore, topic: string, next: Map<string, string>, validateOnly: boolean): Promise<void> {
  const t = b.image().topics.get(topic);
  if (!t) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${topic}" does not exist`);
  validateTopicConfigs(next);
  if (validateOnly) return;
  for (const [key, value] of next) {
    if (t.configs.get(key) !== value) await b.quorum.propose({ type: "alterConfig", resourceType: "topic", resourceName: topic, key, value });
  }
  for (const key of t.configs.keys()) {
    if (!next.has(key)) await b.quorum.propose({ type: "alterConfig", resourceType: "topic", resourceName: topic, key, value: null });
  }
}

export function unsupportedResource(type: number): StreamBusError {
  return new StreamBusError("INVALID_REQUEST", `config resource type ${type} is not supported (topic=2, broker=4)`);
}
