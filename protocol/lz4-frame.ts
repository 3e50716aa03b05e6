/**
 * LZ4 as Kafka uses it: the LZ4 frame format (magic 0x184D2204) with independent blocks, via lz4-napi.
 *
 * lz4-napi's frame decoder takes no output limit, so before decompressing we walk the frame structure
 * (public LZ4 frame format spec) and compute an upper bound of its output: a stored block yields its own
 * size, a compressed block at most min(block maximum size, 255 x its compressed size) (one input byte of
 * an LZ4 sequence can stand for at most 255 output bytes). The bound exceeds the true size by at most one
 * partly filled block per frame, so a frame within `maxDecompressedBytes - 4 MiB` is never refused.
 */
import { compressFrameSync, decompressFrameSync } from "lz4-napi";
import { checkOutput, codecFailure, type CompressionCodec, concatBytes, tooLarge } from "./compression-codec.ts";
import { StreamBusError } from "./errors.ts";

export const LZ4_FRAME_MAGIC = 0x184d2204;
/** Skippable frames carry magic 0x184D2A50..0x184D2A5F; their payload is ignored by decoders. */
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** Largest output of one compressed LZ4 input byte. */
const LZ4_MAX_RATIO = 255;
/** Block maximum sizes by the BD byte's 3-bit id (ids 0-3 are reserved). */
const BLOCK_MAX_BYTES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

function corrupt(message: string): StreamBusError {
  return new StreamBusError("CORRUPT_MESSAGE", `lz4 frame: ${message}`, { codec: "lz4" });
}

/** What walking the frames found: an output bound and where each LZ4 frame (not skippable ones) lies. */
export interface Lz4FrameLayout {
  boundBytes: number;
  frames: { start: number; end: number }[];
}

/**
 * Walks every frame in `data` and returns an upper bound of the decompressed size and the frames' ranges. Throws CORRUPT_MESSAGE on
 * a structural error (bad magic, reserved bits, a block that overruns the input or its frame's block size),
 * and MESSAGE_TOO_LARGE as soon as the bound or a declared content size passes `maxDecompressedBytes`.
 */
export function lz4FrameLayout(data: Uint8Array, maxDecompressedBytes: number): Lz4FrameLayout {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const need = (pos: number, n: number, what: string) => {
    if (data.byteLength - pos < n) throw corrupt(`${what} truncated at byte ${pos}`);
  };
  let pos = 0;
  let boundBytes = 0;
  const frames: { start: number; end: number }[] = [];
  if (data.byteLength === 0) throw corrupt("empty input");
  while (pos < data.byteLength) {
    need(pos, 4, "magic");
    const magic = dv.getUint32(pos, true);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(pos + 4, 4, "skippable frame size");
      const size = dv.getUint32(pos + 4, true);
      need(pos + 8, size, "skippable frame");
      pos += 8 + size;
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) throw corrupt(`bad magic 0x${magic.toString(16)} at byte ${pos}`);
    need(pos + 4, 3, "frame descriptor");
    const flg = data[pos + 4]!;
    const bd = data[pos + 5]!;
    if (flg >> 6 !== 1 || (flg & 0x02) !== 0 || (bd & 0x8f) !== 0) throw corrupt(`bad frame descriptor at byte ${pos + 4}`);
    const blockMaxBytes = BLOCK_MAX_BYTES[(bd >> 4) & 0x07];
    if (blockMaxBytes === undefined) throw corrupt(`reserved block size id at byte ${pos + 5}`);
    const hasBlockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const hasContentChecksum = (flg & 0x04) !== 0;
    const hasDictId = (flg & 0x01) !== 0;
    let p = pos + 6;
    if (hasContentSize) {
      need(p, 8, "content size");
      const declared = dv.getBigUint64(p, true);
      if (declared > BigInt(maxDecompressedBytes)) throw tooLarge("lz4", maxDecompressedBytes, Number(declared));
      p += 8;
    }
    if (hasDictId) p += 4;
    need(p, 1, "header checksum");
    p += 1;
    for (;;) {
      need(p, 4, "block size");
      const word = dv.getUint32(p, true);
      p += 4;
      if (word === 0) break; // end mark
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > blockMaxBytes) throw corrupt(`block of ${size} bytes exceeds the frame's ${blockMaxBytes}-byte block size`);
      need(p, size + (hasBlockChecksum ? 4 : 0), "block");
      p += size + (hasBlockChecksum ? 4 : 0);
      boundBytes += stored ? size : Math.min(blockMaxBytes, size * LZ4_MAX_RATIO);
      if (boundBytes > maxDecompressedBytes) throw tooLarge("lz4", maxDecompressedBytes, boundBytes);
    }
    if (hasContentChecksum) {
      need(p, 4, "content checksum");
      p += 4;
    }
    frames.push({ start: pos, end: p });
    pos = p;
  }
  return { boundBytes, frames };
}

/** Decompresses LZ4 frames after bounding their output (see the module comment). */
export function decompressLz4(data: Uint8Array, maxDecompressedBytes: number): Uint8Array {
  const { frames } = lz4FrameLayout(data, maxDecompressedBytes);
  try {
    // lz4-napi decodes only the first frame of its input, so concatenated frames are decoded one by one.
    const parts = frames.map((f) => decompressFrameSync(data.subarray(f.start, f.end) as Buffer));
    return checkOutput("lz4", concatBytes(parts), maxDecompressedBytes);
  } catch (e) {
    throw codecFailure("lz4", e, maxDecompressedBytes);
  }
}

/** LZ4 frame codec. lz4-napi writes independent blocks, which Kafka's Java decoder requires. */
export const lz4Codec: CompressionCodec = {
  name: "lz4",
  compress: (data) => compressFrameSync(data as Buffer),
  decompress: decompressLz4,
};
