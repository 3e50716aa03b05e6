/**
 * The one file-I/O port of StreamBus storage. The partition log, the cleaner and the Raft log do every
 * file operation through {@link StorageIO}, so tests can swap the real disk for the lazy (power-cut)
 * model in io-lazy.ts without touching the code under test.
 *
 * Contract (both implementations):
 * - All calls are async. Syncs, opens, directory operations, writes above {@link INLINE_WRITE_MAX_BYTES}
 *   and reads that may miss the page cache run off the event loop. Two kinds of call run on the calling thread (see RealFile for the
 *   measurements behind it): writes of at most {@link INLINE_WRITE_MAX_BYTES}, and reads the caller marks
 *   as `recent` (bytes it wrote moments ago, so the page cache holds them). Both only copy to or from the
 *   page cache; a round trip through the thread pool costs more than the copy. After one such call was
 *   slow, they too go to the thread pool for a while (inline-gate.ts).
 * - `write` writes every byte or throws (an ENOSPC part-way leaves a partial write: callers truncate back).
 * - `write`/`writev` keep no reference to the caller's bytes once they settle (the lazy model copies them):
 *   appended batches may live in request buffers the broker reuses (broker/net/frame-pool.ts).
 * - Data is durable only after `datasync`/`fsync` of the file; a new, renamed or deleted directory entry is
 *   durable only after `fsyncDir` of its directory.
 * - Paths are absolute or relative to the process; callers join them under an injected root.
 */
import * as fsp from "node:fs/promises";
import { constants, readSync, writeSync, writevSync } from "node:fs";
import { InlineGate } from "./inline-gate.ts";

/** An open file. Positions are byte offsets from the start of the file. */
export interface StorageFile {
  readonly path: string;
  /**
   * Reads up to `length` bytes at `position` into `buf[offset..]`; returns the bytes read (0 at end of file).
   * `recent`: the range was written moments ago (the tail of the active segment), so the read is served from
   * the page cache on the calling thread when it is at most {@link INLINE_READ_MAX_BYTES}.
   */
  read(buf: Uint8Array, offset: number, length: number, position: number, recent?: boolean): Promise<number>;
  /** Writes all of `buf` at `position`. Throws on failure (the file may then hold a partial write). */
  write(buf: Uint8Array, position: number): Promise<void>;
  /** Writes `bufs` back to back at `position` in one call where possible (no concatenating copy). */
  writev(bufs: readonly Uint8Array[], position: number): Promise<void>;
  /** Makes written data (and the size) durable, like fdatasync(2). */
  datasync(): Promise<void>;
  /** Makes written data and all metadata durable, like fsync(2). */
  fsync(): Promise<void>;
  truncate(lengthBytes: number): Promise<void>;
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

/** How to open a file: read only, read-write of an existing file, or read-write creating it if absent. */
export type OpenMode = "r" | "rw" | "create";

export interface FileStat {
  sizeBytes: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** Every file-system operation storage needs. See the module doc for the durability contract. */
export interface StorageIO {
  /** True for the test-only lazy implementation. Shown in logs so nobody mistakes it for a durable setup. */
  readonly unsafeLazy: boolean;
  open(path: string, mode: OpenMode): Promise<StorageFile>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Names (not paths) in a directory. */
  readdir(dir: string): Promise<string[]>;
  mkdir(dir: string): Promise<void>;
  /** Removes a directory and everything in it. */
  rmdir(dir: string): Promise<void>;
  /** Null when the path does not exist. */
  stat(path: string): Promise<FileStat | null>;
  /** Makes directory entries (create, rename, unlink) in `dir` durable. */
  fsyncDir(dir: string): Promise<void>;
}

/**
 * Writes up to this size go to the page cache on the calling thread (see {@link RealFile}). Large: a
 * produced batch is copied to the page cache right after its CRC was checked, while its bytes are still
 * in this core's cache; handed to a pool thread on the other core the same copy cost ~2x the broker CPU
 * per byte (docs/performance.md item 18). A write slower than the gate's limit still sends the next ones
 * to the pool for a while, so a throttled or cold page cache does not hold the loop.
 */
export const INLINE_WRITE_MAX_BYTES = 4 * 1024 * 1024;
/**
 * Inline writes go to the kernel in pieces of at most this size. On this VM, when page-cache pages come
 * fresh from the host, 1 MiB pwrites ran at 287 MB/s against 1,250 MB/s for 64 KiB ones interleaved in the
 * same file (a big write takes big page-cache folios, which come from the memory the host took back);
 * with warm pages 64 KiB pieces cost ~15% against 1 MiB ones (docs/performance.md item 19).
 */
export const WRITE_PIECE_BYTES = 64 * 1024;
/** Reads marked `recent` up to this size are served on the calling thread. */
export const INLINE_READ_MAX_BYTES = 64 * 1024;

/**
 * A file through node:fs. Writes up to {@link INLINE_WRITE_MAX_BYTES} and small recent reads are done on
 * the calling thread: on the broker's latency workload (5,000 x 100 B records/s, acks=1, no fsync) a
 * write through the thread pool took 0.09-0.12 ms median and 1.7-2.3 ms p99 from call to completion seen
 * on the loop, the same write on the loop 0.015 ms median and 0.1 ms p99, and the pool's wake-ups were
 * most of the broker's kernel time; for 1 MB batches the pool's copy from another core's cache doubled
 * the CPU per byte (docs/performance.md). Everything that can wait on the device (syncs, writes above the
 * limit, reads of old data) stays off the loop, and so do inline-sized ones for a while after one was slow
 * (inline-gate.ts).
 */
class RealFile implements StorageFile {
  constructor(readonly path: string, private readonly fh: fsp.FileHandle, private readonly gate: InlineGate) {}

