import { expect, test } from "bun:test";
import { formatDurationMs, formatSizeBytes, parseDurationMs, parseSizeBytes } from "./units.ts";

test.each([
  ["4096", 4096], ["64KiB", 65536], ["64MiB", 64 * 1024 ** 2], ["1GiB", 1024 ** 3], ["10MB", 10_000_000], ["1.5KiB", 1536], ["-1", -1],
] as const)("parseSizeBytes(%p) = %p", (input, bytes) => {
  expect(parseSizeBytes(input)).toBe(bytes);
});

test.each([
  ["250ms", 250], ["30s", 30_000], ["5m", 300_000], ["2h", 7_200_000], ["7d", 604_800_000], ["1h30m", 5_400_000], ["1000", 1000], ["-1", -1],
] as const)("parseDurationMs(%p) = %p", (input, ms) => {
  expect(parseDurationMs(input)).toBe(ms);
});

test.each(["", "MiB", "12 parsecs", "1.2.3KiB"])("parseSizeBytes rejects %p", (input) => {
  expect(() => parseSizeBytes(input)).toThrow(/not a size/);
});

test.each(["", "h", "5 minutes", "1h30", "1x"])("parseDurationMs rejects %p", (input) => {
  expect(() => parseDurationMs(input)).toThrow(/not a duration/);
});

test("formatting picks the largest exact unit", () => {
  expect(formatSizeBytes(64 * 1024 ** 2)).toBe("64MiB");
  expect(formatSizeBytes(1000)).toBe(1000);
  expect(formatDurationMs(604_800_000)).toBe("7d");
  expect(formatDurationMs(1500)).toBe("1500ms");
});
