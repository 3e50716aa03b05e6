/** JoinGroup (key 11): parks until the join phase completes; answered by the coordinator core. */
import { JoinGroupRequest, JoinGroupResponse } from "../../protocol/schemas/join-group.ts";
import type { JoinReply } from "../groups/types.ts";
import { defineHandler } from "../handler.ts";

export const joinGroupHandler = defineHandler({
  request: JoinGroupRequest,
  response: JoinGroupResponse,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, req) {
    const client = { apiVersion: ctx.apiVersion, clientId: ctx.header.clientId ?? "", clientHost: ctx.conn.remoteAddress };
    const reply = await ctx.broker.groups.run<JoinReply>(
      req.groupId,
      (c, now) => c.handleJoin(req, client, now),
      (errorCode) => ({ errorCode, generationId: -1, protocolType: null, protocolName: null, leader: "", skipAssignment: false, memberId: req.memberId, members: [] }),
    );
    // protocolName is not nullable before v7: an error reply carries "" there.
    return { throttleTimeMs: 0, ...reply, protocolName: reply.protocolName ?? (ctx.apiVersion < 7 ? "" : null) };
  },
});