  async read(buf: Uint8Array, offset: number, length: number, position: number, recent = false): Promise<number> {
    if (recent && this.gate.allows(length, INLINE_READ_MAX_BYTES)) return this.gate.timed(length, () => readSync(this.fh.fd, buf, offset, length, position));
    const { bytesRead } = await this.fh.read(buf, offset, length, position);
    return bytesRead;
  }

  async write(buf: Uint8Array, position: number): Promise<void> {
    if (this.gate.allows(buf.byteLength, INLINE_WRITE_MAX_BYTES)) {
      this.gate.timed(buf.byteLength, () => this.#writeInline(buf, position));
      return;
    }
    let done = 0;
    while (done < buf.byteLength) {
      const { bytesWritten } = await this.fh.write(buf, done, buf.byteLength - done, position + done);
      // A zero-byte write would loop forever; the kernel reports ENOSPC instead, but be explicit.
      if (bytesWritten <= 0) throw Object.assign(new Error(`write of ${this.path} made no progress`), { code: "ENOSPC" });
      done += bytesWritten;
    }
  }

  /**
   * pwrite(2) on this thread, {@link WRITE_PIECE_BYTES} at a time, until every byte is written (a short
   * write continues where it stopped). Returns the bytes written (all of them).
   */
  #writeInline(buf: Uint8Array, position: number): number {
    let done = 0;
    while (done < buf.byteLength) {
      const n = writeSync(this.fh.fd, buf, done, Math.min(WRITE_PIECE_BYTES, buf.byteLength - done), position + done);
      if (n <= 0) throw Object.assign(new Error(`write of ${this.path} made no progress`), { code: "ENOSPC" });
      done += n;
    }
    return done;
  }

  /**
   * A vectored write on this thread: neighbouring buffers that fit in {@link WRITE_PIECE_BYTES} together go
   * in one pwritev(2), bigger buffers in pieces. Stops at a short pwritev and returns the bytes written
   * (the caller finishes).
   */
  #writevInline(bufs: readonly Uint8Array[], position: number): number {
    let written = 0;
    for (let i = 0; i < bufs.length; ) {
      if (bufs[i]!.byteLength > WRITE_PIECE_BYTES) {
        written += this.#writeInline(bufs[i++]!, position + written);
        continue;
      }
      let end = i + 1;
      let runBytes = bufs[i]!.byteLength;
      while (end < bufs.length && runBytes + bufs[end]!.byteLength <= WRITE_PIECE_BYTES) runBytes += bufs[end++]!.byteLength;
      const run = i === 0 && end === bufs.length ? bufs : bufs.slice(i, end);
      const n = writevSync(this.fh.fd, run as Uint8Array[], position + written);
      written += n;
      if (n < runBytes) return written;
      i = end;
    }
    return written;
  }

