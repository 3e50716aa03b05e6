/** `streambus consume TOPIC`: records to stdout, one per line. */
import { clientFlags } from "./common-flags.ts";
import { comesLater, type VerbSpec } from "./spec.ts";

export const consumeVerb: VerbSpec = {
  name: "consume",
  brief: "Consume a topic to stdout, one record per line",
  positionals: [{ name: "topic", brief: "Topic to consume" }],
  flags: [
    ...clientFlags,
    { name: "group", kind: "string", short: "g", placeholder: "id", brief: "Consume as a member of this consumer group (commits offsets)" },
    { name: "from", kind: "string", placeholder: "earliest|latest|OFFSET|@TS_MS|-DURATION", brief: "Where to start (default: latest, or the group's committed offset)" },
    { name: "partition", kind: "number", short: "p", placeholder: "n", brief: "Only this partition" },
    { name: "count", kind: "number", short: "c", placeholder: "n", brief: "Exit after N records" },
    { name: "exitAtEnd", kind: "boolean", short: "e", brief: "Exit when the end of every partition is reached" },
    { name: "format", kind: "string", short: "f", placeholder: "fmt", brief: "kcat-like output format, e.g. '%k %v %p %o %T %h\\n'" },
    { name: "output", kind: "enum", short: "o", values: ["text", "json"], brief: "json: one object per line (binary-safe)" },
  ],
  examples: ["streambus consume orders --from earliest --exit-at-end", "streambus consume orders --group g --output json | jq ."],
  run: comesLater("consume", "the SDK and CLI issue"),
};
