/** DeleteRecords (key 21): moves a partition's log start offset (offset -1 means the high watermark). */
import { kafkaCodeOf, StreamBusError, toStreamBusError } from "../../protocol/errors.ts";
import { DeleteRecordsRequest, DeleteRecordsResponse } from "../../protocol/schemas/delete-records.ts";
import { defineHandler } from "../handler.ts";

export const deleteRecordsHandler = defineHandler({
  request: DeleteRecordsRequest,
  response: DeleteRecordsResponse,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, req) {
    const b = ctx.broker;
    const topics = [];
    for (const t of req.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        const target = b.leaderLog(t.name, p.partitionIndex);
        if ("error" in target) {
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: kafkaCodeOf(target.error) });
          continue;
        }
        try {
          const hw = target.log.highWatermark;
          const offset = p.offset === -1n ? hw : p.offset;
          if (offset < 0n || offset > hw) throw new StreamBusError("OFFSET_OUT_OF_RANGE", `offset ${p.offset} is beyond the high watermark ${hw}`);
          const low = await target.log.deleteRecordsBefore(offset);
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: low, errorCode: 0 });
        } catch (e) {
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: toStreamBusError(e).kafkaCode });
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
