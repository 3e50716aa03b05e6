import { expect, test } from "bun:test";
import { join } from "node:path";

test("docs/errors.md and docs/cli.md match the code (bun scripts/gen-docs.ts)", () => {
  const root = join(import.meta.dir, "..");
  const r = Bun.spawnSync({ cmd: [process.execPath, join(root, "scripts", "gen-docs.ts"), "--check"], cwd: root, stderr: "pipe" });
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
});
