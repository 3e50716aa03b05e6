/**
 * The embeddable broker: the full broker in-process on ephemeral ports, for tests and small apps.
 */
import { createLogger, silentLogger, type Logger } from "../protocol/logger.ts";
import { startBrokerServer } from "./broker.ts";
import { loadBrokerConfig } from "./config/load.ts";
import type { BrokerConfig } from "./config/schema.ts";
import { openMetadataQuorum } from "./metadata-quorum.ts";

export interface StartBrokerOptions {
  /** Where partitions and metadata live (required: an embedded broker never writes to a default location). */
  dataDir: string;
  /** Kafka listener port; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  nodeId?: number;
  /** Any other config keys, by path, as in `--set` (e.g. `{ "log.flush": "never" }`). */
  set?: Record<string, string | number>;
  /** Logger; silent by default. Pass `true` for JSON logs on stderr. */
  logger?: Logger | boolean;
}

export interface EmbeddedBroker {
  /** `host:port` to give clients as bootstrap servers. */
  readonly bootstrap: string;
  readonly config: BrokerConfig;
  close(): Promise<void>;
}

/**
 * Starts a complete StreamBus broker in this process.
 *
 * @example
 * const broker = await startBroker({ dataDir: "/tmp/sb" });
 * // point any Kafka client at broker.bootstrap
 * await broker.close();
 */
export async function startBroker(opts: StartBrokerOptions): Promise<EmbeddedBroker> {
  const config = loadBrokerConfig({
    env: {},
    flags: {
      dataDir: opts.dataDir,
      nodeId: opts.nodeId ?? 1,
      "listeners.kafka": `${opts.host ?? "127.0.0.1"}:${opts.port ?? 0}`,
      "listeners.internal": "127.0.0.1:0",
      "listeners.http": "127.0.0.1:0",
      ...opts.set,
    },
  });
  const log = opts.logger === true ? createLogger({ level: "info" }) : opts.logger ? opts.logger : silentLogger;
  const running = await startBrokerServer(config, { log, openQuorum: openMetadataQuorum });
  return { bootstrap: `${running.core.advertised.host}:${running.core.advertised.port}`, config, close: () => running.close() };
}
