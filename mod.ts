/**
 * StreamBus's public API: the embeddable broker (`startBroker`) and the shared error type. The client
 * SDK (`StreamBus`) is exported here once it lands.
 *
 * @example
 * import { startBroker, StreamBusError } from "streambus";
 * const broker = await startBroker({ dataDir: "/tmp/sb" });
 * console.log(broker.bootstrap); // "127.0.0.1:41234": give it to any Kafka client
 * await broker.close();
 */
export { startBroker, type EmbeddedBroker, type StartBrokerOptions } from "./broker/embedded.ts";
export { StreamBusError, ERRORS, ExitCode, type ErrorCode } from "./protocol/errors.ts";
export { loadBrokerConfig } from "./broker/config/load.ts";
export type { BrokerConfig } from "./broker/config/schema.ts";
export { createLogger, type Logger } from "./protocol/logger.ts";
