/**
 * Turns the records blob of one Fetch partition into consumer records. Pure.
 *
 * - A fetch may end mid-batch (brokers cut at maxBytes): the partial tail is ignored and fetched again.
 * - A batch may start before the requested offset (compressed batches are returned whole): records
 *   below the position are skipped.
 * - Control batches (transaction markers) are skipped but still advance the position.
 * - `onlyPartial` tells the caller nothing whole fit in `partitionMaxBytes`, so it should ask for more.
 */
import { DEFAULT_RECORD_BATCH_LIMITS, decodeRecordBatches, type RecordBatchLimits } from "../protocol/record-batch.ts";
import type { ConsumerRecord } from "./types.ts";

export interface DecodedFetch {
  records: ConsumerRecord<Uint8Array, Uint8Array>[];
  /** The offset to fetch next. */
  nextOffset: bigint;
  /** Bytes of whole batches decoded. */
  byteCount: number;
  /** True when the blob held bytes but not one whole batch. */
  onlyPartial: boolean;
}

/**
 * @example
 * const { records, nextOffset } = decodeFetchedRecords("orders", 0, blob, 42n);
 */
export function decodeFetchedRecords(
  topic: string, partition: number, blob: Uint8Array | null, position: bigint, limits: RecordBatchLimits = DEFAULT_RECORD_BATCH_LIMITS,
): DecodedFetch {
  const out: DecodedFetch = { records: [], nextOffset: position, byteCount: 0, onlyPartial: false };
  if (blob === null || blob.byteLength === 0) return out;
  const batches = decodeRecordBatches(blob, limits);
  out.onlyPartial = batches.length === 0;
  for (const b of batches) {
    out.byteCount += b.sizeBytes;
    const lastOffset = b.baseOffset + BigInt(b.lastOffsetDelta);
    if (lastOffset < out.nextOffset) continue;
    if (!b.control) {
      for (const r of b.records) {
        if (r.offset < out.nextOffset) continue;
        out.records.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
      }
    }
    out.nextOffset = lastOffset + 1n;
  }
  return out;
}
