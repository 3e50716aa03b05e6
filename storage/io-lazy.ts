/**
 * TEST-ONLY, NOT DURABLE. A {@link StorageIO} that keeps every written byte and truncate in process memory
 * (per file path) until `datasync`/`fsync` of that file, then applies them to the real file and syncs it.
 * A SIGKILL therefore loses exactly the un-synced suffix, like a power cut on a disk without a write cache,
 * and a crash test can prove that nothing acknowledged depended on unsynced data.
 *
 * Modelled: lost file data (writes, truncates) not yet synced. Not modelled: lost directory entries
 * (create/rename/unlink are applied at once), reordered or torn sector writes.
 * Memory: pending bytes grow until the next sync; callers under test sync often.
 */
import type { FileStat, OpenMode, StorageFile, StorageIO } from "./io.ts";

type PendingOp = { kind: "write"; position: number; data: Uint8Array } | { kind: "truncate"; lengthBytes: number };

/** Pending, unsynced changes of one path, shared by every handle open on it (like the page cache). */
class PendingFile {
  ops: PendingOp[] = [];
}

class LazyFile implements StorageFile {
  constructor(
    readonly path: string,
    private readonly real: StorageFile,
    private readonly pendingOf: () => PendingFile,
  ) {}

  async sizeBytes(): Promise<number> {
    let size = await this.real.sizeBytes();
    for (const op of this.pendingOf().ops) {
      size = op.kind === "truncate" ? op.lengthBytes : Math.max(size, op.position + op.data.byteLength);
    }
    return size;
  }

  async read(buf: Uint8Array, offset: number, length: number, position: number, recent = false): Promise<number> {
    const realRead = await this.real.read(buf, offset, length, position, recent);
    buf.fill(0, offset + realRead, offset + length); // beyond the real end, only pending writes (or holes) exist
    let size = await this.real.sizeBytes();
    // Replay the pending ops over the window [position, position+length), in order.
    for (const op of this.pendingOf().ops) {
      if (op.kind === "truncate") {
        size = op.lengthBytes;
        const keep = Math.max(0, Math.min(length, size - position));
        buf.fill(0, offset + keep, offset + length);
        continue;
      }
      const end = op.position + op.data.byteLength;
      size = Math.max(size, end);
      const from = Math.max(op.position, position);
      const to = Math.min(end, position + length);
      if (from < to) buf.set(op.data.subarray(from - op.position, to - op.position), offset + from - position);
    }
    return Math.max(0, Math.min(length, size - position));
  }

  async write(buf: Uint8Array, position: number): Promise<void> {
    this.pendingOf().ops.push({ kind: "write", position, data: Uint8Array.from(buf) });
  }

  async writev(bufs: readonly Uint8Array[], position: number): Promise<void> {
    let pos = position;
    for (const b of bufs) {
      await this.write(b, pos);
      pos += b.byteLength;
    }
  }

  async truncate(lengthBytes: number): Promise<void> {
    this.pendingOf().ops.push({ kind: "truncate", lengthBytes });
  }

  async datasync(): Promise<void> {
    const pending = this.pendingOf();
    const ops = pending.ops;
    pending.ops = [];
    for (const op of ops) {
      if (op.kind === "truncate") await this.real.truncate(op.lengthBytes);
      else await this.real.write(op.data, op.position);
    }
    await this.real.datasync();
  }

  fsync(): Promise<void> { return this.datasync(); }
  close(): Promise<void> { return this.real.close(); }
}

/** See the module doc. Wraps a real {@link StorageIO} for everything but unsynced file data. */
export class LazyIO implements StorageIO {
  readonly unsafeLazy = true;
  readonly #pending = new Map<string, PendingFile>();

  constructor(private readonly real: StorageIO) {}

  #pendingOf(path: string): PendingFile {
    let p = this.#pending.get(path);
    if (!p) this.#pending.set(path, (p = new PendingFile()));
    return p;
  }

  async open(path: string, mode: OpenMode): Promise<StorageFile> {
    const real = await this.real.open(path, mode);
    // Look the pending state up per call, so a rename moves it with the file.
    return new LazyFile(path, real, () => this.#pendingOf(path));
  }

  async rename(from: string, to: string): Promise<void> {
    await this.real.rename(from, to);
    const p = this.#pending.get(from);
    this.#pending.delete(from);
    if (p) this.#pending.set(to, p);
    else this.#pending.delete(to);
  }

  async unlink(path: string): Promise<void> {
    await this.real.unlink(path);
    this.#pending.delete(path);
  }

  readdir(dir: string): Promise<string[]> { return this.real.readdir(dir); }
  mkdir(dir: string): Promise<void> { return this.real.mkdir(dir); }

  async rmdir(dir: string): Promise<void> {
    await this.real.rmdir(dir);
    for (const path of [...this.#pending.keys()]) if (path.startsWith(dir + "/")) this.#pending.delete(path);
  }

  async stat(path: string): Promise<FileStat | null> {
    const s = await this.real.stat(path);
    if (!s || s.isDirectory) return s;
    const f = await this.open(path, "r");
    try {
      return { ...s, sizeBytes: await f.sizeBytes() };
    } finally {
      await f.close();
    }
  }

  fsyncDir(dir: string): Promise<void> { return this.real.fsyncDir(dir); }
}
