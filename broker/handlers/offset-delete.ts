/** OffsetDelete (key 47): removes committed offsets of partitions the group no longer consumes. */
import { kafkaCodeOf } from "../../protocol/errors.ts";
import { OffsetDeleteRequest, OffsetDeleteResponse } from "../../protocol/schemas/offset-delete.ts";
import { defineHandler } from "../handler.ts";

export const offsetDeleteHandler = defineHandler({
  request: OffsetDeleteRequest,
  response: OffsetDeleteResponse,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, req) {
    const image = ctx.broker.image();
    const exists = (topic: string, partition: number) => {
      const t = image.topics.get(topic);
      return t !== undefined && partition >= 0 && partition < t.partitions.length;
    };
    // Partitions that do not exist are refused here, as Kafka does; the core sees only real ones
    // (and still answers the group-level checks when none is left).
    const known = req.topics
      .map((t) => ({ name: t.name, partitions: t.partitions.filter((p) => exists(t.name, p.partitionIndex)) }))
      .filter((t) => t.partitions.length > 0);
    const r = await ctx.broker.groups.run(req.groupId, (c, now) => c.handleOffsetDelete({ groupId: req.groupId, topics: known }, now), (errorCode) => ({ errorCode, topics: [] }));
    if (r.errorCode !== 0) return { throttleTimeMs: 0, errorCode: r.errorCode, topics: [] };
    const fromCore = new Map(r.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}\u0000${p.partitionIndex}`, p.errorCode] as const)));
    const unknown = kafkaCodeOf("UNKNOWN_TOPIC_OR_PARTITION");
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: fromCore.get(`${t.name}\u0000${p.partitionIndex}`) ?? unknown })),
    }));
    return { throttleTimeMs: 0, errorCode: 0, topics };
  },
});
