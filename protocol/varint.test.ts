import { expect, test } from "bun:test";
import {
  readUnsignedVarint, readVarint, readVarlong, sizeOfUnsignedVarint, sizeOfVarint, sizeOfVarlong,
  writeUnsignedVarint, writeVarint, writeVarlong,
} from "./varint.ts";

// Golden encodings from the protobuf/Kafka zigzag rules: 0->00, -1->01, 1->02, -64->7f, 64->8001.
test.each([
  [0, "00"], [-1, "01"], [1, "02"], [-64, "7f"], [64, "8001"], [300, "d804"], [2147483647, "feffffff0f"], [-2147483648, "ffffffff0f"],
] as const)("varint %p encodes as %s", (value, hex) => {
  const buf = new Uint8Array(sizeOfVarint(value));
  expect(writeVarint(buf, 0, value)).toBe(buf.length);
  expect(Buffer.from(buf).toString("hex")).toBe(hex);
  expect(readVarint(buf, 0)).toEqual({ value, next: buf.length });
});

test.each([0n, 1n, -1n, 1234567890123n, -(2n ** 63n), 2n ** 63n - 1n])("varlong %p round-trips", (value) => {
  const buf = new Uint8Array(sizeOfVarlong(value));
  expect(writeVarlong(buf, 0, value)).toBe(buf.length);
  expect(readVarlong(buf, 0)).toEqual({ value, next: buf.length });
});

test("unsigned varint round-trips across sizes", () => {
  for (const v of [0, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 - 1]) {
    const buf = new Uint8Array(sizeOfUnsignedVarint(v));
    writeUnsignedVarint(buf, 0, v);
    expect(readUnsignedVarint(buf, 0).value).toBe(v);
  }
});

test("truncated and overlong inputs are typed errors", () => {
  expect(() => readUnsignedVarint(new Uint8Array([0x80]), 0)).toThrow(/past the end/);
  expect(() => readUnsignedVarint(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 0)).toThrow();
  expect(() => readVarlong(new Uint8Array(11).fill(0xff), 0)).toThrow();
  expect(() => readVarlong(new Uint8Array([]), 0)).toThrow(/past the end/);
});
