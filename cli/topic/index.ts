/** `streambus topic ...`: create, list, describe, alter-config, delete. */
import { clientFlags, listFlags } from "../common-flags.ts";
import { comesLater, type NounSpec } from "../spec.ts";

const ISSUE = "the SDK and CLI issue";

export const topicNoun: NounSpec = {
  name: "topic",
  brief: "Create, list, describe, reconfigure and delete topics",
  verbs: [
    {
      name: "create", brief: "Create a topic",
      positionals: [{ name: "name", brief: "Topic name" }],
      flags: [
        ...listFlags,
        { name: "partitions", kind: "number", short: "p", placeholder: "n", brief: "Number of partitions (broker default if omitted)" },
        { name: "replicationFactor", kind: "number", short: "r", placeholder: "n", brief: "Replicas per partition" },
        { name: "config", kind: "list", short: "c", placeholder: "key=value", brief: "Topic config, repeatable (e.g. retention.ms=86400000)" },
      ],
      examples: ["streambus topic create orders --partitions 3", "streambus topic create events -c cleanup.policy=compact"],
      run: comesLater("topic create", ISSUE),
    },
    { name: "list", brief: "List topics", flags: [...listFlags, { name: "internal", kind: "boolean", brief: "Include internal topics" }], run: comesLater("topic list", ISSUE) },
    {
      name: "describe", brief: "Show a topic's partitions, replicas, offsets and configs",
      positionals: [{ name: "name", brief: "Topic name" }], flags: listFlags, run: comesLater("topic describe", ISSUE),
    },
    {
      name: "alter-config", brief: "Set or remove topic configs",
      positionals: [{ name: "name", brief: "Topic name" }],
      flags: [
        ...clientFlags,
        { name: "config", kind: "list", short: "c", placeholder: "key=value", brief: "Config to set, repeatable" },
        { name: "delete", kind: "list", placeholder: "key", brief: "Config to remove (back to the default), repeatable" },
      ],
      run: comesLater("topic alter-config", ISSUE),
    },
    { name: "delete", brief: "Delete a topic and its data", positionals: [{ name: "name", brief: "Topic name" }], flags: clientFlags, run: comesLater("topic delete", ISSUE) },
  ],
};
