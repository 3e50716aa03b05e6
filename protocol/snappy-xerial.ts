/**
 * Snappy as Kafka clients use it. Two shapes exist on the wire:
 * - raw snappy (librdkafka, sarama, kafkajs-snappy write this): a varint uncompressed length, then the block;
 * - xerial framing (Kafka's Java client writes this): magic `\x82SNAPPY\0`, int32 version 1, int32 compatible
 *   version 1, then chunks of big-endian int32 length + raw snappy block.
 * Every reader we interoperate with (Java, librdkafka, kafkajs-snappy) detects the xerial magic and accepts
 * both, so we write xerial, byte-compatible with the Java client's output, and read either.
 * Both shapes declare each block's uncompressed length before its data, so bombs are rejected before any
 * decompression work or allocation.
 */
import { compressSync, uncompressSync } from "snappy";
import { checkOutput, codecFailure, type CompressionCodec, concatBytes, tooLarge } from "./compression-codec.ts";
import { StreamBusError } from "./errors.ts";
import { readUnsignedVarint } from "./varint.ts";

/** `\x82SNAPPY\0`: the xerial stream magic. */
export const XERIAL_MAGIC = Uint8Array.of(0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00);
/** Magic + version + compatible version. */
export const XERIAL_HEADER_BYTES = 16;
/** Uncompressed bytes per xerial chunk; the Java client's SnappyOutputStream default block size. */
export const XERIAL_CHUNK_BYTES = 32 * 1024;

/** True when `data` starts with the xerial header magic. */
export function isXerial(data: Uint8Array): boolean {
  if (data.byteLength < XERIAL_HEADER_BYTES) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** Wraps `data` in xerial framing, compressing it in chunks of `chunkBytes`. */
export function compressXerial(data: Uint8Array, chunkBytes = XERIAL_CHUNK_BYTES): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = XERIAL_HEADER_BYTES;
  for (let pos = 0; pos < data.byteLength; pos += chunkBytes) {
    const c = compressSync(data.subarray(pos, pos + chunkBytes));
    chunks.push(c);
    total += 4 + c.byteLength;
  }
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(XERIAL_MAGIC, 0);
  dv.setInt32(8, 1);
  dv.setInt32(12, 1);
  let pos = XERIAL_HEADER_BYTES;
  for (const c of chunks) {
    dv.setInt32(pos, c.byteLength);
    out.set(c, pos + 4);
    pos += 4 + c.byteLength;
  }
  return out;
}

/** Splits a xerial stream into its raw snappy chunks, checking every length against the input. */
export function xerialChunks(data: Uint8Array): Uint8Array[] {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const chunks: Uint8Array[] = [];
  let pos = XERIAL_HEADER_BYTES;
  while (pos < data.byteLength) {
    if (data.byteLength - pos < 4) throw corrupt(`xerial chunk length truncated at byte ${pos}`);
    const len = dv.getInt32(pos);
    pos += 4;
    if (len < 0 || len > data.byteLength - pos) throw corrupt(`xerial chunk of ${len} bytes at byte ${pos - 4} overruns the input`);
    chunks.push(data.subarray(pos, pos + len));
    pos += len;
  }
  return chunks;
}

/** The uncompressed length a raw snappy block declares in its varint preamble. */
export function rawSnappyLength(block: Uint8Array): number {
  try {
    return readUnsignedVarint(block, 0).value;
  } catch (e) {
    throw corrupt("snappy length preamble is malformed", e);
  }
}

/** Decompresses raw or xerial-framed snappy, refusing output past `maxDecompressedBytes` before decompressing. */
export function decompressSnappy(data: Uint8Array, maxDecompressedBytes: number): Uint8Array {
  const blocks = isXerial(data) ? xerialChunks(data) : [data];
  let declaredBytes = 0;
  for (const b of blocks) {
    declaredBytes += rawSnappyLength(b);
    if (declaredBytes > maxDecompressedBytes) throw tooLarge("snappy", maxDecompressedBytes, declaredBytes);
  }
  try {
    // One block (raw snappy, or a small xerial stream) is returned as is: no copy.
    const out = concatBytes(blocks.map((b) => uncompressSync(b) as Uint8Array));
    if (out.byteLength !== declaredBytes) throw corrupt(`snappy output is ${out.byteLength} bytes, declared ${declaredBytes}`);
    return checkOutput("snappy", out, maxDecompressedBytes);
  } catch (e) {
    throw codecFailure("snappy", e, maxDecompressedBytes);
  }
}

function corrupt(message: string, cause?: unknown): StreamBusError {
  return new StreamBusError("CORRUPT_MESSAGE", message, { codec: "snappy" }, { cause });
}

/** Snappy codec: writes xerial framing, reads raw or xerial. */
export const snappyCodec: CompressionCodec = {
  name: "snappy",
  compress: (data) => compressXerial(data),
  decompress: decompressSnappy,
};
