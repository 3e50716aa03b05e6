/** IncrementalAlterConfigs (key 44): SET, DELETE, APPEND, SUBTRACT on topic configs. */
import { StreamBusError, toStreamBusError } from "../../protocol/errors.ts";
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from "../../protocol/schemas/incremental-alter-configs.ts";
import { defineHandler } from "../handler.ts";
import { applyTopicConfigs, RESOURCE_TOPIC, unsupportedResource } from "./configs-common.ts";

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

export const incrementalAlterConfigsHandler = defineHandler({
  request: IncrementalAlterConfigsRequest,
  response: IncrementalAlterConfigsResponse,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, req) {
    const b = ctx.broker;
    const responses = [];
    for (const r of req.resources) {
      const base = { errorCode: 0, errorMessage: null as string | null, resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        if (r.resourceType !== RESOURCE_TOPIC) throw unsupportedResource(r.resourceType);
        const t = b.image().topics.get(r.resourceName);
        if (!t) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${r.resourceName}" does not exist`);
        const next = new Map(t.configs);
        for (const c of r.configs) {
          const list = (next.get(c.name) ?? "").split(",").filter(Boolean);
          if (c.configOperation === SET) {
            if (c.value === null) throw new StreamBusError("INVALID_CONFIG", `SET ${c.name} needs a value`);
            next.set(c.name, c.value);
          } else if (c.configOperation === DELETE) next.delete(c.name);
          else if (c.configOperation === APPEND) next.set(c.name, [...list, ...(c.value ?? "").split(",").filter((v) => v && !list.includes(v))].join(","));
          else if (c.configOperation === SUBTRACT) next.set(c.name, list.filter((v) => !(c.value ?? "").split(",").includes(v)).join(","));
          else throw new StreamBusError("INVALID_REQUEST", `unknown config operation ${c.configOperation}`);
        }
        await applyTopicConfigs(b, r.resourceName, next, req.validateOnly);
        responses.push(base);
      } catch (e) {
        const err = toStreamBusError(e);
        responses.push({ ...base, errorCode: err.kafkaCode, errorMessage: err.message });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
