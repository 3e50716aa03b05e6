/** `streambus group delete G`: removes an empty group and its committed offsets. */
import { clientFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import type { VerbSpec } from "../spec.ts";

export const deleteVerb: VerbSpec = {
  name: "delete", brief: "Delete an empty group and its committed offsets",
  positionals: [{ name: "group", brief: "Group id" }], flags: clientFlags,
  examples: ["streambus group delete billing"],
  async run(ctx, flags, [groupId]) {
    await withSession(ctx, flags, ({ bus, timeoutMs }) => withDeadline(bus.admin({ timeoutMs }).deleteGroups([groupId!]), timeoutMs, `deleting group "${groupId}"`));
    ctx.process.stderr.write(`deleted group ${groupId}\n`);
  },
};
