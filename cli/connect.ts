/**
 * Opens the SDK client for a command and bounds the wait for a broker by `--timeout`: the first
 * contact is retried until the deadline, then fails with UNAVAILABLE (exit code 5) naming the brokers
 * and where they came from, so a wrong address never hangs a script.
 */
import { parseDurationMs } from "../broker/config/units.ts";
import { StreamBus } from "../client/index.ts";
import { StreamBusError, isStreamBusError } from "../protocol/errors.ts";
import { resolveBrokers, type ResolvedBrokers } from "./brokers.ts";
import type { CliContext } from "./context.ts";
import type { FlagValues } from "./spec.ts";

/** Default for `--timeout`. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** A topic named on the command line must exist now; waiting longer only helps a topic created this instant. */
const TOPIC_WAIT_MS = 1_000;
const PROBE_RETRY_MS = 250;

export interface Session {
  bus: StreamBus;
  brokers: ResolvedBrokers;
  timeoutMs: number;
}

/** Parses a duration flag (`10s`, `500ms`, `2m`); bad input is a usage error naming the flag. */
export function durationFlag(flags: FlagValues, name: string, fallbackMs: number): number {
  const v = flags[name];
  if (v === undefined) return fallbackMs;
  try {
    const ms = parseDurationMs(String(v));
    if (ms <= 0) throw new Error("not positive");
    return ms;
  } catch {
    throw new StreamBusError("USAGE", `--${name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}: "${v}" is not a positive duration (e.g. 500ms, 10s, 2m)`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Rejects with TIMEOUT if `work` does not settle within `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StreamBusError("TIMEOUT", `${what} did not finish within ${ms} ms (--timeout)`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Errors worth another attempt while waiting for a broker to answer for the first time. */
function worthRetrying(e: unknown): boolean {
  return isStreamBusError(e) && (e.retriable || e.code === "NETWORK_EXCEPTION" || e.code === "UNAVAILABLE" || e.code === "TIMEOUT");
}

/** Connects (retrying until `--timeout`) and returns the client; the caller closes `session.bus`. */
export async function openSession(ctx: CliContext, flags: FlagValues): Promise<Session> {
  const brokers = resolveBrokers(ctx, flags);
  const timeoutMs = durationFlag(flags, "timeout", DEFAULT_TIMEOUT_MS);
  const bus = new StreamBus({
    brokers: brokers.brokers, clientId: "streambus-cli",
    connectTimeoutMs: Math.min(timeoutMs, 10_000), topicWaitMs: Math.min(timeoutMs, TOPIC_WAIT_MS),
    retryBackoff: { initialMs: 50, maxMs: 500 },
  });
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      await withDeadline(bus.admin().describeCluster(), Math.max(1, deadline - Date.now()), "connecting");
      return { bus, brokers, timeoutMs };
    } catch (e) {
      last = e;
      if (!worthRetrying(e)) {
        await bus.close();
        throw e;
      }
      await sleep(Math.min(PROBE_RETRY_MS, Math.max(0, deadline - Date.now())));
    }
  }
  await bus.close().catch(() => undefined);
  const why = last instanceof Error ? `: ${last.message}` : "";
  throw new StreamBusError("UNAVAILABLE", `no broker answered within ${timeoutMs} ms at ${brokers.brokers.join(",")} (from ${brokers.source})${why}`);
}

/** Runs `fn` with a connected client and closes it afterwards, whatever happens. */
export async function withSession<T>(ctx: CliContext, flags: FlagValues, fn: (s: Session) => Promise<T>): Promise<T> {
  const s = await openSession(ctx, flags);
  try {
    return await fn(s);
  } finally {
    await s.bus.close().catch(() => undefined);
  }
}
