/**
 * The compiled `streambus` binary against a real broker process, for the CLI tests: builds the binary
 * once per test process, starts a broker on ephemeral ports, and runs CLI commands (or whole shell
 * pipelines) with a private HOME so profiles never touch the real user's config.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrokerProcess, buildBinary, removeDir, startBrokerProcess } from "./broker-process.ts";

let built: { binary: string; dir: string } | null = null;

/** The compiled binary, built on first use and removed when the test process exits. */
export function cliBinary(): string {
  if (!built) {
    built = buildBinary();
    const dir = built.dir;
    process.once("exit", () => removeDir(dir));
  }
  return built.binary;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliHarness {
  broker: BrokerProcess;
  bin: string;
  home: string;
  env: Record<string, string>;
  /** Runs `streambus ARGS...` with optional stdin. */
  run(args: string[], opts?: { stdin?: string | Uint8Array; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /** Runs a bash pipeline; `$SB` is the binary and $STREAMBUS_BROKERS points at the broker. */
  sh(script: string, opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  stop(): Promise<void>;
}

async function collect(cmd: string[], env: Record<string, string>, stdin: string | Uint8Array | undefined, timeoutMs: number, cwd: string): Promise<CliResult> {
  const started = performance.now();
  const proc = Bun.spawn({
    cmd, env, cwd,
    stdin: stdin === undefined ? "ignore" : typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin,
    stdout: "pipe", stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr, ms: performance.now() - started };
}

export async function startCliHarness(): Promise<CliHarness> {
  const bin = cliBinary();
  const broker = await startBrokerProcess({ binary: bin });
  const home = mkdtempSync(join(tmpdir(), "sb-cli-home-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, TMPDIR: tmpdir(), SB: bin, STREAMBUS_BROKERS: broker.bootstrap,
  };
  return {
    broker, bin, home, env,
    run: (args, opts = {}) => collect([bin, ...args], { ...env, ...opts.env }, opts.stdin, opts.timeoutMs ?? 60_000, home),
    sh: (script, opts = {}) => collect(["bash", "-o", "pipefail", "-c", script], { ...env, ...opts.env }, undefined, opts.timeoutMs ?? 60_000, home),
    async stop() {
      await broker.stop();
      removeDir(broker.dataDir);
      removeDir(home);
    },
  };
}
