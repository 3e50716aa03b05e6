/** `streambus produce TOPIC`: one record per stdin line. */
import { clientFlags } from "./common-flags.ts";
import { comesLater, type VerbSpec } from "./spec.ts";

export const produceVerb: VerbSpec = {
  name: "produce",
  brief: "Produce stdin to a topic, one record per line",
  description: "Reads stdin line by line and produces one record per line. Exits 0 only after every record is acknowledged.",
  positionals: [{ name: "topic", brief: "Topic to produce to" }],
  flags: [
    ...clientFlags,
    { name: "keySeparator", kind: "string", short: "K", placeholder: "sep", brief: "Split each line into key and value at the first SEP" },
    { name: "partition", kind: "number", short: "p", placeholder: "n", brief: "Produce to this partition (default: by key, sticky for null keys)" },
    { name: "acks", kind: "enum", values: ["all", "1", "0"], default: "all", brief: "Acknowledgement level" },
    { name: "compression", kind: "enum", short: "z", values: ["none", "gzip", "snappy", "lz4", "zstd"], default: "none", brief: "Compression codec" },
    { name: "header", kind: "list", placeholder: "key=value", brief: "Header for every record, repeatable" },
    { name: "format", kind: "string", short: "f", placeholder: "fmt", brief: "kcat-like input format, e.g. '%k\\t%v\\n'" },
  ],
  examples: ["seq 1 1000 | streambus produce orders", "cat pairs.txt | streambus produce orders -K :"],
  run: comesLater("produce", "the SDK and CLI issue"),
};
