import { expect, test } from "bun:test";
import { compileFormat, renderJson } from "./render.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const rec = { topic: "t", partition: 2, offset: 7n, timestamp: 1700000000000n, key: enc("k"), value: enc("v"), headers: [{ key: "a", value: enc("1") }, { key: "b", value: null }] };
const run = (f: (r: typeof rec, out: Uint8Array[]) => void, r = rec) => {
  const out: Uint8Array[] = [];
  f(r, out);
  return Buffer.concat(out);
};

test("kcat placeholders and escapes", () => {
  expect(run(compileFormat("%t %p %o %k %v %s %T %h %K %S %%\\t\\n")).toString()).toBe("t 2 7 k v v 1700000000000 a=1,b= 1 1 %\t\n");
  expect(run(compileFormat("[%k]"), { ...rec, key: null } as never).toString()).toBe("[]");
  expect(() => compileFormat("%q")).toThrow();
});

test("JSON is binary-safe: invalid UTF-8 becomes base64 with an encoding marker", () => {
  const bin = { ...rec, key: null, value: new Uint8Array([0xff, 0x00]), headers: [{ key: "h", value: new Uint8Array([0xc3]) }] };
  expect(JSON.parse(run(renderJson, bin as never).toString())).toEqual({
    topic: "t", partition: 2, offset: 7, timestamp: 1700000000000, key: null, value: "/wA=", valueEncoding: "base64",
    headers: [{ key: "h", value: "ww==", valueEncoding: "base64" }],
  });
});