  async writev(bufs: readonly Uint8Array[], position: number): Promise<void> {
    const total = bufs.reduce((n, b) => n + b.byteLength, 0);
    const bytesWritten = this.gate.allows(total, INLINE_WRITE_MAX_BYTES)
      ? this.gate.timed(total, () => this.#writevInline(bufs, position))
      : (await this.fh.writev(bufs as Uint8Array[], position)).bytesWritten;
    if (bytesWritten === total) return;
    // A short vectored write: finish the rest buffer by buffer from where it stopped.
    let skip = bytesWritten;
    let pos = position + bytesWritten;
    for (const b of bufs) {
      if (skip >= b.byteLength) {
        skip -= b.byteLength;
        continue;
      }
      const rest = b.subarray(skip);
      skip = 0;
      await this.write(rest, pos);
      pos += rest.byteLength;
    }
  }

  datasync(): Promise<void> { return this.fh.datasync(); }
  fsync(): Promise<void> { return this.fh.sync(); }
  truncate(lengthBytes: number): Promise<void> { return this.fh.truncate(lengthBytes); }
  async sizeBytes(): Promise<number> { return (await this.fh.stat()).size; }
  close(): Promise<void> { return this.fh.close(); }
}

/** The real disk, through node:fs/promises (runs syscalls off the event loop thread). */
export class RealIO implements StorageIO {
  readonly unsafeLazy = false;
  /** Shared by every file opened here: a stalled disk stalls them all. */
  readonly inlineGate: InlineGate;

  constructor(gate: InlineGate = new InlineGate()) {
    this.inlineGate = gate;
  }

  async open(path: string, mode: OpenMode): Promise<StorageFile> {
    const flags = mode === "r" ? constants.O_RDONLY : mode === "rw" ? constants.O_RDWR : constants.O_RDWR | constants.O_CREAT;
    return new RealFile(path, await fsp.open(path, flags, 0o644), this.inlineGate);
  }
  rename(from: string, to: string): Promise<void> { return fsp.rename(from, to); }
  unlink(path: string): Promise<void> { return fsp.unlink(path); }
  readdir(dir: string): Promise<string[]> { return fsp.readdir(dir); }
  async mkdir(dir: string): Promise<void> { await fsp.mkdir(dir, { recursive: true }); }
  rmdir(dir: string): Promise<void> { return fsp.rm(dir, { recursive: true, force: true }); }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const s = await fsp.stat(path);
      return { sizeBytes: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  async fsyncDir(dir: string): Promise<void> {
    const fh = await fsp.open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

/** Env var that switches child processes to the lazy, NOT durable, test-only I/O. Never set it in production. */
export const UNSAFE_LAZY_IO_ENV = "STREAMBUS_UNSAFE_LAZY_IO";

export interface CreateIOOptions {
  /** Test only: keep written bytes in memory until datasync/fsync, so a SIGKILL acts like a power cut. */
  unsafeLazy?: boolean;
  /** Where to read {@link UNSAFE_LAZY_IO_ENV} from; defaults to an empty environment (explicit opt-in). */
  env?: Record<string, string | undefined>;
}

/**
 * Picks the I/O implementation: real unless `unsafeLazy` is set or the given env has
 * `STREAMBUS_UNSAFE_LAZY_IO=1`.
 *
 * @example
 * const io = await createStorageIO({ env: process.env }); // lazy only if the test harness asked for it
 */
export async function createStorageIO(options: CreateIOOptions = {}): Promise<StorageIO> {
  const lazy = options.unsafeLazy === true || options.env?.[UNSAFE_LAZY_IO_ENV] === "1";
  if (!lazy) return new RealIO();
  const { LazyIO } = await import("./io-lazy.ts");
  return new LazyIO(new RealIO());
}

/** True when `e` is a Node errno error with this code. */
export function isErrno(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && (e as NodeJS.ErrnoException).code === code;
}
