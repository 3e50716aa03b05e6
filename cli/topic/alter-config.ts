/** `streambus topic alter-config NAME`: incremental set/remove of topic configs (others untouched). */
import { StreamBusError } from "../../protocol/errors.ts";
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { parseConfigMap } from "../kv.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";

export const alterConfigVerb: VerbSpec = {
  name: "alter-config", brief: "Set or remove topic configs",
  positionals: [{ name: "name", brief: "Topic name" }],
  flags: [
    ...listFlags,
    { name: "config", kind: "list", short: "c", placeholder: "key=value", brief: "Config to set, repeatable" },
    { name: "delete", kind: "list", placeholder: "key", brief: "Config to remove (back to the default), repeatable" },
  ],
  examples: ["streambus topic alter-config orders -c retention.ms=3600000", "streambus topic alter-config orders --delete retention.ms"],
  async run(ctx, flags, [name]) {
    const set = parseConfigMap("config", flags.config as string[] | undefined);
    const removed = [...((flags.delete as string[] | undefined) ?? [])];
    if (Object.keys(set).length === 0 && removed.length === 0) throw new StreamBusError("USAGE", "give at least one --config key=value or --delete key");
    const changes: Record<string, string | null> = { ...set };
    for (const k of removed) changes[k] = null;
    await withSession(ctx, flags, ({ bus, timeoutMs }) => withDeadline(bus.admin({ timeoutMs }).alterConfigs(name!, changes), timeoutMs, `altering "${name}"`));
    const result = { topic: name!, set, deleted: removed };
    printResult(ctx, flags, result, (r) => [{
      head: ["TOPIC", "KEY", "NEW VALUE"],
      rows: [...Object.entries(r.set).map(([k, v]) => [r.topic, k, v]), ...r.deleted.map((k) => [r.topic, k, "(default)"])],
    }]);
  },
};
