/**
 * The StreamBus load generator built on our own TypeScript SDK (gen/sdk-gen.ts). Returning a command here
 * makes the harness run the extra "StreamBus durable (SDK)" and "StreamBus relaxed (SDK)" systems next to
 * the librdkafka-driven ones (peers/streambus.ts); the headline ratios stay on librdkafka, and the SDK
 * figures get their own `sdk.ratios` in compare.json. Set `sdkGenerator` to undefined to drop them.
 */
import type { Workload } from "../workloads.ts";
import { bunGenerator } from "./paths.ts";

/** Returns the SDK generator's command for one workload, or undefined while the SDK is not wired in. */
export type SdkGeneratorFactory = (args: {
  op: "produce" | "consume" | "latency";
  bootstrap: string;
  topic: string;
  workload: Workload;
  acks: "1" | "all";
  index: number;
  /** Upper bound on the generator's timed section (the harness kills it soon after). */
  timeoutMs: number;
}) => string[];

const sdkGen: SdkGeneratorFactory = ({ op, bootstrap, topic, workload: w, acks, timeoutMs }) => {
  // Its own deadline comes before the harness's kill, so a stuck run ends with the generator's message.
  const base = { op, bootstrap, topic, size: w.size, timeoutMs: Math.round(timeoutMs * 0.8) };
  // The untimed backlog fill uses acks=1, as with librdkafka: it only has to get the bytes in before consume is timed.
  if (w.kind === "produce") return bunGenerator("sdk-gen.ts", { ...base, count: w.count, acks: w.fill ? "1" : acks, durationMsMax: w.durationMsMax });
  if (w.kind === "consume") return bunGenerator("sdk-gen.ts", { ...base, count: w.count, acks });
  return bunGenerator("sdk-gen.ts", { ...base, rate: w.rate, durationMs: w.durationMs, acks });
};

export const sdkGenerator: SdkGeneratorFactory | undefined = sdkGen;
