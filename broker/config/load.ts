/**
 * Loads the broker config in layers: defaults, then the YAML file (`--config`), then `STREAMBUS_*`
 * environment variables, then flags. Each leaf remembers which layer set it, so an error names the
 * key's path and where the bad value came from.
 *
 * Env var names derive from key paths: `log.segmentBytes` is `STREAMBUS_LOG_SEGMENT_BYTES`,
 * `dataDir` is `STREAMBUS_DATA_DIR`. Lists in env vars and flags are comma-separated.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { StreamBusError } from "../../protocol/errors.ts";
import { defaultConfig } from "./defaults.ts";
import { type BrokerConfig, BrokerConfigSchema } from "./schema.ts";

export interface LoadConfigOptions {
  /** Path of a YAML config file, if any. */
  file?: string;
  env: Record<string, string | undefined>;
  /** Flag overrides by key path, e.g. `{ "dataDir": "/x", "listeners.kafka": "127.0.0.1:9092" }`. */
  flags?: Record<string, string | number | undefined>;
}

type Plain = Record<string, unknown>;

function isPlainObject(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Leaf key paths of the defaults, e.g. ["nodeId", "log.segmentBytes", ...]. */
export function configKeyPaths(env: Record<string, string | undefined> = {}): string[] {
  const out: string[] = [];
  const walk = (o: Plain, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (isPlainObject(v)) walk(v, p);
      else out.push(p);
    }
  };
  walk(defaultConfig(env), "");
  return out;
}

/** `log.segmentBytes` -> `STREAMBUS_LOG_SEGMENT_BYTES`. */
export function envNameForPath(path: string): string {
  return "STREAMBUS_" + path.split(".").map((s) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("_");
}

function getPath(o: Plain, path: string): unknown {
  let cur: unknown = o;
  for (const k of path.split(".")) cur = isPlainObject(cur) ? cur[k] : undefined;
  return cur;
}

function setPath(o: Plain, path: string, value: unknown): void {
  const keys = path.split(".");
  let cur = o;
  for (const k of keys.slice(0, -1)) {
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Plain;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** Converts a string from env or a flag to the shape the default has (lists split on commas, null from ""). */
function coerce(defaultValue: unknown, raw: string): unknown {
  if (Array.isArray(defaultValue)) return raw.trim() === "" ? [] : raw.split(",").map((s) => s.trim());
  if (defaultValue === null && raw.trim() === "") return null;
  return raw;
}

/** Deep-merges `layer` into `target`, recording `source` for every leaf it sets. */
function mergeLayer(target: Plain, layer: Plain, source: string, sources: Map<string, string>, prefix = ""): void {
  for (const [k, v] of Object.entries(layer)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && isPlainObject(target[k])) {
      mergeLayer(target[k] as Plain, v, source, sources, p);
    } else {
      target[k] = v;
      sources.set(p, source);
    }
  }
}

function sourceOf(sources: Map<string, string>, path: string): string {
  for (let p = path; p.length > 0; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    const s = sources.get(p);
    if (s) return s;
  }
  return "defaults";
}

function formatIssues(error: z.ZodError, sources: Map<string, string>): string {
  return error.issues
    .map((issue) => {
      const base = issue.path.map(String).join(".");
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => {
          const p = base ? `${base}.${k}` : k;
          return `${p}: unknown key (from ${sourceOf(sources, p)})`;
        }).join("; ");
      }
      return `${base || "(root)"}: ${issue.message} (from ${sourceOf(sources, base)})`;
    })
    .join("; ");
}

function readYamlFile(file: string): Plain {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new StreamBusError("INVALID_CONFIG", `cannot read config file ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new StreamBusError("INVALID_CONFIG", `config file ${file} is not valid YAML: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new StreamBusError("INVALID_CONFIG", `config file ${file} must hold a mapping at the top level`);
  return doc;
}

/**
 * Loads and validates the effective broker config.
 *
 * @example
 * const config = loadBrokerConfig({ file: "streambus.yaml", env: process.env, flags: { dataDir: "/var/lib/streambus" } });
 * @throws StreamBusError INVALID_CONFIG naming the key path and its source.
 */
export function loadBrokerConfig(opts: LoadConfigOptions): BrokerConfig {
  const defaults = defaultConfig(opts.env) as Plain;
  const merged = structuredClone(defaults);
  const sources = new Map<string, string>();
  if (opts.file) mergeLayer(merged, readYamlFile(opts.file), `file ${opts.file}`, sources);
  for (const path of configKeyPaths(opts.env)) {
    const name = envNameForPath(path);
    const raw = opts.env[name];
    if (raw !== undefined) {
      setPath(merged, path, coerce(getPath(defaults, path), raw));
      sources.set(path, `env ${name}`);
    }
  }
  for (const [path, raw] of Object.entries(opts.flags ?? {})) {
    if (raw === undefined) continue;
    const def = getPath(defaults, path);
    if (def === undefined && !configKeyPaths(opts.env).includes(path)) {
      throw new StreamBusError("INVALID_CONFIG", `${path}: unknown key (from flag)`);
    }
    setPath(merged, path, typeof raw === "string" ? coerce(def, raw) : raw);
    sources.set(path, "flag");
  }
  const result = BrokerConfigSchema.safeParse(merged);
  if (!result.success) throw new StreamBusError("INVALID_CONFIG", formatIssues(result.error, sources));
  return result.data;
}
