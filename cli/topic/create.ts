/** `streambus topic create NAME`: CreateTopics, then waits until the topic shows in metadata. */
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { parseConfigMap } from "../kv.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";

export const createVerb: VerbSpec = {
  name: "create", brief: "Create a topic",
  positionals: [{ name: "name", brief: "Topic name" }],
  flags: [
    ...listFlags,
    { name: "partitions", kind: "number", short: "p", placeholder: "n", brief: "Number of partitions (broker default if omitted)" },
    { name: "replicationFactor", kind: "number", short: "r", placeholder: "n", brief: "Replicas per partition" },
    { name: "config", kind: "list", short: "c", placeholder: "key=value", brief: "Topic config, repeatable (e.g. retention.ms=86400000)" },
  ],
  examples: ["streambus topic create orders --partitions 3", "streambus topic create events -c cleanup.policy=compact"],
  async run(ctx, flags, [name]) {
    const configs = parseConfigMap("config", flags.config as string[] | undefined);
    const result = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      const admin = bus.admin({ timeoutMs });
      await withDeadline(admin.createTopics([{
        name: name!, configs,
        partitions: flags.partitions as number | undefined, replicationFactor: flags.replicationFactor as number | undefined,
      }]), timeoutMs, `creating topic "${name}"`);
      const [d] = await withDeadline(admin.describeTopics([name!]), timeoutMs, `describing topic "${name}"`);
      return { topic: name!, partitions: d!.partitions.length, replicationFactor: d!.partitions[0]?.replicas.length ?? 0, configs };
    });
    printResult(ctx, flags, result, (r) => [{ head: ["TOPIC", "PARTITIONS", "REPLICATION", "STATUS"], rows: [[r.topic, r.partitions, r.replicationFactor, "created"]] }]);
  },
};
