/**
 * The compression codecs of RecordBatch v2 behind one small interface, shared by the SDK (which compresses
 * batches), the broker and tools (which may decompress them to inspect records).
 *
 * Every decompressor takes `maxDecompressedBytes` and never returns, or builds, more than that:
 * - gzip, zstd: node:zlib's `maxOutputLength` aborts the inflate stream once the limit is passed.
 * - snappy: the raw format (and each xerial chunk) declares its uncompressed length up front; it is checked first.
 * - lz4: the frame is walked block by block and bounded before anything is decompressed (see lz4-frame.ts).
 * Bad input gives CORRUPT_MESSAGE, too much output MESSAGE_TOO_LARGE, a codec this runtime lacks
 * UNSUPPORTED_COMPRESSION_TYPE. Nothing here uses Bun globals, so the SDK stays runtime-neutral.
 */
import * as zlib from "node:zlib";
import { Compression, type CompressionName, COMPRESSION_NAMES } from "./batch-header.ts";
import { StreamBusError } from "./errors.ts";
import { checkOutput, codecFailure, type CompressionCodec, type CompressionCodecs } from "./compression-codec.ts";
import { lz4Codec } from "./lz4-frame.ts";
import { snappyCodec } from "./snappy-xerial.ts";

export { Compression, COMPRESSION_NAMES, type CompressionName };
export { DEFAULT_MAX_DECOMPRESSED_BYTES, type CompressionCodec, type CompressionCodecs } from "./compression-codec.ts";

const noneCodec: CompressionCodec = {
  name: "none",
  compress: (data) => data,
  decompress: (data, maxDecompressedBytes) => checkOutput("none", data, maxDecompressedBytes),
};

function gzipCodec(level: number): CompressionCodec {
  return {
    name: "gzip",
    compress: (data) => zlib.gzipSync(data, { level }),
    decompress(data, maxDecompressedBytes) {
      try {
        // gunzip (not unzip): Kafka's gzip is always a gzip stream; multi-member streams are accepted.
        return checkOutput("gzip", zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxDecompressedBytes) }), maxDecompressedBytes);
      } catch (e) {
        throw codecFailure("gzip", e, maxDecompressedBytes);
      }
    },
  };
}

interface ZstdZlib {
  constants: { ZSTD_c_compressionLevel?: number };
  zstdCompressSync?: (data: Uint8Array, options: { params: Record<number, number> }) => Uint8Array;
  zstdDecompressSync?: (data: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;
}

function zstdCodec(level: number): CompressionCodec {
  return {
    name: "zstd",
    compress(data) {
      const z = zlib as unknown as ZstdZlib;
      if (!z.zstdCompressSync || z.constants.ZSTD_c_compressionLevel === undefined) throw noZstd();
      return z.zstdCompressSync(data, { params: { [z.constants.ZSTD_c_compressionLevel]: level } });
    },
    decompress(data, maxDecompressedBytes) {
      const z = zlib as unknown as ZstdZlib;
      if (!z.zstdDecompressSync) throw noZstd();
      try {
        return checkOutput("zstd", z.zstdDecompressSync(data, { maxOutputLength: Math.max(1, maxDecompressedBytes) }), maxDecompressedBytes);
      } catch (e) {
        throw codecFailure("zstd", e, maxDecompressedBytes);
      }
    },
  };
}

function noZstd(): StreamBusError {
  return new StreamBusError("UNSUPPORTED_COMPRESSION_TYPE", "zstd needs node:zlib with zstd (Bun 1.2+, Node 22.15+)");
}

/** Compression levels, as Kafka's producer configs `compression.gzip.level` and `compression.zstd.level` set them. */
export interface CompressionLevels {
  /** 1 (fastest) to 9 (smallest); Kafka's and zlib's default is 6. */
  gzipLevel?: number;
  /** 1 to 22 (negative values trade ratio for speed); Kafka's and zstd's default is 3. */
  zstdLevel?: number;
}

/** Builds a codec table: node:zlib for gzip and zstd (at the given levels), napi-rs snappy and lz4. */
export function createCompressionCodecs(levels: CompressionLevels = {}): CompressionCodecs {
  const gzipLevel = levels.gzipLevel ?? 6;
  const zstdLevel = levels.zstdLevel ?? 3;
  if (!Number.isInteger(gzipLevel) || gzipLevel < 1 || gzipLevel > 9) throw new StreamBusError("INVALID_CONFIG", `gzip level ${gzipLevel} is outside 1..9`);
  if (!Number.isInteger(zstdLevel) || zstdLevel < -131072 || zstdLevel > 22) throw new StreamBusError("INVALID_CONFIG", `zstd level ${zstdLevel} is outside -131072..22`);
  return { none: noneCodec, gzip: gzipCodec(gzipLevel), snappy: snappyCodec, lz4: lz4Codec, zstd: zstdCodec(zstdLevel) };
}

/** The codec table at default levels. Stateless, so sharing it is safe. */
export const DEFAULT_CODECS: CompressionCodecs = createCompressionCodecs();

/** The name of a codec id from attribute bits 0-2; ids 5-7 give UNSUPPORTED_COMPRESSION_TYPE. */
export function compressionName(id: number): CompressionName {
  const name = COMPRESSION_NAMES[id];
  if (name === undefined) throw new StreamBusError("UNSUPPORTED_COMPRESSION_TYPE", `unknown compression codec id ${id}`);
  return name;
}
