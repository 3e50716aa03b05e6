/** `streambus topic describe NAME`: partitions (leader, replicas, ISR, offsets) and non-default configs. */
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { describeTopic } from "../lookup.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";

export const describeVerb: VerbSpec = {
  name: "describe", brief: "Show a topic's partitions, replicas, offsets and configs",
  positionals: [{ name: "name", brief: "Topic name" }],
  flags: listFlags,
  examples: ["streambus topic describe orders", "streambus topic describe orders -o yaml"],
  async run(ctx, flags, [name]) {
    const result = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      const admin = bus.admin({ timeoutMs });
      const d = await describeTopic(bus, name!, timeoutMs);
      const configs = await withDeadline(admin.describeConfigs({ topic: name! }), timeoutMs, `reading configs of "${name}"`);
      return {
        name: d.name, topicId: d.topicId, internal: d.isInternal,
        partitions: d.partitions.map((p) => ({
          partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr,
          earliestOffset: p.earliestOffset, latestOffset: p.latestOffset,
        })),
        configs: Object.fromEntries(configs.filter((c) => !c.isDefault).map((c) => [c.name, c.isSensitive ? "(sensitive)" : c.value])),
      };
    });
    printResult(ctx, flags, result, (r) => [
      { title: `TOPIC ${r.name}  (id ${r.topicId}, ${r.partitions.length} partitions)`, head: ["PARTITION", "LEADER", "REPLICAS", "ISR", "EARLIEST", "LATEST"],
        rows: r.partitions.map((p) => [p.partition, p.leader, p.replicas.join(","), p.isr.join(","), p.earliestOffset, p.latestOffset]) },
      { title: "CONFIGS (non-default)", head: ["KEY", "VALUE"], rows: Object.entries(r.configs).map(([k, v]) => [k, v]) },
    ]);
  },
};
