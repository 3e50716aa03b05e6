import { expect, test } from "bun:test";
import { measureCpuStalls } from "./limits.ts";

test("the stall probe counts only gaps over 1 ms, their share of the wall time and the longest", () => {
  // Clock reads 0.01 ms apart, with a 3 ms and a 1.5 ms gap, and a 0.9 ms one that is not a stall.
  const reads: number[] = [];
  let t = 0;
  for (let i = 0; i < 1000; i++) {
    t += i === 100 ? 3 : i === 500 ? 1.5 : i === 700 ? 0.9 : 0.01;
    reads.push(t);
  }
  let at = -1;
  const nowMs = () => (at < 0 ? ((at = 0), 0) : reads[at++]!);
  const r = measureCpuStalls(t - 0.005, nowMs); // stops at the last read
  const wallMs = reads.at(-1)!;
  expect(r.cpuStallsPerSec).toBeCloseTo((2 * 1000) / wallMs, 9);
  expect(r.cpuStallLostPercent).toBeCloseTo((100 * 4.5) / wallMs, 9);
  expect(r.cpuStallMaxMs).toBe(3);
});
