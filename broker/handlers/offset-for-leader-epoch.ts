/**
 * OffsetForLeaderEpoch (key 23): the end offset of a leader epoch, used by clients to detect log
 * truncation after a leader change. With one broker there is one leader history: every epoch up to the
 * current one ends at the log end offset (the leader epoch cache with per-epoch start offsets lands with
 * replication).
 */
import { kafkaCodeOf } from "../../protocol/errors.ts";
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from "../../protocol/schemas/offset-for-leader-epoch.ts";
import { defineHandler } from "../handler.ts";

export const offsetForLeaderEpochHandler = defineHandler({
  request: OffsetForLeaderEpochRequest,
  response: OffsetForLeaderEpochResponse,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    const b = ctx.broker;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const target = b.leaderLog(t.topic, p.partition, p.currentLeaderEpoch);
          if ("error" in target) return { errorCode: kafkaCodeOf(target.error), partition: p.partition, leaderEpoch: -1, endOffset: -1n };
          if (p.leaderEpoch > target.leaderEpoch) return { errorCode: 0, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
          return { errorCode: 0, partition: p.partition, leaderEpoch: target.leaderEpoch, endOffset: target.log.logEndOffset };
        }),
      })),
    };
  },
});
