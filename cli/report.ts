/**
 * Error output for the CLI (DESIGN.md section 11): one line `streambus: <CODE>: <message>` on stderr,
 * or a JSON error object with `--output json`; the exit code comes from the error table.
 */
import { ExitCode, toStreamBusError } from "../protocol/errors.ts";
import type { CliContext } from "./context.ts";

export function reportError(ctx: CliContext, e: unknown, json: boolean): void {
  const err = toStreamBusError(e);
  if (json) {
    ctx.process.stderr.write(JSON.stringify({ error: err.toJSON() }) + "\n");
  } else {
    ctx.process.stderr.write(`streambus: ${err.code}: ${err.message}\n`);
  }
  ctx.process.exitCode = err.exitCode;
  if (err.code === "UNKNOWN_SERVER_ERROR" && ctx.process.env.STREAMBUS_DEBUG) {
    ctx.process.stderr.write(String((e as Error)?.stack ?? e) + "\n");
  }
}

/** Maps stricli's negative exit codes (argument and routing errors) onto our usage code. */
export function normaliseExitCode(code: number | string | null | undefined): number {
  const n = typeof code === "string" ? Number(code) : (code ?? 0);
  if (!Number.isFinite(n)) return ExitCode.GENERAL;
  if (n < 0) return ExitCode.USAGE;
  return n;
}
