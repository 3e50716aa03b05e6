import { describe, expect, test } from "bun:test";
import { StreamBusError } from "./errors.ts";
import { FrameSplitter, readFrameLength } from "./frame.ts";

function framed(...bodies: number[][]): Uint8Array {
  const out: number[] = [];
  for (const b of bodies) out.push((b.length >>> 24) & 255, (b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255, ...b);
  return new Uint8Array(out);
}

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e) { return e instanceof StreamBusError ? e.code : `not a StreamBusError: ${e}`; }
  return "no error";
}

describe("readFrameLength", () => {
  test("rejects negative and too-large lengths", () => {
    expect(codeOf(() => readFrameLength(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 0, 100))).toBe("MALFORMED_FRAME");
    expect(codeOf(() => readFrameLength(new Uint8Array([0, 0, 0, 101]), 0, 100))).toBe("FRAME_TOO_LARGE");
    expect(readFrameLength(new Uint8Array([0, 0, 0, 100]), 0, 100)).toBe(100);
  });
});

describe("FrameSplitter", () => {
  const stream = framed([1, 2, 3], [], [4], [5, 6, 7, 8, 9]);
  const expected = [[1, 2, 3], [], [4], [5, 6, 7, 8, 9]].map((b) => new Uint8Array(b));

  test("whole frames in one chunk come back as subarrays", () => {
    const s = new FrameSplitter(100);
    const frames = s.push(stream);
    expect(frames).toEqual(expected);
    expect(frames[0]!.buffer).toBe(stream.buffer);
    expect(s.bufferedBytes()).toBe(0);
  });

  // preallocMaxBytes 0 keeps split frames as parts joined at the end; the default collects them in one buffer.
  for (const prealloc of [undefined, 0]) {
    const label = prealloc === 0 ? " (parts joined)" : " (preallocated)";
    test("every split point gives the same frames" + label, () => {
      for (let cut1 = 0; cut1 <= stream.length; cut1++) {
        for (let cut2 = cut1; cut2 <= stream.length; cut2++) {
          const s = new FrameSplitter(100, prealloc);
          const frames = [...s.push(stream.subarray(0, cut1)), ...s.push(stream.subarray(cut1, cut2)), ...s.push(stream.subarray(cut2))];
          expect(frames).toEqual(expected);
          expect(s.bufferedBytes()).toBe(0);
        }
      }
    });

    test("byte-at-a-time feeding works and buffered bytes stay bounded" + label, () => {
      const s = new FrameSplitter(100, prealloc);
      const frames: Uint8Array[] = [];
      for (const b of stream) {
        frames.push(...s.push(new Uint8Array([b])));
        expect(s.bufferedBytes()).toBeLessThanOrEqual(4 + 100);
      }
      expect(frames).toEqual(expected);
    });

    test("buffered parts are copies: the transport may reuse its chunk" + label, () => {
      const s = new FrameSplitter(100, prealloc);
      const chunk = new Uint8Array([0, 0, 0, 2, 7]);
      expect(s.push(chunk)).toEqual([]);
      chunk.fill(0xee);
      expect(s.push(new Uint8Array([8]))).toEqual([new Uint8Array([7, 8])]);
    });
  }

  test("an oversized length fails before its bytes arrive", () => {
    const s = new FrameSplitter(100);
    expect(codeOf(() => s.push(new Uint8Array([0, 0, 0x10, 0])))).toBe("FRAME_TOO_LARGE");
    expect(codeOf(() => new FrameSplitter(100).push(new Uint8Array([0x80, 0, 0, 0, 1])))).toBe("MALFORMED_FRAME");
  });
});
