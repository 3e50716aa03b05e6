/**
 * Named connection profiles in `$XDG_CONFIG_HOME/streambus/config.yaml` (else `~/.config/...`):
 *
 *     current: local
 *     profiles:
 *       local: { brokers: ["127.0.0.1:9092"] }
 *
 * Paths come from the command's environment (ctx.process.env), never the real process's, so tests can
 * point HOME at a temp dir. Unknown keys are kept on rewrite, so later settings survive older binaries.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import { StreamBusError } from "../../protocol/errors.ts";

export interface Profile {
  brokers: string[];
}

export interface ProfileFile {
  current?: string;
  profiles: Record<string, Profile>;
  [other: string]: unknown;
}

/** Where the config file lives for this environment. */
export function configPath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || "/", ".config");
  return join(base, "streambus", "config.yaml");
}

/** Reads the file; a missing file is an empty one, a malformed one is INVALID_CONFIG naming the path. */
export function readProfiles(env: Record<string, string | undefined>): ProfileFile {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { profiles: {} };
    throw new StreamBusError("INVALID_CONFIG", `cannot read ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (e) {
    throw new StreamBusError("INVALID_CONFIG", `${path} is not valid YAML: ${(e as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new StreamBusError("INVALID_CONFIG", `${path}: expected a mapping`);
  const file = { ...(doc as Record<string, unknown>) } as ProfileFile;
  const profiles = file.profiles ?? {};
  if (typeof profiles !== "object" || Array.isArray(profiles)) throw new StreamBusError("INVALID_CONFIG", `${path}: profiles must be a mapping`);
  for (const [name, p] of Object.entries(profiles)) {
    if (!p || !Array.isArray(p.brokers) || !p.brokers.every((b) => typeof b === "string")) {
      throw new StreamBusError("INVALID_CONFIG", `${path}: profiles.${name}.brokers must be a list of host:port`);
    }
  }
  file.profiles = profiles;
  return file;
}

/** Writes the file atomically (temp file + rename), creating its directory. */
export function writeProfiles(env: Record<string, string | undefined>, file: ProfileFile): string {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, stringify(file));
  renameSync(tmp, path);
  return path;
}
