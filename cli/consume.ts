/**
 * `streambus consume TOPIC`: records to stdout, one per line, as raw bytes through a kcat-like
 * `--format` or as JSON objects. Partitions are assigned directly, or by a consumer group with --group.
 */
import type { TopicPartition } from "../client/index.ts";
import { StreamBusError } from "../protocol/errors.ts";
import { clientFlags } from "./common-flags.ts";
import { durationFlag, withSession } from "./connect.ts";
import { parseFrom, seekFor } from "./consume/from.ts";
import { consumeAsGroupMember } from "./consume/group.ts";
import { compileFormat, renderJson, type RenderRecord } from "./consume/render.ts";
import { PipeWriter } from "./consume/stdout.ts";
import { describeTopic } from "./lookup.ts";
import type { VerbSpec } from "./spec.ts";

export const consumeVerb: VerbSpec = {
  name: "consume",
  brief: "Consume a topic to stdout, one record per line",
  description:
    "Prints records to stdout as they arrive (default format '%v\\n', the value). " +
    "--from: earliest, latest (default), OFFSET, @TIMESTAMP_MS, -DURATION (e.g. -15m: since 15 minutes ago) or -N (N records before the end). " +
    "--format placeholders: %t topic, %p partition, %o offset, %k key, %v (or %s) value, %T timestamp ms, %h headers (k=v,k=v), " +
    "%K/%S key/value length, %% percent; escapes \\n \\t \\r \\\\. " +
    "--output json prints one object per line {topic, partition, offset, timestamp, key, value, headers}; bytes that are not " +
    "UTF-8 are base64 with keyEncoding/valueEncoding \"base64\". A closed stdout (| head) ends the command quietly with exit code 0. " +
    "With --group G the group assigns the partitions and offsets are committed as records are printed (at least once).",
  positionals: [{ name: "topic", brief: "Topic to consume" }],
  flags: [
    ...clientFlags,
    { name: "group", kind: "string", short: "g", placeholder: "id", brief: "Consume as a member of this consumer group (commits offsets)" },
    { name: "from", kind: "string", placeholder: "earliest|latest|OFFSET|@TS_MS|-DURATION|-N", brief: "Where to start (default: latest; with --group: the committed offset, else earliest|latest)" },
    { name: "partition", kind: "number", short: "p", placeholder: "n", brief: "Only this partition" },
    { name: "count", kind: "number", short: "c", placeholder: "n", brief: "Exit after N records" },
    { name: "exitAtEnd", kind: "boolean", short: "e", brief: "Exit when the end of every partition (as of the start) is reached" },
    { name: "format", kind: "string", short: "f", placeholder: "fmt", brief: "kcat-like output format, e.g. '%k %v %p %o %T %h\\n'" },
    { name: "output", kind: "enum", short: "o", values: ["text", "json"], brief: "json: one object per line (binary-safe)" },
    // Hidden, for tests: a short group session so a killed member's partitions move quickly (broker's groups.sessionTimeoutMsMin permitting).
    { name: "sessionTimeout", kind: "string", placeholder: "duration", brief: "Group session timeout (default 45s)", hidden: true },
  ],
  examples: [
    "streambus consume orders --from earliest --exit-at-end",
    "streambus consume orders --from -1h -f '%p/%o %k=%v\\n'",
    "streambus consume orders --from earliest -e -o json | jq .value",
    "streambus consume orders --group billing --from earliest",
  ],
  async run(ctx, flags, [topic]) {
    if (flags.format !== undefined && flags.output === "json") throw new StreamBusError("USAGE", "--format and --output json cannot be combined");
    const count = flags.count as number | undefined;
    if (count !== undefined && (!Number.isInteger(count) || count < 0)) throw new StreamBusError("USAGE", `--count must be a non-negative integer, got ${count}`);
    const from = parseFrom(String(flags.from ?? "latest"), Date.now());
    const groupId = flags.group as string | undefined;
    const sessionTimeoutMs = flags.sessionTimeout === undefined ? undefined : durationFlag(flags, "sessionTimeout", 45_000);
    if (groupId !== undefined) {
      if (from.kind !== "earliest" && from.kind !== "latest") throw new StreamBusError("USAGE", "with --group, --from only says where partitions without a committed offset start (earliest or latest); move the group with `streambus group reset-offsets`");
      if (flags.partition !== undefined) throw new StreamBusError("USAGE", "--partition cannot be combined with --group (the group assigns partitions)");
      if (flags.exitAtEnd) throw new StreamBusError("USAGE", "--exit-at-end cannot be combined with --group (the assignment changes as members come and go); use --count");
    }
    const render: RenderRecord = flags.output === "json" ? renderJson : compileFormat(String(flags.format ?? "%v\\n"));
    // fd 1 only when writing to the real process stdout (not an in-process test's capture).
    const writer = new PipeWriter(ctx.process.stdout, ctx.process.stdout === process.stdout ? 1 : undefined);

    await withSession(ctx, flags, async ({ bus, timeoutMs }) => {
      const d = await describeTopic(bus, topic!, timeoutMs);
      if (groupId !== undefined) {
        await consumeAsGroupMember(ctx, bus, { topic: topic!, groupId, reset: from.kind === "earliest" ? "earliest" : "latest", count, render, writer, sessionTimeoutMs });
        return;
      }
      let parts = d.partitions;
      if (flags.partition !== undefined) {
        parts = parts.filter((p) => p.partition === flags.partition);
        if (parts.length === 0) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${topic}" has no partition ${flags.partition} (it has ${d.partitions.length})`);
      }
      const exitAtEnd = flags.exitAtEnd === true;
      // Records deleted by retention while we read: start again from the oldest kept, never skip to the end.
      const consumer = bus.consumer({ autoOffsetReset: "earliest", maxWaitMs: exitAtEnd ? 200 : 500 });
      const tps: TopicPartition[] = parts.map((p) => ({ topic: topic!, partition: p.partition }));
      consumer.assign(tps);
      const ends = parts.map((p) => p.latestOffset);
      parts.forEach((p, i) => {
        let pos = seekFor(from, p.earliestOffset, p.latestOffset);
        if (typeof pos === "bigint") pos = pos < p.earliestOffset ? p.earliestOffset : pos > p.latestOffset ? p.latestOffset : pos;
        consumer.seek(tps[i]!, pos);
      });

      let stopped = false;
      const stop = Promise.race([ctx.stopSignal, writer.whenClosed()]).then(() => {
        stopped = true;
        return null;
      });
      const atEnd = () => tps.every((tp, i) => {
        const pos = consumer.position(tp);
        return pos !== null && pos >= ends[i]!;
      });
      let printed = 0;
      while (!stopped && printed !== count) {
        if (exitAtEnd && atEnd()) break;
        const polled = await Promise.race([consumer.poll(), stop]);
        if (polled === null) break;
        const take = count === undefined ? polled : polled.slice(0, count - printed);
        if (take.length === 0) continue;
        const pieces: Uint8Array[] = [];
        for (const r of take) render(r, pieces);
        printed += take.length;
        await writer.write(Buffer.concat(pieces));
      }
      await consumer.close();
    }).finally(() => writer.dispose());
  },
};
