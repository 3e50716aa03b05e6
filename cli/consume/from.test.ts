import { expect, test } from "bun:test";
import { isStreamBusError } from "../../protocol/errors.ts";
import { parseFrom, seekFor } from "./from.ts";

const NOW = 1_700_000_000_000;

test("every --from form", () => {
  expect(parseFrom("earliest", NOW)).toEqual({ kind: "earliest" });
  expect(parseFrom("latest", NOW)).toEqual({ kind: "latest" });
  expect(parseFrom("42", NOW)).toEqual({ kind: "offset", offset: 42n });
  expect(parseFrom("@1699999999000", NOW)).toEqual({ kind: "timestamp", timestampMs: 1699999999000 });
  expect(parseFrom("-15m", NOW)).toEqual({ kind: "timestamp", timestampMs: NOW - 900_000 });
  expect(parseFrom("-1h30m", NOW)).toEqual({ kind: "timestamp", timestampMs: NOW - 5_400_000 });
  expect(parseFrom("-10", NOW)).toEqual({ kind: "fromEnd", count: 10n });
  for (const bad of ["", "soon", "-x", "@x", "1.5"]) expect(() => parseFrom(bad, NOW)).toThrow();
  try {
    parseFrom("soon", NOW);
  } catch (e) {
    expect(isStreamBusError(e, "USAGE")).toBe(true);
  }
});

test("-N counts back from the end, never before the first kept offset", () => {
  expect(seekFor({ kind: "fromEnd", count: 10n }, 0n, 100n)).toBe(90n);
  expect(seekFor({ kind: "fromEnd", count: 10n }, 95n, 100n)).toBe(95n);
  expect(seekFor({ kind: "timestamp", timestampMs: 5 }, 0n, 1n)).toEqual({ timestamp: 5 });
});
