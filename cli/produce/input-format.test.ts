import { expect, test } from "bun:test";
import { isStreamBusError } from "../../protocol/errors.ts";
import { matchLine, parseInputFormat, splitKey } from "./input-format.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

test("placeholders end at the next literal; the last takes the rest of the line", () => {
  const f = parseInputFormat("%t,%k,%v\\n");
  const r = matchLine(f, enc("1700000000000,user-1,a,b,c"))!;
  expect([r.timestamp, dec(r.key), dec(r.value)]).toEqual([1700000000000, "user-1", "a,b,c"]);
  expect(matchLine(f, enc("notanumber,k,v"))).toBeNull();
  expect(matchLine(f, enc("no separators"))).toBeNull();
});

test("leading and trailing literals, partitions and %%", () => {
  const f = parseInputFormat("[%p] %k=%v;%%");
  const r = matchLine(f, enc("[2] a=b=c;%"))!;
  expect([r.partition, dec(r.key), dec(r.value)]).toEqual([2, "a", "b=c"]);
  expect(matchLine(f, enc("[2] a=b"))).toBeNull();
});

test("bad formats are usage errors", () => {
  for (const bad of ["%k%v", "%k", "%x %v", "%v %v"]) {
    try {
      parseInputFormat(bad);
      throw new Error(`accepted ${bad}`);
    } catch (e) {
      expect(isStreamBusError(e, "USAGE")).toBe(true);
    }
  }
});

test("-K splits at the first separator; without it the line is a value without a key", () => {
  expect(dec(splitKey(enc("k::v:w"), enc("::")).value)).toBe("v:w");
  const none = splitKey(enc("plain"), enc(":"));
  expect([none.key, dec(none.value)]).toEqual([null, "plain"]);
});
