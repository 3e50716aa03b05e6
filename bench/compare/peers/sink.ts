/**
 * The limits that speak no protocol: the trivial append server (appends what it receives to a file, no
 * fsync) and the plain TCP blast (the same server discarding), both fed the raw bytes of a produce run.
 */
import { join } from "node:path";
import { spawnTracked, stopProcess, drainTail } from "../proc.ts";
import { BUN, COMPARE_DIR, bunGenerator } from "./paths.ts";
import type { RunningSystem, SystemDef } from "./types.ts";

/** Starts peers/sink-server.ts and reads the port it prints. */
async function startSink(file: string, timeoutMs: number) {
  const proc = spawnTracked([BUN, join(COMPARE_DIR, "peers", "sink-server.ts"), "--file", file]);
  void drainTail(proc.stderr);
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  for await (const chunk of proc.stdout) {
    text += decoder.decode(chunk, { stream: true });
    if (/port \d+/.test(text)) break;
  }
  clearTimeout(timer);
  const m = /port (\d+)/.exec(text);
  if (!m) throw new Error(`sink server did not start: ${text}`);
  return { proc, port: Number(m[1]) };
}

function sink(appendToFile: boolean): SystemDef {
  return {
    id: appendToFile ? "appendServer" : "tcpBlast",
    label: appendToFile ? "Trivial append server" : "TCP blast (loopback)",
    client: "raw bytes in 64 KiB writes from Bun (bench/compare/gen/blast-gen.ts)",
    durability: appendToFile ? "appends to a file, no fsync" : "none (bytes discarded)",
    runs: { produce: true, consume: false, latency: false },
    async start(tmpDir: string, timeoutMs: number): Promise<RunningSystem> {
      const { proc, port } = await startSink(appendToFile ? join(tmpDir, "append.log") : "none", timeoutMs);
      return {
        pid: proc.pid,
        coldStartMs: NaN,
        prepare: async () => {},
        generator: (w) => bunGenerator("blast-gen.ts", { port, size: w.size, count: (w as { count: number }).count, timeoutMs }),
        async stop() {
          await stopProcess(proc);
        },
      };
    },
  };
}

export const appendServer = sink(true);
export const tcpBlast = sink(false);
