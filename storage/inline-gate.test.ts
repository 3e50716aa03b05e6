import { expect, test } from "bun:test";
import { InlineGate } from "./inline-gate.ts";

test("small operations run inline until one is slow, then go to the pool for the back-off period", () => {
  let now = 1000;
  const gate = new InlineGate({ slowMs: 2, backoffMs: 500, nowMs: () => now });
  expect(gate.allows(64, 64)).toBe(true);
  expect(gate.allows(65, 64)).toBe(false); // over the size limit: never inline
  expect(gate.timed(() => ((now += 1), "fast"))).toBe("fast");
  expect(gate.allows(64, 64)).toBe(true);
  gate.timed(() => void (now += 3)); // a 3 ms call: the gate closes until now + 500
  expect(gate.closures).toBe(1);
  expect(gate.allows(1, 64)).toBe(false);
  now += 499;
  expect(gate.allows(1, 64)).toBe(false);
  now += 1;
  expect(gate.allows(1, 64)).toBe(true);
});

test("a slow call that throws still closes the gate, and the error reaches the caller", () => {
  let now = 0;
  const gate = new InlineGate({ slowMs: 2, backoffMs: 100, nowMs: () => now });
  expect(() => gate.timed(() => {
    now += 5;
    throw new Error("ENOSPC");
  })).toThrow("ENOSPC");
  expect(gate.allows(1, 64)).toBe(false);
});
