/** Builds and checks the compaction fixture: 100k records over 1k keys, values naming their offset. */
import { validateBatches } from "../../protocol/batch-header.ts";
import { RealIO } from "../../storage/io.ts";
import { PartitionLog } from "../../storage/log.ts";
import { readRecords } from "../../storage/record-keys.ts";
import { makeBatch } from "../../storage/testing/make-batch.ts";
import { seededRandom } from "./storage-random.ts";

export const COMPACT_CONFIG = { segmentBytes: 256 * 1024, indexIntervalBytes: 4096, cleanupPolicy: "compact" as const };
const clock = { nowMs: () => 1_700_000_000_000 };

/** Writes the fixture into `dir`; returns the newest value per key. Key 7's newest record is a tombstone. */
export async function buildFixture(dir: string, seed: number): Promise<Map<string, string | null>> {
  const rand = seededRandom(seed);
  const log = await PartitionLog.open({ dir, io: new RealIO(), clock, config: { ...COMPACT_CONFIG, flushPolicy: "never" } });
  const newest = new Map<string, string | null>();
  let offset = 0;
  for (let b = 0; b < 1000; b++) {
    const records = Array.from({ length: 100 }, () => {
      // The last batches touch only half the keys, so the other half's newest records stay in closed segments.
      const key = `k${Math.floor(rand() * (b >= 850 ? 500 : 1000))}`;
      const value = key === "k7" && b > 900 ? null : `v${offset}-${key}`;
      newest.set(key, value);
      offset++;
      return { key, value };
    });
    await log.append(makeBatch(records, { baseTimestampMs: 1_600_000_000_000 }));
  }
  await log.close();
  return newest;
}

/** Reads the whole log; checks offsets increase and returns the last value a reader sees per key. */
export async function readNewest(dir: string): Promise<{ newest: Map<string, string | null>; records: number; segments: number }> {
  const log = await PartitionLog.open({ dir, io: new RealIO(), clock, config: COMPACT_CONFIG });
  const newest = new Map<string, string | null>();
  let records = 0;
  let lastOffset = -1;
  try {
    for (let at = log.logStartOffset; at < log.highWatermark; ) {
      const r = await log.read(at, 1 << 20);
      if (r.bytes.byteLength === 0) break;
      let pos = 0;
      for (const h of validateBatches(r.bytes, { maxBatchBytes: 1 << 20 })) {
        for (const rec of readRecords(r.bytes.subarray(pos, pos + h.sizeBytes))) {
          const off = Number(h.baseOffset) + rec.offsetDelta;
          if (off <= lastOffset) throw new Error(`offsets not increasing: ${off} after ${lastOffset}`);
          lastOffset = off;
          const key = Buffer.from(rec.key!).toString();
          const value = rec.value ? Buffer.from(rec.value).toString() : null;
          if (value !== null && !value.endsWith(`-${key}`)) throw new Error(`record at ${off} has value ${value} for key ${key}`);
          if (value !== null && Number(value.slice(1, value.indexOf("-"))) !== off) throw new Error(`record at ${off} carries value ${value}`);
          newest.set(key, value);
          records++;
        }
        pos += h.sizeBytes;
      }
      at = r.nextOffset;
    }
    return { newest, records, segments: log.segmentCount };
  } finally {
    await log.close();
  }
}
