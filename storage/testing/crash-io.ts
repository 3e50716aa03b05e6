/**
 * Test helper: a {@link StorageIO} that remembers which files are open, so a test can stop a log the way a
 * crashed process stops: `crash()` closes every file still open (as the kernel does at exit) without
 * running any of the log's own shutdown steps (no clean-shutdown marker, no index flush).
 *
 * Leaving the files open and dropping the log instead is not the same thing: the open handles would be
 * closed later by the garbage collector, which Bun treats as an uncaught error. Not used by production code.
 *
 * @example
 * const io = new CrashIO(new RealIO());
 * const log = await PartitionLog.open({ dir, io, clock, config: {} });
 * await log.append(batch);
 * await io.crash(); // the log is now as a killed broker left it
 */
import type { FileStat, OpenMode, StorageFile, StorageIO } from "../io.ts";

export class CrashIO implements StorageIO {
  readonly #open = new Set<StorageFile>();
  #crashed = false;

  constructor(private readonly real: StorageIO) {}

  get unsafeLazy(): boolean { return this.real.unsafeLazy; }

  /** Files opened through this IO and not closed yet. */
  get openCount(): number { return this.#open.size; }

  async open(path: string, mode: OpenMode): Promise<StorageFile> {
    if (this.#crashed) throw new Error(`CrashIO: open(${path}) after crash()`);
    const file = new TrackedFile(await this.real.open(path, mode), this.#open);
    this.#open.add(file);
    return file;
  }

  /** Closes every file still open, as process exit would; the log that used them must not be used again. */
  async crash(): Promise<void> {
    this.#crashed = true;
    await Promise.all([...this.#open].map((f) => f.close()));
  }

  rename(from: string, to: string): Promise<void> { return this.real.rename(from, to); }
  unlink(path: string): Promise<void> { return this.real.unlink(path); }
  readdir(dir: string): Promise<string[]> { return this.real.readdir(dir); }
  mkdir(dir: string): Promise<void> { return this.real.mkdir(dir); }
  rmdir(dir: string): Promise<void> { return this.real.rmdir(dir); }
  stat(path: string): Promise<FileStat | null> { return this.real.stat(path); }
  fsyncDir(dir: string): Promise<void> { return this.real.fsyncDir(dir); }
}

/** Delegates to the real file; its close() (the log's own, or crash()'s) closes once and forgets it. */
class TrackedFile implements StorageFile {
  constructor(private readonly real: StorageFile, private readonly openSet: Set<StorageFile>) {}

  get path(): string { return this.real.path; }
  read(buf: Uint8Array, offset: number, length: number, position: number, recent?: boolean): Promise<number> { return this.real.read(buf, offset, length, position, recent); }
  write(buf: Uint8Array, position: number): Promise<void> { return this.real.write(buf, position); }
  writev(bufs: readonly Uint8Array[], position: number): Promise<void> { return this.real.writev(bufs, position); }
  datasync(): Promise<void> { return this.real.datasync(); }
  fsync(): Promise<void> { return this.real.fsync(); }
  truncate(lengthBytes: number): Promise<void> { return this.real.truncate(lengthBytes); }
  sizeBytes(): Promise<number> { return this.real.sizeBytes(); }

  async close(): Promise<void> {
    if (this.openSet.delete(this)) await this.real.close();
  }
}
