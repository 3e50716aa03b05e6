#!/usr/bin/env bun
/** The `streambus` executable: one binary for the broker, the CLI and the benchmarks. */
import { run } from "@stricli/core";
import { buildCliApp } from "./app.ts";
import { COMPLETE_ROUTE, runComplete } from "./completion/complete.ts";
import type { CliContext, CliProcess } from "./context.ts";
import { normaliseExitCode } from "./report.ts";
import { readFd } from "./stdin.ts";

/** Runs the CLI with the given arguments and streams; returns the exit code. Used by tests in-process too. */
export async function runCli(argv: readonly string[], proc: CliProcess, stopSignal: Promise<string>): Promise<number> {
  const ctx: CliContext = { process: proc, stopSignal };
  // The completion scripts' hidden route: partial words are not valid arguments, so stricli must not parse them.
  if (argv[0] === COMPLETE_ROUTE) await runComplete(ctx, argv.slice(1));
  else await run(buildCliApp(), argv, ctx);
  return normaliseExitCode(proc.exitCode);
}

if (import.meta.main) {
  const stopSignal = new Promise<string>((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => resolve(sig));
  });
  // Our own reader of fd 0, not process.stdin or Bun.stdin: those read ahead without backpressure (and
  // process.stdin loses a redirected file read only after an await); see stdin.ts. Lazy: only produce reads.
  const stdin: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => readFd(0) };
  const proc: CliProcess = { stdout: process.stdout, stderr: process.stderr, stdin, env: process.env };
  const code = await runCli(process.argv.slice(2), proc, stopSignal);
  process.exit(code);
}
