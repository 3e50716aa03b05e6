import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RealIO } from "../io.ts";
import { CrashIO } from "./crash-io.ts";

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "sb-crash-io-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("crash() closes what is still open, keeps what was written, and refuses later opens", async () => {
  const io = new CrashIO(new RealIO());
  const a = await io.open(join(dir, "a"), "create");
  const b = await io.open(join(dir, "b"), "create");
  await a.write(Buffer.from("kept"), 0);
  await b.close();
  expect(io.openCount).toBe(1);
  await io.crash();
  expect(io.openCount).toBe(0);
  expect(readFileSync(join(dir, "a"), "utf8")).toBe("kept");
  await expect(a.write(Buffer.from("x"), 0)).rejects.toThrow(); // the real handle is closed
  await a.close(); // the log's own close after a crash is a no-op, not a double close
  await expect(io.open(join(dir, "c"), "create")).rejects.toThrow("after crash()");
});
