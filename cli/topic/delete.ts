/** `streambus topic delete NAME`. */
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";

export const deleteVerb: VerbSpec = {
  name: "delete", brief: "Delete a topic and its data",
  positionals: [{ name: "name", brief: "Topic name" }],
  flags: listFlags,
  examples: ["streambus topic delete orders"],
  async run(ctx, flags, [name]) {
    await withSession(ctx, flags, ({ bus, timeoutMs }) => withDeadline(bus.admin({ timeoutMs }).deleteTopics([name!]), timeoutMs, `deleting "${name}"`));
    printResult(ctx, flags, { topic: name!, deleted: true }, (r) => [{ head: ["TOPIC", "STATUS"], rows: [[r.topic, "deleted"]] }]);
  },
};
