/**
 * The client SDK alone, without the embedded broker: what `import { StreamBus } from "streambus"` gives
 * under Node (bundled to dist/sdk/index.js by scripts/build-sdk.ts) and what `streambus/sdk` gives
 * everywhere. Runtime-neutral: node:net, node:zlib, Web APIs and three napi-rs addons, no Bun globals.
 * mod.ts is this plus `startBroker` and the broker config loader, which need Bun.
 *
 * @example
 * import { StreamBus, stringSerde } from "streambus/sdk";
 * const bus = new StreamBus({ brokers: ["127.0.0.1:9092"] });
 * await bus.producer({ keySerializer: stringSerde, valueSerializer: stringSerde }).send({ topic: "orders", key: "k1", value: "hello" });
 * await bus.close();
 */
export * from "./client/index.ts";
export { StreamBusError, ERRORS, ExitCode, type ErrorCode } from "./protocol/errors.ts";
export { createLogger, type Logger } from "./protocol/logger.ts";
