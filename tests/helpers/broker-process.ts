/**
 * Starts a real `streambus broker` process for tests (from source with bun, or the compiled binary),
 * on ephemeral loopback ports with a temp data dir, waits for its "ready" log line, and stops it.
 */
import { afterAll, beforeAll } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExecutable } from "../../scripts/build.ts";

const root = join(import.meta.dir, "..", "..");

export interface BrokerProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** host:port of the Kafka listener. */
  bootstrap: string;
  port: number;
  dataDir: string;
  /** Everything the broker logged so far. */
  logs(): string;
  /** SIGTERM and wait (graceful). Returns the exit code. */
  stop(): Promise<number>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

export interface StartBrokerOptions {
  dataDir?: string;
  /** Run this executable instead of `bun cli/main.ts`. */
  binary?: string;
  env?: Record<string, string>;
  args?: string[];
  /** Fixed Kafka port (default: 0, ephemeral). */
  port?: number;
  readyTimeoutMs?: number;
}

/** A fresh temp data dir; the caller removes it (or passes it to `removeDir`). */
export function tempDataDir(prefix = "sb-broker-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startBrokerProcess(opts: StartBrokerOptions = {}): Promise<BrokerProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const cmd = [
    ...(opts.binary ? [opts.binary] : [process.execPath, join(root, "cli", "main.ts")]),
    "broker", "--data-dir", dataDir,
    "--listen", `127.0.0.1:${opts.port ?? 0}`, "--internal-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
    ...(opts.args ?? []),
  ];
  const proc = Bun.spawn({
    cmd,
    env: { ...process.env, STREAMBUS_LOGGING_FORMAT: "json", ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  let port = 0;
  const decoder = new TextDecoder();
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker not ready after ${readyTimeoutMs} ms; logs:\n${text}`)), readyTimeoutMs);
    (async () => {
      for await (const chunk of proc.stderr) {
        text += decoder.decode(chunk, { stream: true });
        if (!port) {
          const m = /"msg":"ready".*?"kafka":"[^"]*:(\d+)"/.exec(text);
          if (m) {
            port = Number(m[1]);
            clearTimeout(timer);
            resolve();
          }
        }
      }
      clearTimeout(timer);
      if (!port) reject(new Error(`broker exited before ready (code ${await proc.exited}); logs:\n${text}`));
    })();
  });
  // Drain stdout so the pipe never fills.
  (async () => {
    for await (const _ of proc.stdout) {
    }
  })();
  try {
    await ready;
  } catch (e) {
    proc.kill("SIGKILL");
    await proc.exited;
    throw e;
  }
  return {
    proc,
    bootstrap: `127.0.0.1:${port}`,
    port,
    dataDir,
    logs: () => text,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** Builds the single executable into a fresh temp dir (for tests that must exercise the real binary). */
export function buildBinary(): { binary: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "sb-bin-"));
  const binary = join(dir, "streambus");
  buildExecutable(binary);
  return { binary, dir };
}

/**
 * One broker process for a whole test file: started in beforeAll, stopped (and its data removed) in
 * afterAll. Returns a getter, since the broker exists only once beforeAll has run.
 */
export function useBrokerProcess(opts: StartBrokerOptions = {}): () => BrokerProcess {
  let broker: BrokerProcess | undefined;
  beforeAll(async () => {
    broker = await startBrokerProcess(opts);
  }, 30_000);
  afterAll(async () => {
    if (!broker) return;
    await broker.stop();
    removeDir(broker.dataDir);
  });
  return () => {
    if (!broker) throw new Error("the broker fixture has not started (beforeAll failed?)");
    return broker;
  };
}
