/** AlterConfigs (key 33, legacy): replaces a topic's whole set of config overrides. */
import { toStreamBusError } from "../../protocol/errors.ts";
import { AlterConfigsRequest, AlterConfigsResponse } from "../../protocol/schemas/alter-configs.ts";
import { defineHandler } from "../handler.ts";
import { applyTopicConfigs, RESOURCE_TOPIC, unsupportedResource } from "./configs-common.ts";

export const alterConfigsHandler = defineHandler({
  request: AlterConfigsRequest,
  response: AlterConfigsResponse,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, req) {
    const responses = [];
    for (const r of req.resources) {
      const base = { errorCode: 0, errorMessage: null as string | null, resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        if (r.resourceType !== RESOURCE_TOPIC) throw unsupportedResource(r.resourceType);
        const next = new Map<string, string>();
        for (const c of r.configs) if (c.value !== null) next.set(c.name, c.value);
        await applyTopicConfigs(ctx.broker, r.resourceName, next, req.validateOnly);
        responses.push(base);
      } catch (e) {
        const err = toStreamBusError(e);
        responses.push({ ...base, errorCode: err.kafkaCode, errorMessage: err.message });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
