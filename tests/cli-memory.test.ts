/**
 * Bounded memory: `streambus produce` streams 200 MB of stdin (1000-byte lines from `yes | head -c`)
 * and its peak RSS, measured by /usr/bin/time, stays under 200 MB. (2 GB by hand: see the report in
 * cli/README.md.) Every line is acknowledged: the topic's offsets add up to the line count.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type CliHarness, startCliHarness } from "./helpers/cli-harness.ts";

let h: CliHarness;

beforeAll(async () => {
  h = await startCliHarness();
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const INPUT_BYTES = 200_000_000;
const LINE_BYTES = 1000;
const PEAK_RSS_BYTES_MAX = 200 * 1024 * 1024;

test("produce streams 200 MB of stdin with peak RSS under 200 MB, every record acknowledged", async () => {
  expect((await h.run(["topic", "create", "mem", "-p", "3"])).code).toBe(0);
  const line = "x".repeat(LINE_BYTES - 1);
  const r = await h.sh(`yes '${line}' | head -c ${INPUT_BYTES} | /usr/bin/time -f 'maxrss_kb=%M' "$SB" produce mem; exit \${PIPESTATUS[2]}`, { timeoutMs: 80_000 }); // yes dies of SIGPIPE by design
  expect(r.code).toBe(0);
  const m = /maxrss_kb=(\d+)/.exec(r.stderr);
  expect(m).not.toBeNull();
  const peakBytes = Number(m![1]) * 1024;
  console.log(`produce of ${INPUT_BYTES / 1e6} MB: peak RSS ${(peakBytes / 2 ** 20).toFixed(0)} MiB in ${(r.ms / 1000).toFixed(1)} s`);
  expect(peakBytes).toBeLessThan(PEAK_RSS_BYTES_MAX);
  const d = JSON.parse((await h.run(["topic", "describe", "mem"])).stdout);
  const total = d.partitions.reduce((n: number, p: { latestOffset: number }) => n + p.latestOffset, 0);
  expect(total).toBe(INPUT_BYTES / LINE_BYTES);
}, 90_000);
