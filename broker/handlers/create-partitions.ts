/** CreatePartitions (key 37): grows a topic through the metadata quorum. */
import { StreamBusError, toStreamBusError } from "../../protocol/errors.ts";
import { apply as applyRecord } from "../../raft/metadata/apply.ts";
import { CreatePartitionsRequest, CreatePartitionsResponse } from "../../protocol/schemas/create-partitions.ts";
import { defineHandler } from "../handler.ts";

export const createPartitionsHandler = defineHandler({
  request: CreatePartitionsRequest,
  response: CreatePartitionsResponse,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, req) {
    const b = ctx.broker;
    const results = [];
    for (const t of req.topics) {
      try {
        const image = b.image();
        const topic = image.topics.get(t.name);
        if (!topic) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${t.name}" does not exist`);
        const have = topic.partitions.length;
        if (t.count <= have) throw new StreamBusError("INVALID_PARTITIONS", `topic "${t.name}" has ${have} partitions; the new count ${t.count} must be larger`);
        const brokers = [...image.brokers.keys()].sort((x, y) => x - y);
        const assignments = t.assignments && t.assignments.length > 0
          ? t.assignments.map((a) => [...a.brokerIds])
          : Array.from({ length: t.count - have }, (_, i) => Array.from({ length: topic.replicationFactor }, (_, r) => brokers[(have + i + r) % brokers.length]!));
        const record = { type: "createPartitions" as const, name: t.name, totalPartitions: t.count, assignments };
        applyRecord(image, record);
        if (!req.validateOnly) await b.quorum.propose(record);
        results.push({ name: t.name, errorCode: 0, errorMessage: null });
      } catch (e) {
        const err = toStreamBusError(e);
        results.push({ name: t.name, errorCode: err.kafkaCode, errorMessage: err.message });
      }
    }
    return { throttleTimeMs: 0, results };
  },
});
