import { describe, expect, test } from "bun:test";
import { AssertionError, StreamBusError } from "./errors.ts";
import { protocolLimits } from "./limits.ts";
import { Reader, Writer, utf8ByteLength } from "./primitives.ts";
import { seededRandom } from "./seeded-random.ts";
import { ZERO_UUID, uuidToBytes, uuidToString } from "./uuid.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

function malformed(fn: () => unknown): StreamBusError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StreamBusError);
    expect((e as StreamBusError).code).toBe("MALFORMED_FRAME");
    return e as StreamBusError;
  }
  throw new Error("expected MALFORMED_FRAME");
}

describe("Reader fixed-width", () => {
  test("reads big-endian integers, bool and float", () => {
    const w = new Writer(1); // tiny on purpose: every write grows the buffer
    w.int8(-2); w.int16(-300); w.uint16(65000); w.int32(-70000); w.uint32(4000000000);
    w.int64(-(2n ** 63n)); w.float64(1.5); w.bool(true); w.bool(false);
    const r = new Reader(w.finish());
    expect([r.int8(), r.int16(), r.uint16(), r.int32(), r.uint32()]).toEqual([-2, -300, 65000, -70000, 4000000000]);
    expect(r.int64()).toBe(-(2n ** 63n));
    expect(r.float64()).toBe(1.5);
    expect([r.bool(), r.bool()]).toEqual([true, false]);
    expect(r.remaining()).toBe(0);
  });
  test("any non-zero byte is true", () => expect(new Reader(bytes(7)).bool()).toBe(true));
  test("short input is MALFORMED_FRAME", () => {
    malformed(() => new Reader(bytes(0, 0, 0)).int32());
    malformed(() => new Reader(bytes(1, 2, 3, 4, 5, 6, 7)).int64());
    malformed(() => new Reader(bytes()).int8());
  });
  test("never reads past `end` even when the buffer continues", () => {
    const buf = bytes(0, 0, 0, 1, 0x80, 0x01, 0, 0);
    malformed(() => new Reader(buf, undefined, 0, 3).int32());
    const r = new Reader(buf, undefined, 4, 5); // varint continues past end: must not read buf[5]
    malformed(() => r.unsignedVarint());
  });
});

describe("Reader lengths", () => {
  test("strings: classic, nullable, compact", () => {
    const w = new Writer();
    w.string("héllo"); w.nullableString(null); w.compactString("日本"); w.compactNullableString(null); w.compactString("");
    const r = new Reader(w.finish());
    expect([r.string(), r.nullableString(), r.compactString(), r.compactNullableString(), r.compactString()]).toEqual(["héllo", null, "日本", null, ""]);
  });
  test("a lying string length is rejected", () => {
    malformed(() => new Reader(bytes(0, 100, 0x61, 0x62)).string());
    malformed(() => new Reader(bytes(101, 0x61)).compactString());
  });
  test("null where not nullable is rejected", () => {
    malformed(() => new Reader(bytes(0xff, 0xff)).string());
    malformed(() => new Reader(bytes(0)).compactString());
    malformed(() => new Reader(bytes(0xff, 0xff, 0xff, 0xff)).bytes());
    malformed(() => new Reader(bytes(0)).compactBytes());
  });
  test("negative lengths other than -1 are rejected", () => {
    malformed(() => new Reader(bytes(0xff, 0xfe)).nullableString());
    malformed(() => new Reader(bytes(0x80, 0, 0, 0)).nullableBytes());
    malformed(() => new Reader(bytes(0xff, 0xff, 0xff, 0xfe)).arrayLength(1));
  });
  test("maxStringBytes and maxBytesFieldBytes apply even when the bytes are there", () => {
    const limits = protocolLimits({ maxStringBytes: 3, maxBytesFieldBytes: 2 });
    const e = malformed(() => new Reader(bytes(0, 4, 0x61, 0x61, 0x61, 0x61), limits).string());
    expect(e.message).toContain("limit");
    malformed(() => new Reader(bytes(0, 0, 0, 3, 1, 2, 3), limits).bytes());
    expect(new Reader(bytes(0, 3, 0x61, 0x62, 0x63), limits).string()).toBe("abc");
  });
  test("invalid UTF-8 is rejected", () => {
    malformed(() => new Reader(bytes(0, 2, 0xc3, 0x28)).string());
  });
  test("bytes are subarrays of the input (no copy)", () => {
    const buf = bytes(0, 0, 0, 2, 9, 8, 2, 7);
    const r = new Reader(buf);
    const b = r.bytes();
    expect(b).toEqual(bytes(9, 8));
    expect(b.buffer).toBe(buf.buffer);
    expect(r.compactBytes()).toEqual(bytes(7));
    expect(new Reader(bytes(0xff, 0xff, 0xff, 0xff)).nullableBytes()).toBeNull();
    expect(new Reader(bytes(0)).compactNullableBytes()).toBeNull();
  });
  test("array counts are checked against remaining bytes before allocation", () => {
    // 1e9 elements of at least 4 bytes cannot fit in 4 remaining bytes.
    malformed(() => new Reader(bytes(0x3b, 0x9a, 0xca, 0x00, 0, 0, 0, 0)).arrayLength(4));
    malformed(() => new Reader(bytes(0xff, 0xff, 0xff, 0xff, 0x0f)).compactArrayLength(1));
    expect(new Reader(bytes(0, 0, 0, 2, 1, 2)).arrayLength(1)).toBe(2);
    expect(new Reader(bytes(0xff, 0xff, 0xff, 0xff)).arrayLength(1)).toBe(-1);
    expect(new Reader(bytes(0)).compactArrayLength(1)).toBe(-1);
  });
  test("maxArrayLength applies even for zero-size elements", () => {
    const limits = protocolLimits({ maxArrayLength: 10 });
    malformed(() => new Reader(bytes(0, 0, 0, 11), limits).arrayLength(0));
    expect(new Reader(bytes(0, 0, 0, 10), limits).arrayLength(0)).toBe(10);
  });
  test("tagged-field counts are bounded", () => {
    malformed(() => new Reader(bytes(5, 0, 0)).taggedFieldCount());
    malformed(() => new Reader(new Uint8Array([0x81, 0x10, ...new Array(5000).fill(0)])).taggedFieldCount());
    expect(new Reader(bytes(1, 0, 0)).taggedFieldCount()).toBe(1);
  });
  test("overlong varints are rejected", () => {
    malformed(() => new Reader(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).unsignedVarint());
    malformed(() => new Reader(bytes(0x80)).unsignedVarint());
  });
});

