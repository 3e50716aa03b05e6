/**
 * The codec interface and the error helpers every codec shares. Kept apart from the codec table so codec
 * modules (snappy-xerial.ts, lz4-frame.ts) can use them without an import cycle.
 */
import type { CompressionName } from "./batch-header.ts";
import { StreamBusError } from "./errors.ts";

/** One compression codec. Implementations are stateless and synchronous. */
export interface CompressionCodec {
  readonly name: CompressionName;
  /** Compresses the records section of a batch. */
  compress(data: Uint8Array): Uint8Array;
  /**
   * Decompresses `data`. Throws StreamBusError MESSAGE_TOO_LARGE when the output would pass
   * `maxDecompressedBytes`, CORRUPT_MESSAGE when the input is malformed.
   */
  decompress(data: Uint8Array, maxDecompressedBytes: number): Uint8Array;
}

/** A full codec table, indexed by name. Pass a custom one to swap an implementation (a faster native one, a fake). */
export type CompressionCodecs = Readonly<Record<CompressionName, CompressionCodec>>;

/** Default decompression limit, in bytes: 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Wraps a codec library's failure into our error vocabulary: size-limit aborts vs. malformed input. */
export function codecFailure(codec: CompressionName, e: unknown, maxDecompressedBytes: number): StreamBusError {
  if (e instanceof StreamBusError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ERR_BUFFER_TOO_LARGE") return tooLarge(codec, maxDecompressedBytes);
  const message = e instanceof Error ? e.message : String(e);
  return new StreamBusError("CORRUPT_MESSAGE", `${codec} data cannot be decompressed: ${message}`, { codec }, { cause: e });
}

/** The error for output that would pass the decompression limit. */
export function tooLarge(codec: CompressionName, maxDecompressedBytes: number, declaredBytes?: number): StreamBusError {
  const what = declaredBytes === undefined ? "" : ` (declares ${declaredBytes} bytes)`;
  return new StreamBusError(
    "MESSAGE_TOO_LARGE",
    `${codec} data decompresses to more than maxDecompressedBytes=${maxDecompressedBytes}${what}`,
    { codec, maxDecompressedBytes, declaredBytes },
  );
}

/** Checks the output length of codecs that are bounded before or during decompression (belt and braces). */
export function checkOutput(codec: CompressionName, out: Uint8Array, maxDecompressedBytes: number): Uint8Array {
  if (out.byteLength > maxDecompressedBytes) throw tooLarge(codec, maxDecompressedBytes, out.byteLength);
  return out;
}


/** Joins decompressed parts into one array (runtime-neutral: no Node Buffer global). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out;
}
