/**
 * Runs load-generator processes with a common handshake so their start-up (interpreter, connect, topic
 * metadata) stays out of the measurement: each prints `ready`, waits for `go` on stdin, does its work and
 * prints one JSON line as its last stdout line. Client CPU comes from each child's rusage.
 */
import { spawnTracked, stopProcess, drainTail } from "../proc.ts";

/** What one generator process reported, plus the CPU it burned. */
export interface GeneratorOutcome<T> {
  result: T;
  /** User+system CPU seconds over the timed section (as the generator measured it; else whole-process rusage). */
  cpuS: number;
}

/** All generators of one workload. */
export interface RunOutcome<T> {
  outcomes: GeneratorOutcome<T>[];
  /** Wall seconds from `go` to the last generator's result. */
  wallS: number;
  /** Sum of client CPU seconds divided by wall seconds: 1.0 is one full core. */
  clientCpuCores: number;
  /** Highest single-process CPU/wall ratio: near 1.0 means a single-threaded client saturated its core. */
  clientMaxProcessCores: number;
}

/** Reads stdout line by line, resolving `ready` on the first "ready" line and `last` with the final JSON line. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const last = (async () => {
    const decoder = new TextDecoder();
    let buf = "";
    let lastLine = "";
    for await (const chunk of stream) {
      buf += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line === "ready") onReady();
        else if (line) lastLine = line;
      }
    }
    if (buf.trim()) lastLine = buf.trim();
    return lastLine;
  })();
  return { ready, last };
}

/**
 * Starts `cmds` (one process each), waits until all are ready, releases them together and collects their
 * JSON results. `beforeGo` runs between ready and go (cold start spawns the server there). Kills everything
 * after `timeoutMs`; throws with the child's stderr if one fails.
 */
export async function runGenerators<T>(cmds: string[][], timeoutMs: number, beforeGo?: () => Promise<void>): Promise<RunOutcome<T>> {
  const procs = cmds.map((cmd) => spawnTracked(cmd, { stdin: "pipe" }));
  const timer = setTimeout(() => procs.forEach((p) => p.kill("SIGKILL")), timeoutMs);
  try {
    const readers = procs.map((p) => lineReader(p.stdout));
    const stderrs = procs.map((p) => drainTail(p.stderr, 8_192));
    const failedEarly = Promise.race(procs.map((p, i) => p.exited.then(async (code) => {
      throw new Error(`generator exited (${code}) before ready: ${cmds[i]!.slice(0, 4).join(" ")}\n${await stderrs[i]}`);
    })));
    await Promise.race([Promise.all(readers.map((r) => r.ready)), failedEarly]);
    failedEarly.catch(() => {});
    if (beforeGo) await beforeGo();
    const t0 = performance.now();
    for (const p of procs) {
      const stdin = p.stdin as import("bun").FileSink;
      stdin.write("go\n");
      stdin.flush();
      stdin.end();
    }
    const lines = await Promise.all(readers.map((r) => r.last));
    const wallS = (performance.now() - t0) / 1000;
    const codes = await Promise.all(procs.map((p) => p.exited));
    const outcomes: GeneratorOutcome<T>[] = [];
    for (let i = 0; i < procs.length; i++) {
      if (codes[i] !== 0) throw new Error(`generator failed (${codes[i]}): ${cmds[i]!.slice(0, 4).join(" ")}\n${await stderrs[i]}`);
      let result: T;
      try {
        result = JSON.parse(lines[i]!) as T;
      } catch {
        throw new Error(`generator printed no JSON result: ${lines[i]}\n${await stderrs[i]}`);
      }
      // Prefer the CPU the generator measured over its timed section; fall back to whole-process rusage.
      const reported = (result as { cpuS?: number }).cpuS;
      const usage = procs[i]!.resourceUsage();
      const cpuS = typeof reported === "number" ? reported : usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1e6 : NaN;
      outcomes.push({ result, cpuS });
    }
    // Per-process CPU is divided by the process's own busy time when it reports one, else by the wall time.
    const perProcess = outcomes.map((o) => o.cpuS / Math.max(1e-3, (o.result as { elapsedS?: number }).elapsedS ?? wallS));
    return {
      outcomes, wallS,
      clientCpuCores: outcomes.reduce((s, o) => s + o.cpuS, 0) / Math.max(1e-3, wallS),
      clientMaxProcessCores: Math.max(...perProcess),
    };
  } finally {
    clearTimeout(timer);
    await Promise.all(procs.map((p) => stopProcess(p, 1_000)));
  }
}
