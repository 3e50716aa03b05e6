/**
 * Redis Streams (Debian redis-server 7) with the append-only file on: `appendfsync always` (fsync before
 * replying, per event-loop iteration) as the durable peer, `everysec` as the relaxed one. RDB snapshots off.
 */
import { drainTail, freePort, spawnTracked, stopProcess, waitForPort } from "../proc.ts";
import { measureColdStart } from "./cold-start.ts";
import { bunGenerator } from "./paths.ts";
import type { RunningSystem, SystemDef } from "./types.ts";

function redis(fsync: "always" | "everysec"): SystemDef {
  return {
    id: fsync === "always" ? "redisAlways" : "redisEverysec",
    label: `Redis appendfsync ${fsync}`,
    client: "pipelined RESP generator on Bun (bench/compare/gen/redis-gen.ts), XADD / XREAD",
    durability: fsync === "always" ? "AOF fsync before reply" : "AOF fsync once per second",
    runs: { produce: true, consume: fsync === "always", latency: true },
    async start(tmpDir: string, timeoutMs: number): Promise<RunningSystem> {
      const port = freePort();
      const gen = (spec: object) => bunGenerator("redis-gen.ts", { port, timeoutMs, ...spec });
      const { server: proc, coldStartMs } = await measureColdStart(gen({ op: "cold", key: "cold" }), async () => {
        const p = spawnTracked([
          "redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", tmpDir, "--save", "",
          "--appendonly", "yes", "--appendfsync", fsync, "--protected-mode", "no", "--daemonize", "no",
        ]);
        void drainTail(p.stdout);
        void drainTail(p.stderr);
        await waitForPort(port, timeoutMs);
        return p;
      }, timeoutMs);
      return {
        pid: proc.pid,
        coldStartMs,
        prepare: async () => {}, // XADD creates the stream
        // The backlog fill runs with everysec (consume reads memory either way), then the mode is restored.
        async fillMode(on) {
          const r = Bun.spawnSync({ cmd: ["redis-cli", "-h", "127.0.0.1", "-p", String(port), "CONFIG", "SET", "appendfsync", on ? "everysec" : fsync], stdout: "pipe", stderr: "pipe" });
          if (r.exitCode !== 0 || !r.stdout.toString().includes("OK")) throw new Error(`redis CONFIG SET failed: ${r.stdout}${r.stderr}`);
        },
        generator(w, name, _index, op) {
          return gen({ op, key: name, size: w.size, count: (w as { count?: number }).count, durationMsMax: (w as { durationMsMax?: number }).durationMsMax, rate: (w as { rate?: number }).rate, durationMs: (w as { durationMs?: number }).durationMs });
        },
        async stop() {
          await stopProcess(proc);
        },
      };
    },
  };
}

export const redisAlways = redis("always");
export const redisEverysec = redis("everysec");
