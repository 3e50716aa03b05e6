/**
 * The machine's own limits, measured in the same run as the systems: sequential write MB/s to a file in
 * the temp dir with and without fdatasync, small-write fdatasync calls per second, and how often a
 * spinning thread stops running for more than a millisecond (a floor under every latency tail).
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Machine figures for one round. */
export interface MachineLimits {
  seqWriteMBps: number;
  seqWriteFdatasyncMBps: number;
  fdatasyncPerSec: number;
  /** Gaps above {@link STALL_MIN_MS} per second seen by a thread spinning on the clock. */
  cpuStallsPerSec: number;
  /** Share of the spin's wall time lost in those gaps, in percent. */
  cpuStallLostPercent: number;
  cpuStallMaxMs: number;
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

/** A gap between two clock reads longer than this means the spinning thread was not running. */
const STALL_MIN_MS = 1;
const STALL_PROBE_MS = 2_000;

/**
 * Spins this thread on the clock for `probeMs` (allocating nothing, so no collection runs) and counts the
 * gaps above {@link STALL_MIN_MS}: time the thread was runnable but not running. On a VM that includes the
 * host preempting or throttling the vCPU, which guest steal time does not always show. A single-threaded
 * server or client stalls for as long, so these gaps put a floor under p99 latency. `nowMs` is injected by tests.
 */
export function measureCpuStalls(probeMs = STALL_PROBE_MS, nowMs: () => number = () => performance.now()): Pick<MachineLimits, "cpuStallsPerSec" | "cpuStallLostPercent" | "cpuStallMaxMs"> {
  const t0 = nowMs();
  let last = t0;
  let stalls = 0;
  let lostMs = 0;
  let maxMs = 0;
  do {
    const now = nowMs();
    const gap = now - last;
    if (gap > STALL_MIN_MS) {
      stalls++;
      lostMs += gap;
      if (gap > maxMs) maxMs = gap;
    }
    last = now;
  } while (last - t0 < probeMs);
  const wallMs = last - t0;
  return { cpuStallsPerSec: (stalls * 1000) / wallMs, cpuStallLostPercent: (100 * lostMs) / wallMs, cpuStallMaxMs: maxMs };
}

/** Measures the disk limits in `dir` (removes its files afterwards) and the CPU stall floor. */
export function measureLimits(dir: string, totalBytes: number): MachineLimits {
  return {
    seqWriteMBps: seqWrite(join(dir, "seq-nosync"), totalBytes, false),
    seqWriteFdatasyncMBps: seqWrite(join(dir, "seq-sync"), totalBytes, true),
    fdatasyncPerSec: fdatasyncRate(join(dir, "fdatasync-probe")),
    ...measureCpuStalls(),
  };
}
