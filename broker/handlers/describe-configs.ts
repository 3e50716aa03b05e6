/** DescribeConfigs (key 32): a topic's effective configs (overrides and defaults) and the broker's. */
import { StreamBusError, toStreamBusError } from "../../protocol/errors.ts";
import { DescribeConfigsRequest, DescribeConfigsResponse } from "../../protocol/schemas/describe-configs.ts";
import { defineHandler } from "../handler.ts";
import { topicConfigDefaults } from "../topic-configs.ts";
import { RESOURCE_BROKER, RESOURCE_TOPIC, SOURCE_DEFAULT, SOURCE_DYNAMIC_TOPIC, SOURCE_STATIC_BROKER, unsupportedResource } from "./configs-common.ts";

export const describeConfigsHandler = defineHandler({
  request: DescribeConfigsRequest,
  response: DescribeConfigsResponse,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    const b = ctx.broker;
    const results = req.resources.map((r) => {
      const base = { errorCode: 0, errorMessage: null as string | null, resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        let entries: { name: string; value: string; source: number }[];
        if (r.resourceType === RESOURCE_TOPIC) {
          const t = b.image().topics.get(r.resourceName);
          if (!t) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${r.resourceName}" does not exist`);
          const all = topicConfigDefaults(b.config);
          entries = [...all].map(([name, value]) => (t.configs.has(name) ? { name, value: t.configs.get(name)!, source: SOURCE_DYNAMIC_TOPIC } : { name, value, source: SOURCE_DEFAULT }));
        } else if (r.resourceType === RESOURCE_BROKER) {
          if (r.resourceName !== "" && r.resourceName !== String(b.nodeId)) throw new StreamBusError("INVALID_REQUEST", `this is broker ${b.nodeId}, not ${r.resourceName}`);
          entries = [...topicConfigDefaults(b.config)].map(([name, value]) => ({ name: name === "max.message.bytes" ? "message.max.bytes" : `log.${name}`, value, source: SOURCE_STATIC_BROKER }));
          entries.push({ name: "auto.create.topics.enable", value: String(b.config.topics.autoCreate), source: SOURCE_STATIC_BROKER });
          entries.push({ name: "num.partitions", value: String(b.config.topics.defaultPartitions), source: SOURCE_STATIC_BROKER });
        } else throw unsupportedResource(r.resourceType);
        const wanted = r.configurationKeys ? new Set(r.configurationKeys) : null;
        return {
          ...base,
          configs: entries.filter((e) => !wanted || wanted.has(e.name)).map((e) => ({
            name: e.name, value: e.value, readOnly: r.resourceType === RESOURCE_BROKER, isDefault: e.source === SOURCE_DEFAULT,
            configSource: e.source, isSensitive: false, synonyms: [], configType: 0, documentation: null,
          })),
        };
      } catch (e) {
        const err = toStreamBusError(e);
        return { ...base, errorCode: err.kafkaCode, errorMessage: err.message, configs: [] };
      }
    });
    return { throttleTimeMs: 0, results };
  },
});
