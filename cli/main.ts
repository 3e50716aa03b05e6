#!/usr/bin/env bun
/** The `streambus` executable: one binary for the broker, the CLI and the benchmarks. */
import { run } from "@stricli/core";
import { buildCliApp } from "./app.ts";
import type { CliContext, CliProcess } from "./context.ts";
import { normaliseExitCode } from "./report.ts";

/** Runs the CLI with the given arguments and streams; returns the exit code. Used by tests in-process too. */
export async function runCli(argv: readonly string[], proc: CliProcess, stopSignal: Promise<string>): Promise<number> {
  const ctx: CliContext = { process: proc, stopSignal };
  await run(buildCliApp(), argv, ctx);
  return normaliseExitCode(proc.exitCode);
}

if (import.meta.main) {
  const stopSignal = new Promise<string>((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => resolve(sig));
  });
  const proc: CliProcess = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
  const code = await runCli(process.argv.slice(2), proc, stopSignal);
  process.exit(code);
}
