/** SyncGroup (key 14): followers park until the leader hands in the assignment. */
import { SyncGroupRequest, SyncGroupResponse } from "../../protocol/schemas/sync-group.ts";
import type { SyncReply } from "../groups/types.ts";
import { defineHandler } from "../handler.ts";

export const syncGroupHandler = defineHandler({
  request: SyncGroupRequest,
  response: SyncGroupResponse,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const reply = await ctx.broker.groups.run<SyncReply>(
      req.groupId,
      (c, now) => c.handleSync(req, now),
      (errorCode) => ({ errorCode, protocolType: null, protocolName: null, assignment: new Uint8Array(0) }),
    );
    return { throttleTimeMs: 0, ...reply };
  },
});
