/**
 * End to end: build the single executable, copy it ALONE into an empty directory (no node_modules
 * beside it) and run it there: --version, --help, a noun's --help, broker --print-config, and config errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { buildExecutable } from "../scripts/build.ts";

const root = join(import.meta.dir, "..");
let dir = "";
let bin = "";

function runBin(args: string[], env: Record<string, string> = {}) {
  const p = Bun.spawnSync({ cmd: [bin, ...args], cwd: dir, env: { PATH: "/usr/bin:/bin", HOME: dir, TMPDIR: dir, ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sb-e2e-"));
  const outDir = mkdtempSync(join(tmpdir(), "sb-build-"));
  const outfile = join(outDir, "streambus");
  buildExecutable(outfile);
  bin = join(dir, "streambus");
  copyFileSync(outfile, bin);
  rmSync(outDir, { recursive: true, force: true });
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("compiled binary from an empty directory", () => {
  test("--version prints the package version", async () => {
    const pkg = await Bun.file(join(root, "package.json")).json();
    const r = runBin(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  test("--help lists every command noun", () => {
    const r = runBin(["--help"]);
    expect(r.code).toBe(0);
    for (const noun of ["broker", "topic", "produce", "consume", "group", "cluster", "acl", "user", "bench", "completion"]) {
      expect(r.stdout).toContain(`streambus ${noun}`);
    }
  });

  test.each(["topic", "produce", "consume", "group", "cluster", "acl", "user", "bench", "completion", "broker"])("%s --help works", (noun) => {
    const r = runBin([noun, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("USAGE");
  });

  test("broker --print-config shows env overrides as YAML", () => {
    const r = runBin(["broker", "--print-config"], { STREAMBUS_DATA_DIR: "/x" });
    expect(r.code).toBe(0);
    const cfg = parse(r.stdout);
    expect(cfg.dataDir).toBe("/x");
    expect(cfg.listeners.kafka).toBe("127.0.0.1:9092");
  });

  test("a config file with an unknown key is rejected with its path and exit code 8", () => {
    const f = join(dir, "bad.yaml");
    writeFileSync(f, "log:\n  retentionMz: 7d\n");
    const r = runBin(["broker", "--config", f, "--print-config"]);
    expect(r.code).toBe(8);
    expect(r.stderr).toContain("streambus: INVALID_CONFIG: log.retentionMz: unknown key");
  });

  test("an unknown flag is a usage error (exit 2)", () => {
    expect(runBin(["topic", "create", "t", "--nope"]).code).toBe(2);
  });
});
