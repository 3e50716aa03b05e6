/**
 * StreamBus's public API. The client SDK (`StreamBus`) and the embeddable broker (`startBroker`) are
 * added here as they land; until then this entry point exports the shared error type and the config loader.
 *
 * @example
 * import { StreamBusError } from "streambus";
 * try { ... } catch (e) { if (e instanceof StreamBusError && e.code === "UNKNOWN_TOPIC_OR_PARTITION") ... }
 */
export { StreamBusError, ERRORS, ExitCode, type ErrorCode } from "./protocol/errors.ts";
export { loadBrokerConfig } from "./broker/config/load.ts";
export type { BrokerConfig } from "./broker/config/schema.ts";
export { createLogger, type Logger } from "./protocol/logger.ts";
