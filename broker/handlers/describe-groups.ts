/** DescribeGroups (key 15): state, protocol and members (with metadata and assignment) of groups. */
import { kafkaCodeOf } from "../../protocol/errors.ts";
import { DescribeGroupsRequest, DescribeGroupsResponse } from "../../protocol/schemas/describe-groups.ts";
import { defineHandler } from "../handler.ts";

export const describeGroupsHandler = defineHandler({
  request: DescribeGroupsRequest,
  response: DescribeGroupsResponse,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req) {
    const g = ctx.broker.groups;
    const groups = req.groups.map((groupId) => {
      const err = g.coordinatorError(groupId);
      if (err) return { errorCode: kafkaCodeOf(err), groupId, groupState: "", protocolType: "", protocolData: "", members: [] };
      const c = g.coordinators().find((x) => x.group(groupId) !== undefined) ?? g.coordinators()[0]!;
      return c.describeGroups([groupId])[0]!;
    });
    return { throttleTimeMs: 0, groups };
  },
});
