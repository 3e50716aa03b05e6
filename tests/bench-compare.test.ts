/**
 * Smoke test of `npm run bench -- compare --quick`: the harness starts StreamBus, NATS JetStream, Redis and
 * the limit servers, runs every workload once with tiny sizes, stops everything, and writes valid JSON with
 * the headline keys. Nothing here asserts speed (CI machines vary); it proves the bench still runs.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const RUN_TIMEOUT_MS = 180_000;

const RATIO_KEYS = [
  "produce1KiBVsNats", "produce1KiBVsRedis", "produce100BVsNats", "produce100BVsRedis",
  "consume1KiBVsNats", "consume1KiBVsRedis", "relaxedProduce1KiBVsAppendServer",
];
const P99_KEYS = ["streambusRelaxed", "streambusDurable", "nats", "redisEverysec"];

test("compare --quick completes and writes compare.json with the headline keys", async () => {
  const out = mkdtempSync(join(tmpdir(), "sb-compare-test-"));
  try {
    const proc = Bun.spawn({
      cmd: [process.execPath, join(root, "bench", "compare.ts"), "--quick", "--out", out],
      cwd: root, stdout: "pipe", stderr: "pipe",
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), RUN_TIMEOUT_MS);
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    clearTimeout(timer);
    if (code !== 0) throw new Error(`compare --quick exited ${code}\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`);
    const report = JSON.parse(readFileSync(join(out, "compare.json"), "utf8"));
    expect(report.mode).toBe("quick");
    for (const k of RATIO_KEYS) {
      expect(report.ratios).toHaveProperty(k);
      expect(typeof report.ratios[k]).toBe("number");
    }
    for (const k of P99_KEYS) {
      expect(report.p99LatencyMsAt5k).toHaveProperty(k);
      expect(typeof report.p99LatencyMsAt5k[k]).toBe("number");
    }
    // The SDK-driven StreamBus systems (bench/compare/peers/sdk-hook.ts), while enabled: rows and secondary ratios.
    if (report.systems.streambusDurableSdk) {
      for (const key of ["produce-1KiB-x1", "consume-1KiB", "latency-5k"]) expect(report.results[key]).toHaveProperty("streambusDurableSdk");
      expect(report.results["produce-1KiB-x1"]).toHaveProperty("streambusRelaxedSdk");
      expect(typeof report.sdk.ratios.sdkProduce1KiBVsNats).toBe("number");
      expect(typeof report.sdk.p99LatencyMsAt5k.streambusDurableSdk).toBe("number");
    }
    // The wire producer and the append server it is compared with, on the same bytes.
    for (const id of ["streambusRelaxedWire", "appendServer"]) expect(report.results["produce-1KiB-x1"]).toHaveProperty(id);
    expect(typeof report.ratios.relaxedProduce1KiBVsAppendServerLibrdkafka).toBe("number");
    for (const k of ["seqWriteMBps", "fdatasyncPerSec", "cpuStallsPerSec", "cpuStallMaxMs"]) expect(report.limits[k].median).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(out, "compare.md"))).toBe(true);
    expect(readFileSync(join(out, "compare.produce-1KiB-x1.svg"), "utf8")).toStartWith("<svg");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, RUN_TIMEOUT_MS + 10_000);
