/** `streambus broker`: run the server (or print its effective config). */
import { stringify } from "yaml";
import { loadBrokerConfig } from "../broker/config/load.ts";
import type { BrokerConfig } from "../broker/config/schema.ts";
import { StreamBusError } from "../protocol/errors.ts";
import type { CliContext } from "./context.ts";
import type { FlagValues, VerbSpec } from "./spec.ts";

/** Flags that map straight onto config key paths. */
const FLAG_TO_PATH: Record<string, string> = {
  dataDir: "dataDir",
  nodeId: "nodeId",
  listen: "listeners.kafka",
  internalListen: "listeners.internal",
  httpListen: "listeners.http",
};

function flagOverrides(flags: FlagValues): Record<string, string | number | undefined> {
  const out: Record<string, string | number | undefined> = {};
  for (const [flag, path] of Object.entries(FLAG_TO_PATH)) {
    const v = flags[flag];
    if (v !== undefined) out[path] = v as string | number;
  }
  for (const kv of (flags.set as readonly string[] | undefined) ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new StreamBusError("USAGE", `--set expects key.path=value, got "${kv}"`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** Loads the effective config for `streambus broker` from flags, env and file. */
export function brokerConfigFromCli(ctx: CliContext, flags: FlagValues): BrokerConfig {
  return loadBrokerConfig({ file: flags.config as string | undefined, env: ctx.process.env, flags: flagOverrides(flags) });
}

export const brokerVerb: VerbSpec = {
  name: "broker",
  brief: "Run a StreamBus broker (Kafka protocol on 127.0.0.1:9092 by default)",
  description:
    "Starts a broker. With no flags: a single-node broker on 127.0.0.1:9092 with data in $XDG_DATA_HOME/streambus " +
    "(~/.local/share/streambus). Config layers: defaults < --config FILE < STREAMBUS_* env vars < flags.",
  flags: [
    { name: "config", kind: "string", placeholder: "file", brief: "YAML config file" },
    { name: "dataDir", kind: "string", placeholder: "dir", brief: "Data directory" },
    { name: "nodeId", kind: "number", placeholder: "n", brief: "This node's id" },
    { name: "listen", kind: "string", placeholder: "host:port", brief: "Kafka protocol listener (default 127.0.0.1:9092)" },
    { name: "internalListen", kind: "string", placeholder: "host:port", brief: "Cluster-internal listener (default 127.0.0.1:9093)" },
    { name: "httpListen", kind: "string", placeholder: "host:port", brief: "HTTP admin/metrics listener (default 127.0.0.1:9094)" },
    { name: "set", kind: "list", placeholder: "key.path=value", brief: "Override any config key, repeatable (e.g. log.flush=never)" },
    { name: "printConfig", kind: "boolean", brief: "Print the effective config as YAML and exit" },
  ],
  examples: ["streambus broker", "streambus broker --data-dir /var/lib/streambus --listen 0.0.0.0:9092", "STREAMBUS_DATA_DIR=/x streambus broker --print-config"],
  async run(ctx, flags) {
    const config = brokerConfigFromCli(ctx, flags);
    if (flags.printConfig) {
      ctx.process.stdout.write(stringify(config));
      return;
    }
    const { runBrokerCommand } = await import("./broker-run.ts");
    await runBrokerCommand(ctx, config);
  },
};
