/** `streambus profile create NAME --brokers ...`: the first profile also becomes the current one. */
import { StreamBusError } from "../../protocol/errors.ts";
import { outputFlag } from "../common-flags.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";
import { readProfiles, writeProfiles } from "./store.ts";

export const profileCreateVerb: VerbSpec = {
  name: "create", brief: "Create or update a profile", positionals: [{ name: "name", brief: "Profile name" }],
  flags: [
    { name: "brokers", kind: "string", short: "b", placeholder: "host:port,...", brief: "Bootstrap brokers", required: true },
    { name: "use", kind: "boolean", brief: "Also make it the current profile" },
    outputFlag,
  ],
  examples: ["streambus profile create prod -b kafka-1:9092,kafka-2:9092 --use"],
  async run(ctx, flags, [name]) {
    if (!/^[\w.-]+$/.test(name!)) throw new StreamBusError("USAGE", `profile name "${name}" may only use letters, digits, '.', '_' and '-'`);
    const brokers = String(flags.brokers).split(",").map((s) => s.trim()).filter(Boolean);
    if (brokers.length === 0) throw new StreamBusError("USAGE", "--brokers must list at least one host:port");
    const file = readProfiles(ctx.process.env);
    file.profiles[name!] = { ...file.profiles[name!], brokers };
    if (flags.use || file.current === undefined) file.current = name!;
    const path = writeProfiles(ctx.process.env, file);
    printResult(ctx, flags, { profile: name!, brokers, current: file.current === name, path }, (r) => [
      { head: ["PROFILE", "BROKERS", "CURRENT", "FILE"], rows: [[r.profile, r.brokers.join(","), r.current ? "*" : "", r.path]] },
    ]);
  },
};
