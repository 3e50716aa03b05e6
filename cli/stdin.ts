/**
 * Stdin as chunks with real backpressure: each chunk is read only when the consumer asks for it.
 * Bun's own stdin streams read ahead while the consumer waits and then hand over everything at once
 * (chunks of 90 MB were measured while produce waited for acknowledgements), so memory followed the
 * upstream's speed instead of ours. A fixed-size `fs.read` per pull keeps it at one chunk.
 */
import { read } from "node:fs";

/** Bytes per read: big enough for few syscalls, small enough that a pinned chunk costs little. */
export const STDIN_CHUNK_BYTES = 256 * 1024;

function readOnce(fd: number, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, 0, buf.length, null, (e, n) => (e ? reject(e) : resolve(n))));
}

/** Reads `fd` until EOF, one chunk per iteration; a non-blocking descriptor's EAGAIN is waited out. */
export async function* readFd(fd: number, chunkBytes = STDIN_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  for (;;) {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let n: number;
    try {
      n = await readOnce(fd, buf);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      if ((e as NodeJS.ErrnoException).code === "EOF") return;
      throw e;
    }
    if (n === 0) return;
    // A short read keeps only what it filled; the copy frees the rest of the buffer.
    yield n === chunkBytes ? buf : buf.subarray(0, n).slice();
  }
}
