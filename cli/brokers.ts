/**
 * Which brokers a command talks to (DESIGN.md section 11): `--brokers/-b`, else `--profile NAME`, else
 * `$STREAMBUS_BROKERS`, else the current profile, else 127.0.0.1:9092. The answer says where it came
 * from, so an unreachable-broker error can tell the user which setting to fix.
 */
import { StreamBusError } from "../protocol/errors.ts";
import type { CliContext } from "./context.ts";
import { configPath, readProfiles } from "./profile/store.ts";
import type { FlagValues } from "./spec.ts";

export const DEFAULT_BROKERS = "127.0.0.1:9092";

export interface ResolvedBrokers {
  brokers: string[];
  source: string;
}

function split(list: string): string[] {
  return list.split(",").map((s) => s.trim()).filter(Boolean);
}

export function resolveBrokers(ctx: CliContext, flags: FlagValues): ResolvedBrokers {
  const env = ctx.process.env;
  if (typeof flags.brokers === "string" && split(flags.brokers).length > 0) return { brokers: split(flags.brokers), source: "--brokers" };
  if (typeof flags.profile === "string") {
    const p = readProfiles(env).profiles[flags.profile];
    if (!p) throw new StreamBusError("NOT_FOUND", `profile "${flags.profile}" is not in ${configPath(env)}`);
    return { brokers: p.brokers, source: `profile ${flags.profile}` };
  }
  if (env.STREAMBUS_BROKERS && split(env.STREAMBUS_BROKERS).length > 0) return { brokers: split(env.STREAMBUS_BROKERS), source: "$STREAMBUS_BROKERS" };
  const file = readProfiles(env);
  if (file.current) {
    const p = file.profiles[file.current];
    if (!p) throw new StreamBusError("INVALID_CONFIG", `current profile "${file.current}" is not defined in ${configPath(env)}`);
    return { brokers: p.brokers, source: `profile ${file.current}` };
  }
  return { brokers: [DEFAULT_BROKERS], source: "default" };
}
