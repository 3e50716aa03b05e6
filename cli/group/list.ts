/** `streambus group list`: every consumer group of the cluster with its state. */
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";

export const listVerb: VerbSpec = {
  name: "list", brief: "List consumer groups", flags: listFlags,
  examples: ["streambus group list", "streambus group list -o json | jq -r '.[].groupId'"],
  async run(ctx, flags) {
    const groups = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      const admin = bus.admin({ timeoutMs });
      const listed = await withDeadline(admin.listGroups(), timeoutMs, "listing groups");
      const described = listed.length ? await withDeadline(admin.describeGroups(listed.map((g) => g.groupId)), timeoutMs, "describing groups") : [];
      return described.map((d) => ({ groupId: d.groupId, state: d.state, protocol: d.protocol, members: d.members.length }));
    });
    printResult(ctx, flags, groups, (r) => [{ head: ["GROUP", "STATE", "ASSIGNOR", "MEMBERS"], rows: r.map((g) => [g.groupId, g.state, g.protocol || "-", g.members]) }]);
  },
};
