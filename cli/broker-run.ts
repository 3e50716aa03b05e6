/** Runs the broker in the foreground until SIGINT/SIGTERM, then shuts down gracefully. */
import { startBrokerServer } from "../broker/broker.ts";
import type { BrokerConfig } from "../broker/config/schema.ts";
import { openMetadataQuorum } from "../broker/metadata-quorum.ts";
import { createLogger } from "../protocol/logger.ts";
import type { CliContext } from "./context.ts";

export async function runBrokerCommand(ctx: CliContext, config: BrokerConfig): Promise<void> {
  const format = config.logging.format === "auto" ? (ctx.process.stderr.isTTY ? "pretty" : "json") : config.logging.format;
  const log = createLogger({ level: config.logging.level, format, sink: ctx.process.stderr });
  const running = await startBrokerServer(config, {
    log,
    openQuorum: openMetadataQuorum,
    // Test-only power-cut model for the kill -9 tests; never set in production.
    unsafeLazyIo: ctx.process.env.STREAMBUS_UNSAFE_LAZY_IO === "1",
  });
  const signal = await ctx.stopSignal;
  log.info("signal received", { signal });
  await running.close();
}
