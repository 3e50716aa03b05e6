import { expect, test } from "bun:test";
import { InlineGate } from "./inline-gate.ts";

test("small operations run inline until one is slow, then go to the pool for the back-off period", () => {
  let now = 1000;
  const gate = new InlineGate({ slowMs: 2, backoffMs: 500, nowMs: () => now });
  expect(gate.allows(64, 64)).toBe(true);
  expect(gate.allows(65, 64)).toBe(false); // over the size limit: never inline
  expect(gate.timed(64, () => ((now += 1), "fast"))).toBe("fast");
  expect(gate.allows(64, 64)).toBe(true);
  gate.timed(64, () => void (now += 3)); // a 3 ms call: the gate closes until now + 500
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
  expect(() => gate.timed(64, () => {
    now += 5;
    throw new Error("ENOSPC");
  })).toThrow("ENOSPC");
  expect(gate.allows(1, 64)).toBe(false);
});

test("the slow limit grows with the bytes a call moves: a big copy may take longer than a small one", () => {
  let now = 0;
  const MiB = 1024 * 1024;
  const gate = new InlineGate({ slowMs: 2, slowMsPerMiB: 2, backoffMs: 100, nowMs: () => now });
  gate.timed(4 * MiB, () => void (now += 9.9)); // 4 MiB may take 2 + 8 ms
  expect(gate.closures).toBe(0);
  gate.timed(MiB, () => void (now += 4.5)); // 1 MiB only 4 ms
  expect(gate.closures).toBe(1);
  expect(gate.allows(1, 64)).toBe(false);
});
