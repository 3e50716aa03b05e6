/** CreateTopics (key 19): through the metadata quorum; validateOnly checks against the image only. */
import { StreamBusError, toStreamBusError } from "../../protocol/errors.ts";
import { CreateTopicsRequest, CreateTopicsResponse } from "../../protocol/schemas/create-topics.ts";
import { ZERO_UUID } from "../../protocol/uuid.ts";
import { defineHandler } from "../handler.ts";
import { topicConfigDefaults } from "../topic-configs.ts";
import { topicIdToWire } from "../topic-id.ts";

export const createTopicsHandler = defineHandler({
  request: CreateTopicsRequest,
  response: CreateTopicsResponse,
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx, req) {
    const b = ctx.broker;
    const topics = [];
    const seen = new Set<string>();
    for (const t of req.topics) {
      const base = { name: t.name, topicId: ZERO_UUID, errorCode: 0, errorMessage: null as string | null, numPartitions: -1, replicationFactor: -1, configs: [] as { name: string; value: string | null; readOnly: boolean; configSource: number; isSensitive: boolean }[] };
      try {
        if (seen.has(t.name)) throw new StreamBusError("INVALID_REQUEST", `topic "${t.name}" appears twice in the request`);
        seen.add(t.name);
        if (t.name.startsWith("__")) throw new StreamBusError("INVALID_TOPIC_EXCEPTION", `topic names starting with "__" are reserved for internal topics`);
        const manual = t.assignments.length > 0;
        if (manual && (t.numPartitions !== -1 || t.replicationFactor !== -1)) {
          throw new StreamBusError("INVALID_REQUEST", "give either numPartitions/replicationFactor or manual assignments, not both");
        }
        const partitions = manual ? t.assignments.length : t.numPartitions === -1 ? b.config.topics.defaultPartitions : t.numPartitions;
        const rf = manual ? t.assignments[0]!.brokerIds.length : t.replicationFactor === -1 ? b.config.topics.defaultReplicationFactor : t.replicationFactor;
        if (partitions < 1) throw new StreamBusError("INVALID_PARTITIONS", `number of partitions must be at least 1, got ${partitions}`);
        if (rf < 1) throw new StreamBusError("INVALID_REPLICATION_FACTOR", `replication factor must be at least 1, got ${rf}`);
        const configs = new Map<string, string>();
        for (const c of t.configs) if (c.value !== null) configs.set(c.name, c.value);
        const assignments = manual ? [...t.assignments].sort((x, y) => x.partitionIndex - y.partitionIndex).map((a) => [...a.brokerIds]) : undefined;
        const { topicId } = await b.createTopic(t.name, partitions, rf, configs, { assignments, validateOnly: req.validateOnly });
        const defaults = topicConfigDefaults(b.config);
        for (const [k, v] of configs) defaults.set(k, v);
        topics.push({
          ...base, topicId: topicIdToWire(topicId), numPartitions: partitions, replicationFactor: rf,
          configs: [...defaults].map(([name, value]) => ({ name, value, readOnly: false, configSource: configs.has(name) ? 1 : 5, isSensitive: false })),
        });
      } catch (e) {
        const err = toStreamBusError(e);
        topics.push({ ...base, errorCode: err.kafkaCode, errorMessage: err.message });
      }
    }
    return { throttleTimeMs: 0, topics };
  },
});
