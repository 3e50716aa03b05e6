/** OffsetDelete (key 47): removes committed offsets of partitions the group no longer consumes. */
import { OffsetDeleteRequest, OffsetDeleteResponse } from "../../protocol/schemas/offset-delete.ts";
import { defineHandler } from "../handler.ts";

export const offsetDeleteHandler = defineHandler({
  request: OffsetDeleteRequest,
  response: OffsetDeleteResponse,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, req) {
    const r = await ctx.broker.groups.run(req.groupId, (c, now) => c.handleOffsetDelete(req, now), (errorCode) => ({ errorCode, topics: [] }));
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
  },
});
