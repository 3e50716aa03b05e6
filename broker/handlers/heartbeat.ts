/** Heartbeat (key 12): keeps a member's session alive; tells it when to rejoin. */
import { HeartbeatRequest, HeartbeatResponse } from "../../protocol/schemas/heartbeat.ts";
import { defineHandler } from "../handler.ts";

export const heartbeatHandler = defineHandler({
  request: HeartbeatRequest,
  response: HeartbeatResponse,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, req) {
    const r = await ctx.broker.groups.run(req.groupId, (c, now) => c.handleHeartbeat(req, now), (errorCode) => ({ errorCode }));
    return { throttleTimeMs: 0, errorCode: r.errorCode };
  },
});
