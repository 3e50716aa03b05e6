import { expect, test } from "bun:test";
import { summarizeGcLog } from "./gc-log.ts";

// Shapes of JSC's GC log (BUN_JSC_logGC=1), shortened: a one-step eden collection, a full collection in
// two increments (an intermediate "p=" line, then the final one), and noise from the broker's own log.
const LOG = [
  "[GC<0x7f>: starting 0.03ms]",
  "[GC<0x7f>: START M 416kb => EdenCollection, a=0kb v=159kb i#3:P<Ws> => 171kb, p=0.744882ms (max 0.744882), cycle 0.72ms END]",
  "GC END!",
  '{"level":"info","msg":"ready","p=9.9ms (max":"not a pause line either way"}',
  "[GC<0x7f>: START M 7337kb => FullCollection, a=0kb v=0kb i#1:N<Cs> 0+0 p=1.000000ms (max 1.000000)...]",
  "[GC<0x7f>: M a=16kb v=4053kb i#5:P<Cs> => 6932kb, p=2.500000ms (max 2.500000), cycle 5.76ms END]",
].join("\n");

test("counts collections and every stop of the thread, with pause percentiles", () => {
  const s = summarizeGcLog(LOG);
  expect(s.collections).toBe(2);
  expect(s.fullCollections).toBe(1);
  expect(s.pauses).toBe(3); // the JSON log line that happens to contain "p=9.9ms (max" is not a GC line
  expect(s.pauseMaxMs).toBe(2.5);
  expect(s.pauseTotalMs).toBeCloseTo(4.244882, 6);
  expect(s.pauseP50Ms).toBe(1);
});

test("an empty log gives zero collections and NaN pauses, not zeros", () => {
  const s = summarizeGcLog("");
  expect(s.collections).toBe(0);
  expect(s.pauses).toBe(0);
  expect(Number.isNaN(s.pauseP50Ms)).toBe(true);
});
