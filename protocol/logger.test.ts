import { expect, test } from "bun:test";
import { createLogger } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  return { lines, sink: { write: (l: string) => lines.push(l) } };
}

test("json lines carry level, message, bound and call fields", () => {
  const { lines, sink } = capture();
  const log = createLogger({ sink, nowMs: () => 0, format: "json" }).child({ component: "storage" });
  log.info("segment rolled", { baseOffset: 10n });
  expect(JSON.parse(lines[0]!)).toEqual({ ts: "1970-01-01T00:00:00.000Z", level: "info", msg: "segment rolled", component: "storage", baseOffset: "10" });
});

test("levels below the minimum are dropped", () => {
  const { lines, sink } = capture();
  const log = createLogger({ sink, level: "warn" });
  log.debug("a");
  log.info("b");
  log.warn("c");
  log.error("d");
  expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["c", "d"]);
});

test("pretty format is one readable line", () => {
  const { lines, sink } = capture();
  createLogger({ sink, format: "pretty", nowMs: () => 0 }).warn("disk slow", { path: "/a b", ms: 5 });
  expect(lines[0]).toBe('00:00:00.000 WRN disk slow path="/a b" ms=5\n');
});
