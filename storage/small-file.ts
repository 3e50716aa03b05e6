/**
 * Small checkpoint files (recovery point, clean-shutdown marker, log start offset): JSON with a CRC32C,
 * replaced atomically (write `.tmp`, datasync, rename, fsync the directory), so a crash leaves either the
 * old or the new content, and a damaged file reads as absent (the caller then falls back to a full scan).
 */
import { crc32c } from "@node-rs/crc32";
import { dirname } from "node:path";
import type { StorageIO } from "./io.ts";

/** Largest checkpoint file we read; they hold a few numbers. */
const SMALL_FILE_BYTES_MAX = 64 * 1024;

/** Atomically replaces `path` with `value` as checksummed JSON. */
export async function writeSmallFile(io: StorageIO, path: string, value: unknown): Promise<void> {
  const json = Buffer.from(JSON.stringify(value), "utf8");
  const out = Buffer.alloc(4 + json.byteLength);
  out.writeUInt32BE(crc32c(json), 0);
  json.copy(out, 4);
  const tmp = path + ".tmp";
  const f = await io.open(tmp, "create");
  try {
    await f.truncate(0);
    await f.write(out, 0);
    await f.datasync();
  } finally {
    await f.close();
  }
  await io.rename(tmp, path);
  await io.fsyncDir(dirname(path));
}

/** Reads a file written by {@link writeSmallFile}; null when absent, truncated or failing its checksum. */
export async function readSmallFile(io: StorageIO, path: string): Promise<unknown | null> {
  const st = await io.stat(path);
  if (!st || st.sizeBytes < 4 || st.sizeBytes > SMALL_FILE_BYTES_MAX) return null;
  const buf = Buffer.alloc(st.sizeBytes);
  const f = await io.open(path, "r");
  try {
    const n = await f.read(buf, 0, buf.byteLength, 0);
    if (n !== buf.byteLength) return null;
  } finally {
    await f.close();
  }
  const json = buf.subarray(4);
  if (crc32c(json) !== buf.readUInt32BE(0)) return null;
  try {
    return JSON.parse(json.toString("utf8"));
  } catch {
    return null;
  }
}

/** Deletes `path` if present and makes that durable. */
export async function removeSmallFile(io: StorageIO, path: string): Promise<void> {
  if (!(await io.stat(path))) return;
  await io.unlink(path);
  await io.fsyncDir(dirname(path));
}
