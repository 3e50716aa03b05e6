/**
 * HOOK (for the lead, once client/ is ready): a StreamBus load generator built on our own TypeScript SDK.
 *
 * To enable it, write bench/compare/gen/sdk-gen.ts speaking the same handshake as the other generators
 * (print "ready", wait for a stdin line, print one JSON line {records, bytes, elapsedS, cpuS} or, for op
 * "latency", also {received, p50Ms, p99Ms, p999Ms}; see gen/nats-gen.ts), then return its command line
 * here, e.g. `bunGenerator("sdk-gen.ts", { op, bootstrap, topic, size, count, rate, durationMs, acks })`.
 * The harness then runs an extra "StreamBus via SDK" system next to the librdkafka ones.
 */
import type { Workload } from "../workloads.ts";

/** Returns the SDK generator's command for one workload, or undefined while the SDK is not wired in. */
export type SdkGeneratorFactory = (args: {
  op: "produce" | "consume" | "latency";
  bootstrap: string;
  topic: string;
  workload: Workload;
  acks: "1" | "all";
  index: number;
}) => string[];

export const sdkGenerator: SdkGeneratorFactory | undefined = undefined;
