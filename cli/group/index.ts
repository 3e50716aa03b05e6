/** `streambus group ...`: consumer groups. */
import { clientFlags, listFlags } from "../common-flags.ts";
import { comesLater, type NounSpec } from "../spec.ts";

const ISSUE = "the consumer groups issue";

export const groupNoun: NounSpec = {
  name: "group",
  brief: "List, describe, reset and delete consumer groups",
  verbs: [
    { name: "list", brief: "List consumer groups", flags: listFlags, run: comesLater("group list", ISSUE) },
    {
      name: "describe", brief: "Members, assignments, committed offsets and lag of a group",
      positionals: [{ name: "group", brief: "Group id" }], flags: listFlags, run: comesLater("group describe", ISSUE),
    },
    {
      name: "reset-offsets", brief: "Move a group's committed offsets (dry run unless --execute)",
      positionals: [{ name: "group", brief: "Group id" }],
      flags: [
        ...listFlags,
        { name: "topic", kind: "string", short: "t", placeholder: "topic", brief: "Topic whose offsets to reset", required: true },
        { name: "to", kind: "string", placeholder: "earliest|latest|OFFSET|@TS|-DURATION", brief: "Where to move the offsets", required: true },
        { name: "execute", kind: "boolean", brief: "Apply the plan (default: print it only)" },
      ],
      examples: ["streambus group reset-offsets g --topic orders --to -1h --execute"],
      run: comesLater("group reset-offsets", ISSUE),
    },
    { name: "delete", brief: "Delete an empty group", positionals: [{ name: "group", brief: "Group id" }], flags: clientFlags, run: comesLater("group delete", ISSUE) },
  ],
};
