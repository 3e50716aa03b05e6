/**
 * StreamBus's public API: the client SDK (`StreamBus`, a Kafka client), the embeddable broker
 * (`startBroker`) and the shared error type.
 *
 * @example
 * import { StreamBus, startBroker } from "streambus";
 * const broker = await startBroker({ dataDir: "/tmp/sb" });
 * const bus = new StreamBus({ brokers: [broker.bootstrap] });
 * await bus.admin().createTopics([{ name: "orders", partitions: 3 }]);
 * const producer = bus.producer();
 * await producer.send({ topic: "orders", key: "k1", value: "hello" });
 * await bus.close();
 * await broker.close();
 */
export * from "./client/index.ts";
export { startBroker, type EmbeddedBroker, type StartBrokerOptions } from "./broker/embedded.ts";
export { StreamBusError, ERRORS, ExitCode, type ErrorCode } from "./protocol/errors.ts";
export { loadBrokerConfig } from "./broker/config/load.ts";
export type { BrokerConfig } from "./broker/config/schema.ts";
export { createLogger, type Logger } from "./protocol/logger.ts";
