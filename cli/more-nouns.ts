/** Nouns whose verbs land with later issues (security); declared now so `--help` shows the whole command tree. */
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
