/**
 * `streambus group reset-offsets G --topic T --to ...`: prints the plan; moves the committed offsets only
 * with --execute. Refused (NON_EMPTY_GROUP) while the group has members, who would overwrite them.
 */
import type { ResetTarget } from "../../client/group/group-admin.ts";
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { parseFrom } from "../consume/from.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";
import { StreamBusError } from "../../protocol/errors.ts";

/** `--to` uses `--from`'s syntax, except -N (records from the end), which has no group meaning here. */
function resetTarget(to: string, nowMs: number): ResetTarget {
  const spec = parseFrom(to, nowMs);
  switch (spec.kind) {
    case "earliest":
    case "latest":
      return spec.kind;
    case "offset":
      return { offset: spec.offset };
    case "timestamp":
      return { timestamp: spec.timestampMs };
    case "fromEnd":
      throw new StreamBusError("USAGE", `--to "${to}": use earliest, latest, OFFSET, @TIMESTAMP_MS or -DURATION (e.g. -1h)`);
  }
}

export const resetOffsetsVerb: VerbSpec = {
  name: "reset-offsets", brief: "Move a group's committed offsets (dry run unless --execute)",
  positionals: [{ name: "group", brief: "Group id" }],
  flags: [
    ...listFlags,
    { name: "topic", kind: "string", short: "t", placeholder: "topic", brief: "Topic whose offsets to reset", required: true },
    { name: "to", kind: "string", placeholder: "earliest|latest|OFFSET|@TS|-DURATION", brief: "Where to move the offsets", required: true },
    { name: "execute", kind: "boolean", brief: "Apply the plan (default: print it only)" },
  ],
  examples: ["streambus group reset-offsets billing --topic orders --to -1h", "streambus group reset-offsets billing --topic orders --to earliest --execute"],
  async run(ctx, flags, [groupId]) {
    const target = resetTarget(String(flags.to), Date.now());
    const execute = flags.execute === true;
    const result = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      const admin = bus.admin({ timeoutMs });
      const before = new Map((await withDeadline(admin.listGroupOffsets(groupId!), timeoutMs, "reading committed offsets")).map((o) => [`${o.topic}/${o.partition}`, o.offset]));
      const plan = await withDeadline(admin.resetGroupOffsets(groupId!, String(flags.topic), target, { dryRun: !execute }), timeoutMs, "resetting offsets");
      return {
        groupId: groupId!, topic: String(flags.topic), executed: execute,
        partitions: plan.map((p) => ({ partition: p.partition, currentOffset: before.get(`${p.topic}/${p.partition}`) ?? null, newOffset: p.offset })),
      };
    });
    printResult(ctx, flags, result, (r) => [{
      title: r.executed ? `RESET group ${r.groupId} on ${r.topic}` : `PLAN for group ${r.groupId} on ${r.topic} (dry run: add --execute to apply)`,
      head: ["PARTITION", "CURRENT", "NEW"],
      rows: r.partitions.map((p) => [p.partition, p.currentOffset, p.newOffset]),
    }]);
  },
};
