/** `streambus topic list`: names with partition and replica counts. */
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";

export const listVerb: VerbSpec = {
  name: "list", brief: "List topics",
  flags: [...listFlags, { name: "internal", kind: "boolean", brief: "Include internal topics" }],
  examples: ["streambus topic list", "streambus topic list -o json | jq -r '.[].name'"],
  async run(ctx, flags) {
    const topics = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      const admin = bus.admin({ timeoutMs });
      const names = await withDeadline(admin.listTopics({ includeInternal: flags.internal === true }), timeoutMs, "listing topics");
      if (names.length === 0) return [];
      const described = await withDeadline(admin.describeTopics(names), timeoutMs, "describing topics");
      return described.map((d) => ({ name: d.name, partitions: d.partitions.length, replicationFactor: d.partitions[0]?.replicas.length ?? 0, internal: d.isInternal }));
    });
    printResult(ctx, flags, topics, (ts) => [{ head: ["NAME", "PARTITIONS", "REPLICAS"], rows: ts.map((t) => [t.name, t.partitions, t.replicationFactor]) }]);
  },
};
