/**
 * What every CLI command gets: its streams, environment and exit code slot. Passed in (no globals),
 * so tests can run commands in-process with captured output.
 */
import type { CommandContext } from "@stricli/core";

export interface CliWritable {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
}

export interface CliProcess {
  stdout: CliWritable;
  stderr: CliWritable;
  /** Read at most once, and only by commands that take input (produce). */
  stdin?: AsyncIterable<Uint8Array | string>;
  env: Record<string, string | undefined>;
  exitCode?: number | string | null;
}

export interface CliContext extends CommandContext {
  readonly process: CliProcess;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands await it. */
  readonly stopSignal: Promise<string>;
}
