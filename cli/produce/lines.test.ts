import { expect, test } from "bun:test";
import { LineSplitter, type LineEvent } from "./lines.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const text = (evs: LineEvent[]) => evs.map((e) => ("line" in e ? new TextDecoder().decode(e.line) : `<dropped ${e.tooLongBytes}>`));

test("lines split across chunks are joined; a missing final newline still ends a line", () => {
  const s = new LineSplitter(100);
  expect(text(s.push(enc("a\nbb")))).toEqual(["a"]);
  expect(text(s.push(enc("b\n\nc")))).toEqual(["bbb", ""]);
  expect(text(s.end())).toEqual(["c"]);
  expect(text(s.end())).toEqual([]);
});

test("a line over the limit is dropped while it streams past and reported with its size and number", () => {
  const s = new LineSplitter(4);
  const evs = [...s.push(enc("ok\n123")), ...s.push(enc("456")), ...s.push(enc("78\nfine\n"))];
  expect(text(evs)).toEqual(["ok", "<dropped 8>", "fine"]);
  expect(evs.map((e) => e.lineNumber)).toEqual([1, 2, 3]);
});
