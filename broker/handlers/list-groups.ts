/** ListGroups (key 16): every group this broker coordinates, optionally filtered by state and type. */
import { ListGroupsRequest, ListGroupsResponse } from "../../protocol/schemas/list-groups.ts";
import { defineHandler } from "../handler.ts";

export const listGroupsHandler = defineHandler({
  request: ListGroupsRequest,
  response: ListGroupsResponse,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req) {
    const groups = ctx.broker.groups.coordinators().flatMap((c) => c.listGroups(req.statesFilter ?? [], req.typesFilter ?? []));
    return { throttleTimeMs: 0, errorCode: 0, groups };
  },
});
