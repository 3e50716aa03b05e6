import { describe, expect, test } from "bun:test";
import { compressSync as snappyRaw } from "snappy";
import { createCompressionCodecs, DEFAULT_CODECS, compressionName, COMPRESSION_NAMES } from "./compression.ts";
import { StreamBusError } from "./errors.ts";
import { lz4FrameLayout } from "./lz4-frame.ts";
import { randomBytes, seededRandom } from "./record-batch-testkit.ts";
import { compressXerial, isXerial, XERIAL_HEADER_BYTES } from "./snappy-xerial.ts";

const MiB = 1 << 20;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof StreamBusError) return e.code;
    throw e;
  }
  return "no error";
}

describe("every codec", () => {
  const rand = seededRandom(99);
  const samples = [new Uint8Array(0), randomBytes(rand, 1), randomBytes(rand, 70_000), new Uint8Array(300_000)];
  for (const name of COMPRESSION_NAMES) {
    test(`${name}: round trips, and garbage input is CORRUPT_MESSAGE`, () => {
      const codec = DEFAULT_CODECS[name];
      for (const s of samples) {
        if (s.byteLength === 0 && name === "lz4") continue; // lz4 frames of nothing are fine but unused by batches
        expect(Buffer.from(codec.decompress(codec.compress(s), 64 * MiB)).equals(Buffer.from(s))).toBe(true);
      }
      if (name !== "none") expect(codeOf(() => codec.decompress(randomBytes(rand, 500), 64 * MiB))).toBe("CORRUPT_MESSAGE");
    });
  }

  test("levels change gzip and zstd output; out-of-range levels are INVALID_CONFIG", () => {
    const text = new TextEncoder().encode("the quick brown fox jumps over the lazy dog ".repeat(2000) + "0123456789".repeat(3000));
    const fast = createCompressionCodecs({ gzipLevel: 1, zstdLevel: 1 });
    const small = createCompressionCodecs({ gzipLevel: 9, zstdLevel: 19 });
    for (const name of ["gzip", "zstd"] as const) {
      expect(fast[name].compress(text).byteLength).toBeGreaterThan(small[name].compress(text).byteLength);
      expect(Buffer.from(DEFAULT_CODECS[name].decompress(fast[name].compress(text), MiB)).equals(Buffer.from(text))).toBe(true);
    }
    expect(codeOf(() => createCompressionCodecs({ gzipLevel: 10 }))).toBe("INVALID_CONFIG");
    expect(codeOf(() => createCompressionCodecs({ zstdLevel: 23 }))).toBe("INVALID_CONFIG");
  });

  test("ids map to names; 5-7 are unsupported", () => {
    expect([0, 1, 2, 3, 4].map(compressionName)).toEqual(["none", "gzip", "snappy", "lz4", "zstd"]);
    expect(codeOf(() => compressionName(5))).toBe("UNSUPPORTED_COMPRESSION_TYPE");
  });
});

describe("snappy framing", () => {
  const data = randomBytes(seededRandom(3), 100_000);

  test("writes xerial with Java's header and 32 KiB chunks", () => {
    const x = compressXerial(data);
    expect(isXerial(x)).toBe(true);
    expect(Buffer.from(x.subarray(0, XERIAL_HEADER_BYTES)).toString("hex")).toBe("82534e41505059000000000100000001");
    expect(Buffer.from(DEFAULT_CODECS.snappy.compress(data)).equals(Buffer.from(x))).toBe(true);
  });

  test("reads raw snappy as librdkafka and kafkajs-snappy write it", () => {
    const raw = snappyRaw(data);
    expect(isXerial(raw)).toBe(false);
    expect(Buffer.from(DEFAULT_CODECS.snappy.decompress(raw, MiB)).equals(Buffer.from(data))).toBe(true);
  });

  test("a lying length preamble is refused before decompression; truncated chunks are corrupt", () => {
    const raw = new Uint8Array(snappyRaw(data));
    const lie = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x07, ...raw.subarray(3)); // declares 2 GiB
    expect(codeOf(() => DEFAULT_CODECS.snappy.decompress(lie, 64 * MiB))).toBe("MESSAGE_TOO_LARGE");
    expect(codeOf(() => DEFAULT_CODECS.snappy.decompress(raw, 99_999))).toBe("MESSAGE_TOO_LARGE");
    const x = compressXerial(data);
    expect(codeOf(() => DEFAULT_CODECS.snappy.decompress(x.subarray(0, x.length - 1), MiB))).toBe("CORRUPT_MESSAGE");
    expect(codeOf(() => DEFAULT_CODECS.snappy.decompress(x.subarray(0, 18), MiB))).toBe("CORRUPT_MESSAGE");
  });
});

describe("lz4 frame bound", () => {
  test("bounds output from the frame structure, within one block of the truth", () => {
    const zeros = new Uint8Array(3 * MiB);
    const f = DEFAULT_CODECS.lz4.compress(zeros);
    const bound = lz4FrameLayout(f, 64 * MiB).boundBytes;
    expect(bound).toBeGreaterThanOrEqual(zeros.byteLength);
    expect(bound).toBeLessThanOrEqual(zeros.byteLength + 4 * MiB);
    expect(codeOf(() => lz4FrameLayout(f, 2 * MiB))).toBe("MESSAGE_TOO_LARGE");
  });

  test("decodes concatenated frames and skips skippable frames", () => {
    const data = randomBytes(seededRandom(5), 10_000);
    const f = DEFAULT_CODECS.lz4.compress(data);
    const skippable = Uint8Array.of(0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9);
    const both = Buffer.concat([f, skippable, f]);
    expect(DEFAULT_CODECS.lz4.decompress(both, MiB).byteLength).toBe(20_000);
  });

  test("structural lies are CORRUPT_MESSAGE or MESSAGE_TOO_LARGE", () => {
    const f = new Uint8Array(DEFAULT_CODECS.lz4.compress(randomBytes(seededRandom(6), 10_000)));
    const badMagic = f.slice();
    badMagic[0] = 0;
    expect(codeOf(() => DEFAULT_CODECS.lz4.decompress(badMagic, MiB))).toBe("CORRUPT_MESSAGE");
    const bigBlock = f.slice();
    new DataView(bigBlock.buffer).setUint32(7, 0x7fffffff, true); // first block size word
    expect(codeOf(() => DEFAULT_CODECS.lz4.decompress(bigBlock, MiB))).toBe("CORRUPT_MESSAGE");
    const declared = Uint8Array.of(0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(codeOf(() => DEFAULT_CODECS.lz4.decompress(declared, MiB))).toBe("MESSAGE_TOO_LARGE");
  });
});