describe("Writer", () => {
  test("compact lengths are length + 1 varints", () => {
    const w = new Writer();
    w.compactString("a".repeat(200));
    const out = w.finish();
    expect([out[0], out[1]]).toEqual([0xc9, 0x01]); // 201 = 0xc9 0x01
    expect(out.length).toBe(202);
  });
  test("classic strings over 32767 bytes are refused", () => {
    expect(() => new Writer().string("x".repeat(32768))).toThrow(StreamBusError);
  });
  test("utf8ByteLength matches TextEncoder", () => {
    for (const s of ["", "abc", "é", "日本", "🚀x", "\ud800", "a\udc00b"]) {
      expect(utf8ByteLength(s)).toBe(new TextEncoder().encode(s).length);
    }
  });
  test("patchInt32 fills a reserved length", () => {
    const w = new Writer();
    w.int32(0); w.int8(1); w.patchInt32(0, 1);
    expect(w.finish()).toEqual(bytes(0, 0, 0, 1, 1));
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

describe("Writer gather mode", () => {
  const big = new Uint8Array(100).fill(7);
  test("arrays at or above gatherMinBytes become their own part, by reference", () => {
    const w = new Writer(16, { gatherMinBytes: 100 });
    w.int32(0); w.bytes(big.subarray(0, 99)); w.int8(1); w.compactBytes(big); w.int16(2);
    const parts = w.finishParts();
    expect(parts.map((p) => p.length)).toEqual([4 + 4 + 99 + 1 + 1, 100, 2]);
    expect(parts[1]).toBe(big); // referenced, not copied
    expect(w.pos).toBe(211);
    const plain = new Writer(); plain.int32(0); plain.bytes(big.subarray(0, 99)); plain.int8(1); plain.compactBytes(big); plain.int16(2);
    expect(concat(parts)).toEqual(plain.finish());
  });
  test("without gathered arrays the output is one part, and finish() concatenates when there are several", () => {
    const w = new Writer(8, { gatherMinBytes: 1000 });
    w.bytes(big);
    expect(w.finishParts().length).toBe(1);
    const gathering = () => {
      const g = new Writer(8, { gatherMinBytes: 10 });
      g.int8(1); g.raw(big); g.raw(big); g.int8(2);
      return g;
    };
    const g = gathering();
    const parts = g.finishParts();
    expect(parts.length).toBe(4); // back-to-back references need no chunk between them
    expect(gathering().finish()).toEqual(concat(parts));
    // Finishing hands unused buffer space back (byte-slab.ts), so a writer finishes once and takes no more writes.
    expect(() => g.finish()).toThrow(AssertionError);
    expect(() => g.int32(1)).toThrow(AssertionError);
  });
  test("patchInt32 reaches the first chunk after gathering, and refuses anything past it", () => {
    const w = new Writer(4, { gatherMinBytes: 100 });
    w.int32(0); w.int32(0); w.raw(big); w.int32(0);
    w.patchInt32(0, w.pos - 4);
    w.patchInt32(4, -1);
    expect(() => w.patchInt32(6, 0)).toThrow(AssertionError);
    expect(() => w.patchInt32(108, 0)).toThrow(AssertionError); // the chunk after the reference
    expect(concat(w.finishParts()).subarray(0, 8)).toEqual(bytes(0, 0, 0, 108, 0xff, 0xff, 0xff, 0xff));
    const led = new Writer(4, { gatherMinBytes: 100 });
    led.raw(big); led.int32(0);
    expect(() => led.patchInt32(0, 0)).toThrow(AssertionError); // the first part is not ours to write
  });
  test("seeded random op sequences encode exactly as a plain writer", () => {
    const seed = 20261123;
    const next = seededRandom(seed);
    const kept: { round: number; expected: Uint8Array; slabParts: Uint8Array[] }[] = [];
    for (let round = 0; round < 200; round++) {
      const gatherMinBytes = 1 + Math.floor(next() * 64);
      const g = new Writer(Math.floor(next() * 8), { gatherMinBytes });
      const plain = new Writer(1);
      // Slab writers interleaved with each other: grows in place and grows by copy both happen.
      const sg = new Writer(Math.floor(next() * 8), { gatherMinBytes, slab: true });
      const sp = new Writer(1, { slab: true });
      g.int32(0); plain.int32(0); sg.int32(0); sp.int32(0);
      const ops = Math.floor(next() * 30);
      for (let i = 0; i < ops; i++) {
        const kind = Math.floor(next() * 6);
        const n = Math.floor(next() * 130);
        const arr = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
        for (const w of [g, plain, sg, sp]) {
          if (kind === 0) w.int64(BigInt(n) * 0x1234567n);
          else if (kind === 1) w.unsignedVarint(n * 1000);
          else if (kind === 2) w.compactString("s".repeat(n % 40) + "é");
          else if (kind === 3) w.bytes(arr);
          else if (kind === 4) w.compactNullableBytes(n % 2 ? arr : null);
          else w.uuid(ZERO_UUID);
        }
      }
      for (const w of [g, plain, sg, sp]) w.patchInt32(0, w.pos);
      const parts = g.finishParts();
      const expected = plain.finish();
      expect({ seed, round, bytes: concat(parts) }).toEqual({ seed, round, bytes: expected });
      expect(parts.every((p) => p.length > 0)).toBe(true);
      const slabOut = [concat(sg.finishParts()), sp.finish()];
      kept.push({ round, expected, slabParts: slabOut });
      expect({ seed, round, bytes: slabOut }).toEqual({ seed, round, bytes: [expected, expected] });
    }
    // Later carves never overwrite earlier outputs that are still held.
    for (const k of kept) expect({ seed, round: k.round, bytes: k.slabParts }).toEqual({ seed, round: k.round, bytes: [k.expected, k.expected] });
  });
});

describe("uuid", () => {
  test("round trips through base64url", () => {
    const raw = bytes(...Array.from({ length: 16 }, (_, i) => i * 17));
    const s = uuidToString(raw);
    expect(s.length).toBe(22);
    expect(uuidToBytes(s)).toEqual(raw);
    expect(uuidToString(new Uint8Array(16))).toBe(ZERO_UUID);
    const w = new Writer(); w.uuid(s);
    expect(new Reader(w.finish()).uuid()).toBe(s);
  });
  test("bad strings are refused", () => {
    expect(() => uuidToBytes("short")).toThrow(StreamBusError);
    expect(() => uuidToBytes("AAAAAAAAAAAAAAAAAAAAA+")).toThrow(StreamBusError);
    expect(() => uuidToBytes("AAAAAAAAAAAAAAAAAAAAAB")).toThrow(StreamBusError); // non-canonical tail bits
  });
});
