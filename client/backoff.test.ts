import { describe, expect, test } from "bun:test";
import { StreamBusError } from "../protocol/errors.ts";
import { backoffMs, retry } from "./backoff.ts";

describe("backoffMs", () => {
  test("grows exponentially and caps", () => {
    const mid = () => 0.5; // no jitter
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffMs(a, { initialMs: 100, maxMs: 1000 }, mid))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  test("jitter stays inside +/- 20%", () => {
    expect(backoffMs(2, {}, () => 0)).toBe(320);
    expect(backoffMs(2, {}, () => 0.9999999)).toBe(480);
  });
});

describe("retry", () => {
  function fakeTime() {
    let t = 0;
    return { nowMs: () => t, sleep: async (ms: number) => void (t += ms), random: () => 0.5 };
  }

  test("retries retriable errors and refreshes between attempts", async () => {
    const time = fakeTime();
    let calls = 0;
    const refreshes: number[] = [];
    const out = await retry(async () => {
      calls++;
      if (calls < 3) throw new StreamBusError("NOT_LEADER_OR_FOLLOWER");
      return "ok";
    }, { deadlineMs: 10_000, ...time, onRetry: (_e, n) => void refreshes.push(n) });
    expect(out).toBe("ok");
    expect(calls).toBe(3);
    expect(refreshes).toEqual([1, 2]);
    expect(time.nowMs()).toBe(300); // 100 + 200
  });

  test("does not retry non-retriable errors", async () => {
    let calls = 0;
    const p = retry(async () => { calls++; throw new StreamBusError("INVALID_CONFIG"); }, { deadlineMs: 10_000, ...fakeTime() });
    await expect(p).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    expect(calls).toBe(1);
  });

  test("gives up at the deadline with the last error", async () => {
    const time = fakeTime();
    const p = retry(async () => { throw new StreamBusError("LEADER_NOT_AVAILABLE"); }, { deadlineMs: 1000, ...time });
    await expect(p).rejects.toMatchObject({ code: "LEADER_NOT_AVAILABLE" });
    expect(time.nowMs()).toBeLessThanOrEqual(1000);
  });

  test("plain errors (bugs) are not retried", async () => {
    let calls = 0;
    await expect(retry(async () => { calls++; throw new TypeError("x"); }, { deadlineMs: 1000, ...fakeTime() })).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });
});
