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
/** Harnesses started and not yet stopped: the binary (about 100 MB) is removed when the last one stops. */
let harnessesLive = 0;

/**
 * The compiled binary, built on first use; removed when the last harness stops (`bun test` runs no
 * process "exit" handlers, so that alone would leave one copy in the temp dir per run) or at exit.
 */
export function cliBinary(): string {
  if (!built) {
    built = buildBinary();
    const dir = built.dir;
    process.once("exit", () => removeDir(dir));
  }
  return built.binary;
}

function releaseBinary(): void {
  if (--harnessesLive > 0 || !built) return;
  removeDir(built.dir);
  built = null;
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
  /** Starts a long-running `streambus ARGS...` whose stdout lines are collected as they arrive. */
  spawn(name: string, args: string[], opts?: { maxLifeMs?: number }): LiveCli;
  stop(): Promise<void>;
}

/**
 * A long-running CLI process (e.g. `consume --group`): stdout lines and stderr collected as they arrive,
 * bounded waits, signals, and a hard SIGKILL after `maxLifeMs` whatever happens.
 */
export class LiveCli {
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<number>;
  readonly #proc: ReturnType<typeof Bun.spawn>;
  readonly #hardKill: ReturnType<typeof setTimeout>;

  constructor(readonly name: string, cmd: string[], env: Record<string, string>, cwd: string, maxLifeMs: number) {
    const proc = Bun.spawn({ cmd, env, cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    this.#proc = proc;
    this.#hardKill = setTimeout(() => proc.kill("SIGKILL"), maxLifeMs);
    const out = (async () => {
      const decoder = new TextDecoder();
      let partial = "";
      for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
        partial += decoder.decode(chunk, { stream: true });
        const parts = partial.split("\n");
        partial = parts.pop()!;
        for (const l of parts) this.lines.push(l);
      }
      if (partial !== "") this.lines.push(partial);
    })();
    const err = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) this.stderr += decoder.decode(chunk, { stream: true });
    })();
    this.exited = Promise.all([proc.exited, out, err]).then(([code]) => {
      clearTimeout(this.#hardKill);
      return code;
    });
  }

  get pid(): number {
    return this.#proc.pid;
  }

  /** Polls `pred` every 25 ms; throws with this process's recent output after `timeoutMs`. */
  async waitFor(what: string, pred: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}\nstdout tail:\n${this.lines.slice(-5).join("\n")}\nstderr:\n${this.stderr.slice(-3000)}`);
      await Bun.sleep(25);
    }
  }

  /** Sends `signal`, waits for the exit (SIGKILL after `graceMs`), returns the exit code. */
  async stop(signal: "SIGINT" | "SIGTERM" | "SIGKILL" = "SIGINT", graceMs = 10_000): Promise<number> {
    this.#proc.kill(signal);
    const t = setTimeout(() => this.#proc.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }
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

/** `brokerArgs`: extra `streambus broker` arguments, e.g. `["--set", "groups.initialRebalanceDelayMs=0"]`. */
export async function startCliHarness(opts: { brokerArgs?: string[] } = {}): Promise<CliHarness> {
  const bin = cliBinary();
  harnessesLive++;
  let broker: BrokerProcess;
  try {
    broker = await startBrokerProcess({ binary: bin, args: opts.brokerArgs });
  } catch (e) {
    releaseBinary();
    throw e;
  }
  const home = mkdtempSync(join(tmpdir(), "sb-cli-home-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, TMPDIR: tmpdir(), SB: bin, STREAMBUS_BROKERS: broker.bootstrap,
  };
  return {
    broker, bin, home, env,
    run: (args, opts = {}) => collect([bin, ...args], { ...env, ...opts.env }, opts.stdin, opts.timeoutMs ?? 60_000, home),
    sh: (script, opts = {}) => collect(["bash", "-o", "pipefail", "-c", script], { ...env, ...opts.env }, undefined, opts.timeoutMs ?? 60_000, home),
    spawn: (name, args, opts = {}) => new LiveCli(name, [bin, ...args], env, home, opts.maxLifeMs ?? 90_000),
    async stop() {
      await broker.stop();
      removeDir(broker.dataDir);
      removeDir(home);
      releaseBinary();
    },
  };
}
