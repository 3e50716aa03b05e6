/**
 * StreamBus under test, driven by librdkafka: durable (default group-commit fsync, acks=all) and relaxed
 * (`--set log.flush=never`, page cache only, acks=1). Variants drive the same configurations with our SDK,
 * and relaxed produce with the wire-level Kafka producer (gen/kafka-wire-gen.ts) that also feeds the
 * append server its bytes.
 */
import { startBrokerProcess } from "../../../tests/helpers/broker-process.ts";
import { createTopicWithLibrdkafka } from "../../../tests/helpers/python.ts";
import { freePort, track } from "../proc.ts";
import { measureColdStart } from "./cold-start.ts";
import { bunGenerator, kafkaGenerator, streambusBinary } from "./paths.ts";
import type { RunningSystem, SystemDef, SystemId } from "./types.ts";
import { sdkGenerator, type SdkGeneratorFactory } from "./sdk-hook.ts";
import { join } from "node:path";

/** librdkafka producer linger for throughput runs: large, so batches fill (batch.size is 1 MB). */
const THROUGHPUT_LINGER_MS = 20;

/** Who drives a StreamBus system: librdkafka, our SDK, or pre-encoded Produce requests (relaxed produce only). */
type Client = { kind: "librdkafka" } | { kind: "sdk"; sdk: SdkGeneratorFactory } | { kind: "wire" };

const CLIENT_LABEL = {
  librdkafka: "librdkafka 2.0: python3-confluent-kafka (produce: linger 20 ms, batch 1 MB; latency), kcat (consume)",
  sdk: "StreamBus TypeScript SDK (bench/compare/gen/sdk-gen.ts)",
  wire: "pre-encoded Produce v8 requests, 1 MB batches, 8 in flight, every response checked (bench/compare/gen/kafka-wire-gen.ts); the same bytes as the append server receives",
};

function streambus(relaxed: boolean, client: Client = { kind: "librdkafka" }): SystemDef {
  const acks = relaxed ? "1" : "all";
  const suffix = client.kind === "sdk" ? "Sdk" : client.kind === "wire" ? "Wire" : "";
  return {
    id: `${relaxed ? "streambusRelaxed" : "streambusDurable"}${suffix}` as SystemId,
    label: `StreamBus ${relaxed ? "relaxed" : "durable"}${client.kind === "sdk" ? " (SDK)" : client.kind === "wire" ? " (wire producer)" : ""}`,
    client: CLIENT_LABEL[client.kind],
    durability: relaxed ? "acks=1, log.flush=never (page cache only)" : "acks=all, fsync before ack (group commit)",
    runs: client.kind === "wire" ? { produce: true, consume: false, latency: false } : { produce: true, consume: !relaxed, latency: true },
    async start(tmpDir: string, timeoutMs: number): Promise<RunningSystem> {
      const port = freePort();
      const bootstrap = `127.0.0.1:${port}`;
      const { server: broker, coldStartMs } = await measureColdStart(
        kafkaGenerator({ op: "cold", bootstrap, topic: "cold" }),
        async () => {
          const b = await startBrokerProcess({ dataDir: join(tmpDir, "data"), binary: streambusBinary(), port, args: relaxed ? ["--set", "log.flush=never"] : [] });
          track(b.proc);
          return b;
        },
        timeoutMs,
      );
      return {
        pid: broker.proc.pid,
        coldStartMs,
        prepare: (_w, name) => createTopicWithLibrdkafka(bootstrap, name, 1),
        generator(w, name, index, op) {
          if (client.kind === "sdk") return client.sdk({ op, bootstrap, topic: name, workload: w, acks, index, timeoutMs });
          if (client.kind === "wire") {
            if (w.kind !== "produce") throw new Error(`the wire producer only runs produce workloads, not ${w.key}`);
            return bunGenerator("kafka-wire-gen.ts", { port, topic: name, size: w.size, count: w.count, acks: Number(acks), durationMsMax: w.durationMsMax, timeoutMs });
          }
          if (w.kind === "produce") {
            // The untimed backlog fill uses acks=1: it only has to get the bytes in before consume is timed.
            return kafkaGenerator({ op, bootstrap, topic: name, size: w.size, count: w.count, acks: w.fill ? "1" : acks, lingerMs: THROUGHPUT_LINGER_MS, durationMsMax: w.durationMsMax });
          }
          // The backlog is read with kcat (librdkafka's C CLI): the Python consumer loop is the bottleneck there.
          if (op === "consume") return kafkaGenerator({ op, bootstrap, topic: name, count: (w as { count: number }).count, timeoutS: timeoutMs / 1000 });
          const lw = w as { rate: number; durationMs: number };
          return kafkaGenerator({ op, bootstrap, topic: name, size: w.size, rate: lw.rate, durationMs: lw.durationMs, acks });
        },
        async stop() {
          await broker.stop();
        },
      };
    },
  };
}

export const streambusDurable = streambus(false);
export const streambusRelaxed = streambus(true);
/** The SDK-driven variants, present only once peers/sdk-hook.ts returns a generator. */
export const streambusSdkSystems: SystemDef[] = sdkGenerator
  ? [streambus(false, { kind: "sdk", sdk: sdkGenerator }), streambus(true, { kind: "sdk", sdk: sdkGenerator })]
  : [];
/** Relaxed produce through the wire-level producer: the broker against the append server on equal bytes. */
export const streambusRelaxedWire = streambus(true, { kind: "wire" });
