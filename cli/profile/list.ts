/** `streambus profile list`. */
import { outputFlag } from "../common-flags.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";
import { readProfiles } from "./store.ts";

export const profileListVerb: VerbSpec = {
  name: "list", brief: "List profiles",
  flags: [outputFlag],
  async run(ctx, flags) {
    const file = readProfiles(ctx.process.env);
    const profiles = Object.entries(file.profiles).map(([name, p]) => ({ name, brokers: p.brokers, current: name === file.current }));
    printResult(ctx, flags, profiles, (ps) => [{ head: ["NAME", "BROKERS", "CURRENT"], rows: ps.map((p) => [p.name, p.brokers.join(","), p.current ? "*" : ""]) }]);
  },
};
