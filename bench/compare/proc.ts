/**
 * Process bookkeeping for the compare harness: every child is registered by PID so one `stopAll()` in a
 * `finally` ends them all (servers and generators), plus loopback port and /proc helpers.
 */
import type { Subprocess } from "bun";
import { readFileSync } from "node:fs";
import { connect } from "node:net";

const live = new Map<number, Subprocess>();

/** Spawns a child and registers it for `stopAll()`; stdout/stderr are piped so callers can read them. */
export function spawnTracked(cmd: string[], opts: { stdin?: "pipe" | "ignore"; env?: Record<string, string>; cwd?: string } = {}): Subprocess<"pipe" | "ignore", "pipe", "pipe"> {
  const proc = Bun.spawn({ cmd, stdin: opts.stdin ?? "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, ...opts.env }, cwd: opts.cwd });
  live.set(proc.pid, proc);
  proc.exited.then(() => live.delete(proc.pid));
  return proc as Subprocess<"pipe" | "ignore", "pipe", "pipe">;
}

/** Registers a child started elsewhere (e.g. by tests/helpers/broker-process.ts) for `stopAll()`. */
export function track(proc: Subprocess): void {
  live.set(proc.pid, proc);
  proc.exited.then(() => live.delete(proc.pid));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
export async function stopProcess(proc: Subprocess, graceMs = 5_000): Promise<number> {
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode ?? -1;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  const code = await proc.exited;
  clearTimeout(timer);
  live.delete(proc.pid);
  return code;
}

/** Stops every child still registered (by PID); used in `finally` and on signals. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live.values()].map((p) => stopProcess(p, 2_000)));
}

/** Reads a pipe to the end, keeping at most the last `capBytes` characters (servers can be chatty). */
export async function drainTail(stream: ReadableStream<Uint8Array>, capBytes = 64 * 1024): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length > capBytes * 2) text = text.slice(-capBytes);
  }
  return text.slice(-capBytes);
}

/** A loopback port that was free a moment ago (the peer binds it right after). */
export function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** Polls a TCP connect to 127.0.0.1:port every `intervalMs` until it succeeds or `timeoutMs` passes. */
export async function waitForPort(port: number, timeoutMs = 15_000, intervalMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await Bun.sleep(intervalMs);
  }
  throw new Error(`port ${port} not accepting after ${timeoutMs} ms`);
}

/** Resident set size of a live process in MiB (0 if it is gone). */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS_PER_SEC = 100;

/** User+system CPU seconds a live process has used so far (from /proc/PID/stat). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
  } catch {
    return 0;
  }
}

/** Watches a server while a workload runs: peak RSS (sampled every 100 ms) and CPU cores used. */
export class ServerMeter {
  #timer: ReturnType<typeof setInterval>;
  #cpuStartS: number;
  #t0 = performance.now();
  peakRssMiB = 0;

  constructor(readonly pid: number, sampleMs = 100) {
    this.#cpuStartS = cpuSeconds(pid);
    this.peakRssMiB = rssMiB(pid);
    this.#timer = setInterval(() => (this.peakRssMiB = Math.max(this.peakRssMiB, rssMiB(pid))), sampleMs);
  }

  /** Stops sampling; returns peak RSS and the server's average CPU cores over the window. */
  stop(): { peakRssMiB: number; serverCpuCores: number } {
    clearInterval(this.#timer);
    this.peakRssMiB = Math.max(this.peakRssMiB, rssMiB(this.pid));
    const wallS = (performance.now() - this.#t0) / 1000;
    return { peakRssMiB: this.peakRssMiB, serverCpuCores: wallS > 0 ? (cpuSeconds(this.pid) - this.#cpuStartS) / wallS : 0 };
  }
}
