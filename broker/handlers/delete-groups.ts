/** DeleteGroups (key 42): removes Empty groups and their offsets (tombstones in `__consumer_offsets`). */
import { DeleteGroupsRequest, DeleteGroupsResponse } from "../../protocol/schemas/delete-groups.ts";
import { defineHandler } from "../handler.ts";

export const deleteGroupsHandler = defineHandler({
  request: DeleteGroupsRequest,
  response: DeleteGroupsResponse,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, req) {
    const results = await Promise.all(
      req.groupsNames.map(async (groupId) => {
        const r = await ctx.broker.groups.run(groupId, (c, now) => c.handleDeleteGroups([groupId], now), (errorCode) => [{ groupId, errorCode }]);
        return r[0] ?? { groupId, errorCode: 0 };
      }),
    );
    return { throttleTimeMs: 0, results };
  },
});
