/**
 * The machine's own limits, measured in the same run as the systems: sequential write MB/s to a file in
 * the temp dir with and without fdatasync, and small-write fdatasync calls per second.
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Disk figures for one round. */
export interface DiskLimits {
  seqWriteMBps: number;
  seqWriteFdatasyncMBps: number;
  fdatasyncPerSec: number;
}

const WRITE_CHUNK_BYTES = 1024 * 1024;
/** One fdatasync per this many bytes for the synced sequential write (a group commit of decent size). */
const SYNC_EVERY_BYTES = 1024 * 1024;
const SYNC_PROBE_MS = 1_000;
const SYNC_PROBE_CALLS_MAX = 100_000;

function seqWrite(path: string, totalBytes: number, sync: boolean): number {
  const fd = openSync(path, "w");
  const chunk = new Uint8Array(WRITE_CHUNK_BYTES).fill(120);
  const t0 = performance.now();
  let written = 0;
  let sinceSync = 0;
  while (written < totalBytes) {
    written += writeSync(fd, chunk);
    sinceSync += WRITE_CHUNK_BYTES;
    if (sync && sinceSync >= SYNC_EVERY_BYTES) {
      fdatasyncSync(fd);
      sinceSync = 0;
    }
  }
  if (sync) fdatasyncSync(fd);
  const secs = (performance.now() - t0) / 1000;
  closeSync(fd);
  rmSync(path, { force: true });
  return written / secs / 1e6;
}

function fdatasyncRate(path: string): number {
  const fd = openSync(path, "w");
  const block = new Uint8Array(4096).fill(120);
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < SYNC_PROBE_MS && calls < SYNC_PROBE_CALLS_MAX) {
    writeSync(fd, block);
    fdatasyncSync(fd);
    calls++;
  }
  const secs = (performance.now() - t0) / 1000;
  closeSync(fd);
  rmSync(path, { force: true });
  return calls / secs;
}

/** Measures the disk limits in `dir` (removes its files afterwards). */
export function measureDisk(dir: string, totalBytes: number): DiskLimits {
  return {
    seqWriteMBps: seqWrite(join(dir, "seq-nosync"), totalBytes, false),
    seqWriteFdatasyncMBps: seqWrite(join(dir, "seq-sync"), totalBytes, true),
    fdatasyncPerSec: fdatasyncRate(join(dir, "fdatasync-probe")),
  };
}
