/** ApiVersions (key 18): what this broker implements, derived from the handler registry. */
import { ApiVersionsRequest, ApiVersionsResponse } from "../../protocol/schemas/api-versions.ts";
import { defineHandler } from "../handler.ts";

export const apiVersionsHandler = defineHandler({
  request: ApiVersionsRequest,
  response: ApiVersionsResponse,
  minVersion: 0,
  maxVersion: 3,
  handle(ctx) {
    return { errorCode: 0, apiKeys: ctx.broker.advertisedApis(), throttleTimeMs: 0 };
  },
});
