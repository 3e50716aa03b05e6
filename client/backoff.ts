/**
 * Exponential backoff with jitter, and a retry loop for retriable StreamBusErrors.
 * Randomness and sleeping are injected so the policy is testable without real time.
 */
import { StreamBusError, assert, toStreamBusError } from "../protocol/errors.ts";

/** Backoff limits (Kafka's `retry.backoff.ms` / `retry.backoff.max.ms`). */
export interface BackoffOptions {
  /** First delay. Default 100 ms. */
  initialMs?: number;
  /** Largest delay. Default 1000 ms. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  multiplier?: number;
  /** Fraction of the delay randomised (+/-). Default 0.2, as Kafka does. */
  jitter?: number;
}

/**
 * The delay before retry number `attempt` (0-based): `initialMs * multiplier^attempt`, capped at `maxMs`,
 * with +/- `jitter` so many clients do not retry in lockstep.
 *
 * @example
 * backoffMs(3, { initialMs: 100, maxMs: 1000 }); // about 800 (640..960)
 */
export function backoffMs(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const initialMs = opts.initialMs ?? 100;
  const maxMs = opts.maxMs ?? 1000;
  const multiplier = opts.multiplier ?? 2;
  const jitter = opts.jitter ?? 0.2;
  assert(attempt >= 0 && initialMs >= 0 && maxMs >= initialMs && multiplier >= 1 && jitter >= 0 && jitter < 1, "backoff options are sane");
  const base = Math.min(maxMs, initialMs * multiplier ** Math.min(attempt, 30));
  const factor = 1 + jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(maxMs, base * factor)));
}

/** What `retry` needs besides the operation. */
export interface RetryOptions extends BackoffOptions {
  /** Give up when the next attempt would start after this many ms from the first. */
  deadlineMs: number;
  /** Called before each retry (e.g. to refresh metadata). */
  onRetry?: (error: StreamBusError, attempt: number) => void | Promise<void>;
  /** Which errors to retry; default: `error.retriable`. */
  isRetriable?: (error: StreamBusError) => boolean;
  sleep?: (ms: number) => Promise<void>;
  nowMs?: () => number;
  random?: () => number;
}

/** Resolves after `ms` (a real timer; tests inject their own). */
export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `op` until it succeeds, fails with a non-retriable error, or the deadline passes (then the last
 * error is thrown as is, so callers see the real cause rather than a generic timeout).
 *
 * @example
 * await retry(() => cluster.produceOnce(batch), { deadlineMs: 30_000, onRetry: () => cluster.refreshMetadata() });
 */
export async function retry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const now = opts.nowMs ?? Date.now;
  const sleep = opts.sleep ?? sleepMs;
  const isRetriable = opts.isRetriable ?? ((e: StreamBusError) => e.retriable);
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      const err = toStreamBusError(e);
      if (!(e instanceof StreamBusError) || !isRetriable(err)) throw e;
      const delay = backoffMs(attempt, opts, opts.random);
      if (now() + delay - started > opts.deadlineMs) throw err;
      await sleep(delay);
      await opts.onRetry?.(err, attempt + 1);
    }
  }
}
