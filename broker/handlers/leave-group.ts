/** LeaveGroup (key 13): one member (v0-2) or a batch by member or instance id (v3+). */
import { LeaveGroupRequest, LeaveGroupResponse } from "../../protocol/schemas/leave-group.ts";
import type { LeaveReply } from "../groups/types.ts";
import { defineHandler } from "../handler.ts";

export const leaveGroupHandler = defineHandler({
  request: LeaveGroupRequest,
  response: LeaveGroupResponse,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const members = ctx.apiVersion >= 3 ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }];
    const reply = await ctx.broker.groups.run<LeaveReply>(req.groupId, (c, now) => c.handleLeave({ groupId: req.groupId, members }, now), (errorCode) => ({ errorCode, members: [] }));
    if (ctx.apiVersion < 3) {
      // Before v3 there is one member and one error.
      return { throttleTimeMs: 0, errorCode: reply.errorCode !== 0 ? reply.errorCode : (reply.members[0]?.errorCode ?? 0) };
    }
    return { throttleTimeMs: 0, errorCode: reply.errorCode, members: reply.members };
  },
});
