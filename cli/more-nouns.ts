/** Nouns whose verbs land with later issues; declared now so `--help` shows the whole command tree. */
import { clientFlags, listFlags } from "./common-flags.ts";
import { comesLater, type NounSpec } from "./spec.ts";

export const aclNoun: NounSpec = {
  name: "acl",
  brief: "Manage access control lists",
  verbs: [
    { name: "list", brief: "List ACLs", flags: listFlags, run: comesLater("acl list", "the security issue") },
    {
      name: "create", brief: "Allow or deny an operation on a resource",
      flags: [
        ...clientFlags,
        { name: "principal", kind: "string", placeholder: "User:name", brief: "Principal", required: true },
        { name: "operation", kind: "string", placeholder: "op", brief: "read, write, create, delete, alter, describe, all", required: true },
        { name: "topic", kind: "string", placeholder: "name", brief: "Topic resource" },
        { name: "group", kind: "string", placeholder: "name", brief: "Group resource" },
        { name: "prefixed", kind: "boolean", brief: "Match resource names by prefix" },
        { name: "deny", kind: "boolean", brief: "Deny instead of allow" },
      ],
      run: comesLater("acl create", "the security issue"),
    },
    { name: "delete", brief: "Delete matching ACLs", flags: [...clientFlags, { name: "principal", kind: "string", placeholder: "User:name", brief: "Principal" }], run: comesLater("acl delete", "the security issue") },
  ],
};

export const userNoun: NounSpec = {
  name: "user",
  brief: "Manage SASL/SCRAM users",
  verbs: [
    { name: "list", brief: "List users", flags: listFlags, run: comesLater("user list", "the security issue") },
    {
      name: "create", brief: "Create a SCRAM user", positionals: [{ name: "name", brief: "User name" }],
      flags: [...clientFlags, { name: "mechanism", kind: "enum", values: ["SCRAM-SHA-256", "SCRAM-SHA-512"], default: "SCRAM-SHA-256", brief: "SCRAM mechanism" }],
      run: comesLater("user create", "the security issue"),
    },
    { name: "delete", brief: "Delete a user", positionals: [{ name: "name", brief: "User name" }], flags: clientFlags, run: comesLater("user delete", "the security issue") },
  ],
};

const benchFlags = [
  ...clientFlags,
  { name: "topic", kind: "string", short: "t", placeholder: "name", brief: "Topic to use (created if missing)" },
  { name: "records", kind: "number", short: "n", placeholder: "n", brief: "Number of records" },
  { name: "recordBytes", kind: "number", short: "s", placeholder: "bytes", brief: "Record value size" },
  { name: "acks", kind: "enum", values: ["all", "1", "0"], brief: "Acknowledgement level" },
  { name: "output", kind: "enum", short: "o", values: ["table", "json"], brief: "Result format" },
] as const;

export const benchNoun: NounSpec = {
  name: "bench",
  brief: "Measure produce, consume and end-to-end performance",
  verbs: [
    { name: "produce", brief: "Produce throughput and latency", flags: benchFlags, run: comesLater("bench produce", "the SDK and CLI issue") },
    { name: "consume", brief: "Consume throughput", flags: benchFlags, run: comesLater("bench consume", "the SDK and CLI issue") },
    { name: "e2e", brief: "End-to-end latency at a fixed rate", flags: [...benchFlags, { name: "rate", kind: "number", placeholder: "n/s", brief: "Records per second" }], run: comesLater("bench e2e", "the SDK and CLI issue") },
  ],
};

export const profileNoun: NounSpec = {
  name: "profile",
  brief: "Named connection profiles in ~/.config/streambus/config.yaml",
  verbs: [
    { name: "list", brief: "List profiles", flags: [{ name: "output", kind: "enum", short: "o", values: ["table", "json", "yaml"], brief: "Output format" }], run: comesLater("profile list", "the SDK and CLI issue") },
    {
      name: "create", brief: "Create or update a profile", positionals: [{ name: "name", brief: "Profile name" }],
      flags: [{ name: "brokers", kind: "string", short: "b", placeholder: "host:port,...", brief: "Bootstrap brokers", required: true }],
      run: comesLater("profile create", "the SDK and CLI issue"),
    },
    { name: "use", brief: "Make a profile the current one", positionals: [{ name: "name", brief: "Profile name" }], flags: [], run: comesLater("profile use", "the SDK and CLI issue") },
  ],
};

export const completionNoun: NounSpec = {
  name: "completion",
  brief: "Print a shell completion script",
  verbs: ["bash", "zsh", "fish"].map((shell) => ({
    name: shell, brief: `Completion script for ${shell}`, flags: [], run: comesLater(`completion ${shell}`, "the SDK and CLI issue"),
  })),
};
