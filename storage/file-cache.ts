/**
 * Caps open file descriptors: an LRU of open segment files shared by all partition logs. A file is
 * leased while in use (reference counted) and only closed once idle and least recently used, so a
 * reader never loses its descriptor mid-read.
 */
import { assert } from "../protocol/errors.ts";
import type { OpenMode, StorageFile, StorageIO } from "./io.ts";

/** A file in use; call `release` exactly once when done. */
export interface FileLease {
  readonly file: StorageFile;
  release(): void;
}

interface Entry {
  key: string;
  opening: Promise<StorageFile>;
  file: StorageFile | null;
  refs: number;
  retired: boolean;
}

/** LRU of open files keyed by a caller-chosen key (a segment path plus its generation). */
export class FileCache {
  /** Map order is the LRU order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly io: StorageIO, readonly openFilesMax: number) {
    assert(openFilesMax >= 2, "openFilesMax must be at least 2");
  }

  get openCount(): number { return this.#entries.size; }

  /** Leases the file for `key`, opening `path` if it is not open. */
  async acquire(key: string, path: string, mode: OpenMode): Promise<FileLease> {
    let e = this.#entries.get(key);
    if (e) {
      this.#entries.delete(key); // re-insert: most recently used
      this.#entries.set(key, e);
    } else {
      e = { key, opening: this.io.open(path, mode), file: null, refs: 0, retired: false };
      this.#entries.set(key, e);
    }
    e.refs++;
    const entry = e;
    try {
      entry.file = await entry.opening;
    } catch (err) {
      entry.refs--;
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
      throw err;
    }
    this.#evictIdle();
    let released = false;
    return {
      file: entry.file,
      release: () => {
        assert(!released, "file lease released twice");
        released = true;
        entry.refs--;
        if (entry.retired && entry.refs === 0) void this.#close(entry);
        else this.#evictIdle();
      },
    };
  }

  /** Forgets `key`: its file closes once the last lease is released; the next acquire opens it afresh. */
  retire(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    e.retired = true;
    if (e.refs === 0) void this.#close(e);
  }

  /** Closes every idle file; files still leased close on release. */
  async closeAll(): Promise<void> {
    const all = [...this.#entries.values()];
    this.#entries.clear();
    for (const e of all) {
      e.retired = true;
      if (e.refs === 0) await this.#close(e);
    }
  }

  #evictIdle(): void {
    if (this.#entries.size <= this.openFilesMax) return;
    for (const e of this.#entries.values()) {
      if (this.#entries.size <= this.openFilesMax) break;
      if (e.refs > 0 || !e.file) continue;
      this.#entries.delete(e.key);
      e.retired = true;
      void this.#close(e);
    }
  }

  async #close(e: Entry): Promise<void> {
    const f = e.file ?? (await e.opening.catch(() => null));
    e.file = null;
    // A close failure leaves nothing to recover: the data went through datasync or is reported elsewhere.
    await f?.close().catch(() => undefined);
  }
}
