/**
 * Kafka framing: every request and response is a 4-byte big-endian length, then that many bytes.
 * The length is checked (negative, or above maxFrameBytes) before any buffer is sized by it. A frame
 * that spans chunks is collected into one buffer of its size when it is at most `preallocMaxBytes`
 * (one copy of each byte; a fresh buffer's pages are only touched as bytes arrive); a larger one is
 * kept as the parts that actually arrived and joined at the end, so a peer claiming a huge frame costs
 * little until it sends the bytes.
 */
import { StreamBusError, assert } from "./errors.ts";
import { joinBytes, uninitializedBytes } from "./uninitialized.ts";

/** Bytes of the length prefix. */
export const FRAME_LENGTH_BYTES = 4;

/** Reads and checks the length prefix at `pos` (the caller ensures 4 bytes are there). */
export function readFrameLength(buf: Uint8Array, pos: number, maxFrameBytes: number): number {
  assert(pos + FRAME_LENGTH_BYTES <= buf.length, "four length bytes are available");
  const n = ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) | 0;
  if (n < 0) throw new StreamBusError("MALFORMED_FRAME", `frame length ${n} is negative`);
  if (n > maxFrameBytes) throw new StreamBusError("FRAME_TOO_LARGE", `frame of ${n} bytes exceeds maxFrameBytes ${maxFrameBytes}`, { frameBytes: n, maxFrameBytes });
  return n;
}

/** Default for {@link FrameSplitter}'s `preallocMaxBytes`: covers fetch responses of the usual sizes. */
export const FRAME_PREALLOC_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Splits a TCP byte stream into frame bodies (length prefix removed).
 *
 * Frames that arrive whole inside one chunk are returned as subarrays of that chunk (no copy);
 * a frame that spans chunks is copied together. Buffered partial data is always copied, so the
 * transport may reuse its chunk buffers once `push` returns, provided it is done with the frames.
 * After an error the stream is unusable: close the connection.
 *
 * @example
 * const splitter = new FrameSplitter(limits.maxFrameBytes);
 * socket.on("data", (chunk) => { for (const frame of splitter.push(chunk)) handle(decodeRequest(frame)); });
 */
export class FrameSplitter {
  readonly maxFrameBytes: number;
  readonly #head = new Uint8Array(FRAME_LENGTH_BYTES);
  #headFilledBytes = 0;
  /** Body length of the frame being collected, or -1 while its length prefix is incomplete. */
  #bodyBytes = -1;
  /** The pending frame's body when preallocated (parts stay empty then). */
  #body: Uint8Array | null = null;
  #parts: Uint8Array[] = [];
  #partsBytes = 0;
  readonly #preallocMaxBytes: number;

  constructor(maxFrameBytes: number, preallocMaxBytes = FRAME_PREALLOC_MAX_BYTES) {
    assert(Number.isSafeInteger(maxFrameBytes) && maxFrameBytes >= 0 && maxFrameBytes <= 0x7fffffff, "maxFrameBytes fits an int32");
    assert(Number.isSafeInteger(preallocMaxBytes) && preallocMaxBytes >= 0, "preallocMaxBytes is a byte count");
    this.maxFrameBytes = maxFrameBytes;
    this.#preallocMaxBytes = preallocMaxBytes;
  }

  /** Bytes held for an incomplete frame (at most 4 + maxFrameBytes). */
  bufferedBytes(): number {
    return this.#headFilledBytes + this.#partsBytes;
  }

  /** Feeds one chunk; returns the frame bodies it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let pos = 0;
    if (this.#headFilledBytes > 0 || this.#bodyBytes >= 0) {
      pos = this.#continuePending(chunk, frames);
      if (this.#headFilledBytes > 0 || this.#bodyBytes >= 0) return frames;
    }
    // Fast path: whole frames straight out of the chunk.
    while (chunk.length - pos >= FRAME_LENGTH_BYTES) {
      const n = readFrameLength(chunk, pos, this.maxFrameBytes);
      if (chunk.length - pos - FRAME_LENGTH_BYTES < n) break;
      frames.push(chunk.subarray(pos + FRAME_LENGTH_BYTES, pos + FRAME_LENGTH_BYTES + n));
      pos += FRAME_LENGTH_BYTES + n;
    }
    if (pos < chunk.length) this.#continuePending(chunk.subarray(pos), frames);
    return frames;
  }

  /** Adds bytes to the pending frame; returns how many bytes of `chunk` it used. */
  #continuePending(chunk: Uint8Array, frames: Uint8Array[]): number {
    let pos = 0;
    if (this.#bodyBytes < 0) {
      const take = Math.min(FRAME_LENGTH_BYTES - this.#headFilledBytes, chunk.length);
      this.#head.set(chunk.subarray(0, take), this.#headFilledBytes);
      this.#headFilledBytes += take;
      pos = take;
      if (this.#headFilledBytes < FRAME_LENGTH_BYTES) return pos;
      this.#bodyBytes = readFrameLength(this.#head, 0, this.maxFrameBytes);
      this.#headFilledBytes = 0;
      // Only a frame that does not end in this chunk needs collecting; one that does is returned as a view.
      if (this.#bodyBytes <= this.#preallocMaxBytes && chunk.length - pos < this.#bodyBytes) this.#body = uninitializedBytes(this.#bodyBytes);
    }
    const take = Math.min(this.#bodyBytes - this.#partsBytes, chunk.length - pos);
    if (take > 0) {
      // Copied either way: the transport may reuse `chunk`.
      if (this.#body) this.#body.set(chunk.subarray(pos, pos + take), this.#partsBytes);
      else this.#parts.push(chunk.slice(pos, pos + take));
      this.#partsBytes += take;
      pos += take;
    }
    if (this.#partsBytes === this.#bodyBytes) {
      frames.push(this.#body ?? (this.#partsBytes === 0 ? new Uint8Array(0) : joinBytes(this.#parts, this.#partsBytes)));
      this.#body = null;
      this.#parts = [];
      this.#partsBytes = 0;
      this.#bodyBytes = -1;
    }
    return pos;
  }
}
