/** `streambus profile use NAME`: commands without --brokers then talk to this profile's brokers. */
import { StreamBusError } from "../../protocol/errors.ts";
import type { VerbSpec } from "../spec.ts";
import { configPath, readProfiles, writeProfiles } from "./store.ts";

export const profileUseVerb: VerbSpec = {
  name: "use", brief: "Make a profile the current one", positionals: [{ name: "name", brief: "Profile name" }],
  flags: [],
  examples: ["streambus profile use prod"],
  async run(ctx, _flags, [name]) {
    const file = readProfiles(ctx.process.env);
    if (!file.profiles[name!]) throw new StreamBusError("NOT_FOUND", `profile "${name}" is not in ${configPath(ctx.process.env)} (see streambus profile list)`);
    file.current = name!;
    writeProfiles(ctx.process.env, file);
    ctx.process.stderr.write(`current profile: ${name} (${file.profiles[name!]!.brokers.join(",")})\n`);
  },
};
