/** `streambus group describe G`: members and assignments, committed offsets, log end offsets and lag. */
import { StreamBusError } from "../../protocol/errors.ts";
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";

export const describeVerb: VerbSpec = {
  name: "describe", brief: "Members, assignments, committed offsets and lag of a group",
  positionals: [{ name: "group", brief: "Group id" }], flags: listFlags,
  examples: ["streambus group describe billing", "streambus group describe billing -o json | jq '.totalLag'"],
  async run(ctx, flags, [groupId]) {
    const result = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      const admin = bus.admin({ timeoutMs });
      const [d] = await withDeadline(admin.describeGroups([groupId!]), timeoutMs, `describing group "${groupId}"`);
      const offsets = await withDeadline(admin.listGroupOffsets(groupId!), timeoutMs, `reading offsets of group "${groupId}"`);
      if ((!d || d.state === "Dead") && offsets.length === 0) throw new StreamBusError("GROUP_ID_NOT_FOUND", `group "${groupId}" does not exist`);
      const ownerOf = new Map<string, string>();
      for (const m of d?.members ?? []) for (const tp of m.assignment) for (const p of tp.partitions) ownerOf.set(`${tp.topic}/${p}`, m.memberId);
      const partitions = offsets
        .map((o) => ({ topic: o.topic, partition: o.partition, committedOffset: o.offset, logEndOffset: o.logEndOffset, lag: o.lag, member: ownerOf.get(`${o.topic}/${o.partition}`) ?? null }))
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
      return {
        groupId: groupId!, state: d?.state ?? "Empty", assignor: d?.protocol ?? "",
        members: (d?.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, host: m.clientHost, assignment: m.assignment })),
        partitions,
        totalLag: partitions.reduce((n, p) => n + p.lag, 0n),
      };
    });
    printResult(ctx, flags, result, (r) => [
      { title: `GROUP ${r.groupId}  state ${r.state}  assignor ${r.assignor || "-"}  total lag ${r.totalLag}`, head: ["MEMBER", "INSTANCE", "CLIENT", "HOST", "ASSIGNMENT"],
        rows: r.members.map((m) => [m.memberId, m.groupInstanceId, m.clientId, m.host, m.assignment.map((a) => `${a.topic}[${a.partitions.join(",")}]`).join(" ")]) },
      { head: ["TOPIC", "PARTITION", "COMMITTED", "LOG END", "LAG", "MEMBER"], rows: r.partitions.map((p) => [p.topic, p.partition, p.committedOffset, p.logEndOffset, p.lag, p.member]) },
    ]);
  },
};
