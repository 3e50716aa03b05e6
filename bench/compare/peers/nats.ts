/**
 * NATS JetStream as shipped by Debian (nats-server 2.9), file storage. It has no fsync-per-ack option: it
 * acknowledges once the message is in its file store's buffers and syncs periodically, so its durability
 * is weaker than StreamBus durable and it serves as the peer for both the durable and relaxed comparisons.
 */
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { drainTail, freePort, spawnTracked, stopProcess, waitForPort } from "../proc.ts";
import { measureColdStart } from "./cold-start.ts";
import { bunGenerator } from "./paths.ts";
import type { RunningSystem, SystemDef } from "./types.ts";

export const nats: SystemDef = {
  id: "nats",
  label: "NATS JetStream",
  client: "raw NATS protocol generator on Bun (bench/compare/gen/nats-gen.ts), pull consumer",
  durability: "file storage as shipped: acks before fsync, periodic sync (weaker than fsync per ack)",
  runs: { produce: true, consume: true, latency: true },
  async start(tmpDir: string, timeoutMs: number): Promise<RunningSystem> {
    const port = freePort();
    const storeDir = join(tmpDir, "jetstream");
    mkdirSync(storeDir, { recursive: true });
    const gen = (spec: object) => bunGenerator("nats-gen.ts", { port, timeoutMs, ...spec });
    const { server: proc, coldStartMs } = await measureColdStart(gen({ op: "cold", stream: "COLD", id: "cold" }), async () => {
      const p = spawnTracked(["nats-server", "-js", "-sd", storeDir, "-a", "127.0.0.1", "-p", String(port)]);
      void drainTail(p.stdout);
      void drainTail(p.stderr);
      await waitForPort(port, timeoutMs);
      return p;
    }, timeoutMs);
    return {
      pid: proc.pid,
      coldStartMs,
      prepare: async () => {}, // each generator creates its stream (idempotent with the same config)
      generator(w, name, index, op) {
        const stream = name.replace(/[^A-Za-z0-9]/g, "_").toUpperCase();
        return gen({ op, stream, size: w.size, count: (w as { count?: number }).count, durationMsMax: (w as { durationMsMax?: number }).durationMsMax, rate: (w as { rate?: number }).rate, durationMs: (w as { durationMs?: number }).durationMs, id: `g${index}` });
      },
      async stop() {
        await stopProcess(proc);
      },
    };
  },
};
