/** OffsetCommit (key 8): group commits (generation checked) and simple commits (generation -1, Empty group). */
import { kafkaCodeOf } from "../../protocol/errors.ts";
import { OffsetCommitRequest, OffsetCommitResponse } from "../../protocol/schemas/offset-commit.ts";
import type { CommitRequest, TopicPartitionErrors } from "../groups/offset-ops.ts";
import { defineHandler } from "../handler.ts";

export const offsetCommitHandler = defineHandler({
  request: OffsetCommitRequest,
  response: OffsetCommitResponse,
  minVersion: 0,
  maxVersion: 8,
  async handle(ctx, req) {
    const b = ctx.broker;
    const image = b.image();
    const unknown: TopicPartitionErrors["topics"] = [];
    const known: { name: string; partitions: CommitRequest["topics"][number]["partitions"][number][] }[] = [];
    // Offsets for partitions that do not exist are refused here; the core only sees real partitions.
    for (const t of req.topics) {
      const topic = image.topics.get(t.name);
      const good = t.partitions.filter((p) => topic !== undefined && p.partitionIndex >= 0 && p.partitionIndex < topic.partitions.length);
      const bad = t.partitions.filter((p) => !good.includes(p));
      if (bad.length) unknown.push({ name: t.name, partitions: bad.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: kafkaCodeOf("UNKNOWN_TOPIC_OR_PARTITION") })) });
      if (good.length) known.push({ name: t.name, partitions: good });
    }
    const failAll = (errorCode: number): TopicPartitionErrors => ({ topics: known.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) });
    const r = known.length === 0
      ? { topics: [] }
      : await b.groups.run<TopicPartitionErrors>(
          req.groupId,
          (c, now) => c.handleCommit({
            groupId: req.groupId,
            generationIdOrMemberEpoch: req.generationIdOrMemberEpoch,
            memberId: req.memberId,
            groupInstanceId: req.groupInstanceId,
            topics: known,
          }, now),
          failAll,
        );
    return { throttleTimeMs: 0, topics: [...r.topics, ...unknown] };
  },
});
