/** ListOffsets (key 2): earliest (-2), latest (-1) and first offset at or after a timestamp. */
import { kafkaCodeOf, toStreamBusError } from "../../protocol/errors.ts";
import { ListOffsetsRequest, ListOffsetsResponse } from "../../protocol/schemas/list-offsets.ts";
import { defineHandler } from "../handler.ts";

const LATEST = -1n;
const EARLIEST = -2n;

export const listOffsetsHandler = defineHandler({
  request: ListOffsetsRequest,
  response: ListOffsetsResponse,
  // v0 returns lists of offsets (a pre-0.10 form no current client uses); v7 adds max-timestamp (-3), not yet.
  minVersion: 1,
  maxVersion: 6,
  async handle(ctx, req) {
    const b = ctx.broker;
    const topics = [];
    for (const t of req.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        const out = { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
        const target = b.leaderLog(t.name, p.partitionIndex, p.currentLeaderEpoch);
        if ("error" in target) {
          partitions.push({ ...out, errorCode: kafkaCodeOf(target.error) });
          continue;
        }
        out.leaderEpoch = target.leaderEpoch;
        try {
          if (p.timestamp === LATEST) out.offset = target.log.highWatermark;
          else if (p.timestamp === EARLIEST) out.offset = target.log.logStartOffset;
          else if (p.timestamp < 0n) out.errorCode = kafkaCodeOf("UNSUPPORTED_VERSION");
          else {
            const found = await target.log.offsetForTimestamp(Number(p.timestamp));
            if (found) {
              out.offset = found.offset;
              out.timestamp = BigInt(found.timestampMs);
            }
          }
        } catch (e) {
          out.errorCode = toStreamBusError(e).kafkaCode;
        }
        partitions.push(out);
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
