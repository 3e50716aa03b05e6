/** Runs the broker in the foreground until SIGINT/SIGTERM. */
import type { BrokerConfig } from "../broker/config/schema.ts";
import { StreamBusError } from "../protocol/errors.ts";
import type { CliContext } from "./context.ts";

export async function runBrokerCommand(_ctx: CliContext, config: BrokerConfig): Promise<void> {
  throw new StreamBusError(
    "NOT_AVAILABLE_YET",
    `the config is valid (data dir ${config.dataDir}), but the Kafka-protocol broker lands with the broker issue; ` +
      "this version ships the CLI, config, record codec and storage libraries",
  );
}
