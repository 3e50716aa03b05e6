import { expect, test } from "bun:test";
import { SLAB_BYTES, SLAB_CARVE_MAX_BYTES, slabBytes, slabCopy, slabExtend, slabTrim } from "./byte-slab.ts";

test("carves are zero-filled, 8-byte aligned, and never overlap", () => {
  const carves = [1, 7, 8, 100, 4096, SLAB_CARVE_MAX_BYTES, 3].map((n) => slabBytes(n));
  for (const [i, c] of carves.entries()) {
    expect(c.every((b) => b === 0)).toBe(true);
    expect(c.byteOffset % 8).toBe(0);
    c.fill(i + 1);
  }
  // Had two carves overlapped, the later fill would show through in the earlier one.
  for (const [i, c] of carves.entries()) expect(c.every((b) => b === i + 1)).toBe(true);
});

test("requests above the carve limit get their own buffer", () => {
  const big = slabBytes(SLAB_CARVE_MAX_BYTES + 1);
  expect(big.byteLength).toBe(SLAB_CARVE_MAX_BYTES + 1);
  expect(big.buffer.byteLength).toBe(SLAB_CARVE_MAX_BYTES + 1);
  expect(slabBytes(10).buffer.byteLength).toBe(SLAB_BYTES);
});

test("a full slab is replaced, and views of the old one keep their bytes", () => {
  const first = slabCopy(new Uint8Array([1, 2, 3]));
  const seen = new Set<ArrayBufferLike>([first.buffer]);
  for (let i = 0; i < (2 * SLAB_BYTES) / SLAB_CARVE_MAX_BYTES + 2; i++) seen.add(slabBytes(SLAB_CARVE_MAX_BYTES).fill(9).buffer);
  expect(seen.size).toBeGreaterThanOrEqual(3);
  expect([...first]).toEqual([1, 2, 3]);
});

test("slabTrim gives back the unused end of the last carve only", () => {
  const a = slabBytes(512);
  slabTrim(a, 16);
  const b = slabBytes(8);
  // The next carve starts right after the 16 kept bytes.
  expect(b.buffer).toBe(a.buffer);
  expect(b.byteOffset).toBe(a.byteOffset + 16);
  // b is not the last carve any more once c exists: trimming it changes nothing.
  const c = slabBytes(64);
  slabTrim(b, 0);
  const d = slabBytes(8);
  expect(d.byteOffset).toBeGreaterThanOrEqual(c.byteOffset + 64);
  // Not slab memory, or nothing to give back: no effect, no error.
  slabTrim(new Uint8Array(10), 0);
  slabTrim(d, 8);
  expect(slabBytes(8).byteOffset).toBe(d.byteOffset + 8);
});

test("slabExtend grows the last carve in place, and refuses anything else", () => {
  const a = slabBytes(16);
  a.fill(7);
  const grown = slabExtend(a, 64)!;
  expect(grown).not.toBeNull();
  expect(grown.byteOffset).toBe(a.byteOffset);
  expect([...grown.subarray(0, 16)]).toEqual(Array(16).fill(7));
  expect(grown.subarray(16).every((b) => b === 0)).toBe(true);
  // The next carve starts after the grown length.
  const b = slabBytes(8);
  expect(b.byteOffset).toBeGreaterThanOrEqual(grown.byteOffset + 64);
  expect(slabExtend(grown, 128)).toBeNull(); // not the last carve any more
  expect(slabExtend(b, SLAB_CARVE_MAX_BYTES + 1)).toBeNull(); // over the carve limit
  expect(slabExtend(new Uint8Array(8), 16)).toBeNull(); // not slab memory
});
