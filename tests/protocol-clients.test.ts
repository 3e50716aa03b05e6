/**
 * Real-client golden captures (protocol/testdata/kafka-<client>-<api>-v<N>.hex, re-created by
 * tests/helpers/protocol-capture.ts): every frame decodes and re-encodes to the same bytes.
 * Plus an end-to-end check that kcat -L runs against the recording listener.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeRequest, encodeRequest } from "../protocol/envelope.ts";
import { startRecordingListener } from "./helpers/protocol-recording-listener.ts";

const TESTDATA_DIR = join(import.meta.dir, "..", "protocol", "testdata");
const fixtures = readdirSync(TESTDATA_DIR).filter((f) => /^kafka-.*\.hex$/.test(f)).sort();

function readHex(name: string): Uint8Array {
  return Uint8Array.from(Buffer.from(readFileSync(join(TESTDATA_DIR, name), "utf8").replace(/\s+/g, ""), "hex"));
}

describe("real-client request fixtures", () => {
  test("fixtures exist for kcat, kafka-python and kafkajs", () => {
    for (const client of ["kcat", "kafka-python", "kafkajs"]) {
      expect(fixtures.some((f) => f.startsWith(`kafka-${client}-api-versions-`))).toBe(true);
      expect(fixtures.some((f) => f.startsWith(`kafka-${client}-metadata-`))).toBe(true);
    }
  });
  for (const name of fixtures) {
    test(`${name}: decode -> encode gives the same bytes`, () => {
      const frame = readHex(name);
      const d = decodeRequest(frame);
      expect(name).toEndWith(`-v${d.apiVersion}.hex`);
      const again = encodeRequest(d.header, d.apiKey, d.apiVersion, d.body);
      expect(again.subarray(4)).toEqual(frame);
    });
  }
});

describe("kcat end to end", () => {
  test("kcat -L gets a valid metadata response and prints the broker", async () => {
    const rec = await startRecordingListener();
    try {
      const proc = Bun.spawn(["kcat", "-b", `127.0.0.1:${rec.port}`, "-L", "-m", "5"], { stdout: "pipe", stderr: "pipe" });
      const timer = setTimeout(() => proc.kill(), 10_000);
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      clearTimeout(timer);
      expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      expect(stdout).toContain("1 brokers:");
      expect(stdout).toContain(`broker 1 at 127.0.0.1:${rec.port} (controller)`);
      expect(rec.errors).toEqual([]);
      expect(rec.frames.map((f) => f.apiKey)).toContain(3);
    } finally {
      await rec.close();
    }
  }, 15_000);
});
