import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamBusError } from "../../protocol/errors.ts";
import { envNameForPath, loadBrokerConfig } from "./load.ts";

const dir = mkdtempSync(join(tmpdir(), "sb-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function expectConfigError(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StreamBusError);
    expect((e as StreamBusError).code).toBe("INVALID_CONFIG");
    for (const f of fragments) expect((e as Error).message).toContain(f);
    return;
  }
  throw new Error("expected an INVALID_CONFIG error");
}

describe("loadBrokerConfig", () => {
  test("defaults are valid and resolve units", () => {
    const c = loadBrokerConfig({ env: { HOME: "/home/u" } });
    expect(c.dataDir).toBe("/home/u/.local/share/streambus");
    expect(c.log.segmentBytes).toBe(1024 ** 3);
    expect(c.log.retentionMs).toBe(7 * 86_400_000);
    expect(c.listeners.kafka).toBe("127.0.0.1:9092");
    expect(c.log.flush).toBe("fsync");
  });

  test("layers: file < env < flags", () => {
    const f = file("layers.yaml", "dataDir: /from-file\nnodeId: 3\nlog:\n  segmentBytes: 64MiB\n");
    const c = loadBrokerConfig({ file: f, env: { STREAMBUS_DATA_DIR: "/from-env" }, flags: { nodeId: "7" } });
    expect(c.dataDir).toBe("/from-env");
    expect(c.nodeId).toBe(7);
    expect(c.log.segmentBytes).toBe(64 * 1024 ** 2);
  });

  test("env vars cover nested keys and lists", () => {
    const c = loadBrokerConfig({ env: { STREAMBUS_LOG_RETENTION_MS: "2h", STREAMBUS_ROLES: "broker", STREAMBUS_TOPICS_AUTO_CREATE: "true" } });
    expect(c.log.retentionMs).toBe(7_200_000);
    expect(c.roles).toEqual(["broker"]);
    expect(c.topics.autoCreate).toBe(true);
  });

  test("env names derive from paths", () => {
    expect(envNameForPath("log.segmentBytes")).toBe("STREAMBUS_LOG_SEGMENT_BYTES");
    expect(envNameForPath("dataDir")).toBe("STREAMBUS_DATA_DIR");
  });

  test("an unknown key names its path and file", () => {
    const f = file("unknown.yaml", "log:\n  segmentBytez: 1MiB\n");
    expectConfigError(() => loadBrokerConfig({ file: f, env: {} }), "log.segmentBytez", "unknown key", f);
  });

  test("a wrong type names its path and source", () => {
    expectConfigError(() => loadBrokerConfig({ env: { STREAMBUS_NODE_ID: "abc" } }), "nodeId", "env STREAMBUS_NODE_ID");
    expectConfigError(() => loadBrokerConfig({ env: {}, flags: { "listeners.kafka": "nope" } }), "listeners.kafka", "flag");
  });

  test("out-of-range and bad units are rejected", () => {
    const f = file("range.yaml", "log:\n  segmentBytes: 1KiB\n");
    expectConfigError(() => loadBrokerConfig({ file: f, env: {} }), "log.segmentBytes");
    expectConfigError(() => loadBrokerConfig({ env: { STREAMBUS_LOG_SEGMENT_MS: "7 fortnights" } }), "log.segmentMs");
  });

  test("malformed YAML and a missing file are INVALID_CONFIG", () => {
    expectConfigError(() => loadBrokerConfig({ file: file("bad.yaml", "a: [1, 2\n"), env: {} }), "not valid YAML");
    expectConfigError(() => loadBrokerConfig({ file: join(dir, "missing.yaml"), env: {} }), "cannot read");
    expectConfigError(() => loadBrokerConfig({ file: file("list.yaml", "- 1\n"), env: {} }), "mapping");
  });

  test("an unknown flag path is rejected", () => {
    expectConfigError(() => loadBrokerConfig({ env: {}, flags: { "log.nope": "1" } }), "log.nope");
  });
});
