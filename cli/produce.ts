/** `streambus produce TOPIC`: one record per stdin line (the loop itself is in produce/run.ts). */
import type { Header } from "../client/index.ts";
import { StreamBusError } from "../protocol/errors.ts";
import type { CompressionName } from "../protocol/compression.ts";
import { clientFlags } from "./common-flags.ts";
import { withSession } from "./connect.ts";
import { unescapeFormat } from "./escapes.ts";
import { parsePairs } from "./kv.ts";
import { describeTopic, maxMessageBytes } from "./lookup.ts";
import { parseInputFormat } from "./produce/input-format.ts";
import { produceLines, summaryError } from "./produce/run.ts";
import type { VerbSpec } from "./spec.ts";

const encoder = new TextEncoder();
/** The SDK's default batch size, used when the topic allows more. */
const DEFAULT_BATCH_BYTES = 512 * 1024;
/** Room for compression growth on incompressible data and header estimates. */
const BATCH_MARGIN_BYTES = 512;
const MIN_BATCH_BYTES = 1024;

export const produceVerb: VerbSpec = {
  name: "produce",
  brief: "Produce stdin to a topic, one record per line",
  description:
    "Reads stdin line by line (memory stays bounded whatever the input size) and produces one record per line. " +
    "Exits 0 only after every record is acknowledged; otherwise prints the first failures and a count on stderr and " +
    "exits 11 (PARTIAL_FAILURE), or with the one failure's own code when no record got through. " +
    "--format describes a line: %k key, %v value, %t timestamp (ms), %p partition, %% a percent sign, with \\t \\n \\\\ escapes; " +
    "each placeholder ends at the first occurrence of the text after it, the last takes the rest of the line. " +
    "With -K SEP, a line without SEP becomes a record without a key. Progress (records/s, MB/s) is shown on stderr on a TTY.",
  positionals: [{ name: "topic", brief: "Topic to produce to" }],
  flags: [
    ...clientFlags,
    { name: "keySeparator", kind: "string", short: "K", placeholder: "sep", brief: "Split each line into key and value at the first SEP" },
    { name: "partition", kind: "number", short: "p", placeholder: "n", brief: "Produce to this partition (default: by key, sticky for null keys)" },
    { name: "acks", kind: "enum", values: ["all", "1", "0"], default: "all", brief: "Acknowledgement level" },
    { name: "compression", kind: "enum", short: "z", values: ["none", "gzip", "snappy", "lz4", "zstd"], default: "none", brief: "Compression codec" },
    { name: "header", kind: "list", placeholder: "key=value", brief: "Header for every record, repeatable" },
    { name: "format", kind: "string", short: "f", placeholder: "fmt", brief: "kcat-like input format, e.g. '%k\\t%v' or '%t,%k,%v'" },
  ],
  examples: [
    "seq 1 1000 | streambus produce orders",
    "cat pairs.txt | streambus produce orders -K :",
    "printf 'k1\\tv1\\n' | streambus produce orders -f '%k\\t%v' --header source=batch -z zstd",
  ],
  async run(ctx, flags, [topic]) {
    if (flags.keySeparator !== undefined && flags.format !== undefined) throw new StreamBusError("USAGE", "--key-separator and --format cannot be combined (use %k in the format)");
    if (flags.keySeparator === "") throw new StreamBusError("USAGE", "--key-separator must not be empty");
    const format = flags.format === undefined ? null : parseInputFormat(String(flags.format));
    const keySeparator = flags.keySeparator === undefined ? null : encoder.encode(unescapeFormat(String(flags.keySeparator)));
    const headers: Header[] = parsePairs("header", flags.header as string[] | undefined).map(([key, v]) => ({ key, value: encoder.encode(v) }));
    const partition = flags.partition as number | undefined;
    const stdin = ctx.process.stdin;
    if (!stdin) throw new StreamBusError("USAGE", "produce reads records from stdin, and there is none");

    const summary = await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      // Fail fast, with the right exit code, on a topic or partition that does not exist.
      const d = await describeTopic(bus, topic!, timeoutMs);
      if (partition !== undefined && (partition < 0 || partition >= d.partitions.length)) {
        throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${topic}" has no partition ${partition} (it has ${d.partitions.length})`);
      }
      const acks = flags.acks === "0" ? 0 : flags.acks === "1" ? 1 : "all";
      // Batches stay under the topic's max.message.bytes, so one oversized record fails alone (in its own
      // batch) instead of taking its neighbours down with it.
      const limit = await maxMessageBytes(bus, topic!, timeoutMs);
      const batchBytes = limit === null ? undefined : Math.max(MIN_BATCH_BYTES, Math.min(DEFAULT_BATCH_BYTES, limit - BATCH_MARGIN_BYTES));
      const producer = bus.producer({ acks, compression: (flags.compression ?? "none") as CompressionName, batchBytes });
      try {
        return await produceLines(ctx, {
          topic: topic!, producer, stdin, keySeparator, format, partition, headers, stop: ctx.stopSignal,
        });
      } finally {
        await producer.close();
      }
    });
    const err = summaryError(summary);
    if (err) throw err;
    if (ctx.process.stderr.isTTY) ctx.process.stderr.write(`produced ${summary.delivered} records to ${topic}\n`);
  },
};
