import { expect, test } from "bun:test";
import { FetchWaiters, type Timers } from "./fetch-waiters.ts";

/** A manual clock: timers fire only when advanced. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = next++;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(h) {
      pending.delete(h as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...pending]) if (t.at <= now) {
      pending.delete(id);
      t.fn();
    }
  };
  return { timers, advance, pending };
}

test("a waiter wakes once enough bytes arrive on a watched partition", async () => {
  const { timers, pending } = manualTimers();
  const w = new FetchWaiters(timers, 10);
  let woke = false;
  const p = w.wait(["t-0", "t-1"], 100, 500).then(() => (woke = true));
  w.notify("t-0", 60);
  w.notify("other-0", 1000);
  await Bun.sleep(0);
  expect(woke).toBe(false);
  w.notify("t-1", 40);
  await p;
  expect(woke).toBe(true);
  expect(w.size).toBe(0);
  expect(pending.size).toBe(0);
});

test("a waiter wakes at its deadline without data", async () => {
  const { timers, advance } = manualTimers();
  const w = new FetchWaiters(timers, 10);
  let woke = false;
  const p = w.wait(["t-0"], 1, 500).then(() => (woke = true));
  advance(499);
  await Bun.sleep(0);
  expect(woke).toBe(false);
  advance(1);
  await p;
  expect(woke).toBe(true);
});

test("past the cap, and with no wait, fetches answer at once", async () => {
  const { timers } = manualTimers();
  const w = new FetchWaiters(timers, 1);
  void w.wait(["a"], 1, 1000);
  await w.wait(["a"], 1, 1000);
  await w.wait(["b"], 1, 0);
  expect(w.size).toBe(1);
  w.wakeAll();
  expect(w.size).toBe(0);
});
