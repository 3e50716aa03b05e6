/** OffsetFetch (key 9): committed offsets of one group (v0-7) or many (v8+). */
import { OffsetFetchRequest, OffsetFetchResponse } from "../../protocol/schemas/offset-fetch.ts";
import type { FetchGroupReply } from "../groups/offset-ops.ts";
import type { RequestContext } from "../handler.ts";
import { defineHandler } from "../handler.ts";

function fetchOne(ctx: RequestContext, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null): Promise<FetchGroupReply> {
  return ctx.broker.groups.run<FetchGroupReply>(groupId, (c, now) => c.handleFetch({ groupId, topics }, now), (errorCode) => ({ groupId, errorCode, topics: [] }));
}

export const offsetFetchHandler = defineHandler({
  request: OffsetFetchRequest,
  response: OffsetFetchResponse,
  minVersion: 0,
  maxVersion: 8,
  async handle(ctx, req) {
    if (ctx.apiVersion >= 8) {
      const groups = await Promise.all(req.groups.map((g) => fetchOne(ctx, g.groupId, g.topics)));
      return { throttleTimeMs: 0, groups };
    }
    const r = await fetchOne(ctx, req.groupId, req.topics);
    // Before v2 there is no top-level error code: a group-level error goes on every partition.
    const topics = ctx.apiVersion < 2 && r.errorCode !== 0
      ? (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: null, errorCode: r.errorCode })) }))
      : r.topics;
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics };
  },
});
