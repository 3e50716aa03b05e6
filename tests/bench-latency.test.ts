/**
 * Smoke test of `npm run bench -- latency`: one short run per mode against a real broker, with the GC log
 * on. Asserts nothing about speed; it proves the bench runs, the latency generator delivers, and the
 * broker's GC log is found and parsed (a Bun upgrade that changes JSC's log format fails here).
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const RUN_TIMEOUT_MS = 120_000;

// librdkafka is the bench's default client; `wire` is the raw-protocol generator (gen/kafka-wire-latency.ts).
test.each(["librdkafka", "wire"])("latency bench with the %s client: one run per mode writes e2e percentiles and the broker's GC figures", async (client) => {
  const out = mkdtempSync(join(tmpdir(), "sb-latency-test-"));
  try {
    const proc = Bun.spawn({
      cmd: [process.execPath, join(root, "bench", "latency.ts"), "--seconds", "2", "--runs", "1", "--rate", "2000", "--client", client, "--out", out],
      cwd: root, stdout: "pipe", stderr: "pipe",
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), RUN_TIMEOUT_MS);
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    clearTimeout(timer);
    if (code !== 0) throw new Error(`latency bench exited ${code}\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`);
    const report = JSON.parse(readFileSync(join(out, "latency.json"), "utf8"));
    expect(report.runs.map((r: { mode: string }) => r.mode)).toEqual(["relaxed", "durable"]);
    for (const r of report.runs) {
      expect(r.received).toBe(4000);
      expect(r.p99Ms).toBeGreaterThan(0);
      // Since Bun 1.4 an active loop collects a few times a second (Bun's 1 s timer at least): 2 s runs
      // always hold one, so the log is known to be found and parsed.
      expect(r.gc.collections).toBeGreaterThan(0);
      // A collection still running when the window closes has its START line but not yet its pause.
      expect(r.gc.pauses).toBeGreaterThanOrEqual(r.gc.collections - 1);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, RUN_TIMEOUT_MS + 10_000);
