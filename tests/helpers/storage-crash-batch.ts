import { rewriteBatchOffsets } from "../../protocol/batch-header.ts";
import { makeBatch } from "../../storage/testing/make-batch.ts";

/** The batch a crash-test writer appends for `id`: deterministic, so the checker can rebuild its exact bytes. */
export function crashBatch(id: string): Buffer {
  const n = 1 + (id.length % 4);
  const records = Array.from({ length: n }, (_, i) => ({ key: i === 0 ? id : null, value: `${id}:${i}:`.padEnd(300, "x") }));
  return makeBatch(records, { baseTimestampMs: 1_700_000_000_000 + id.length });
}

/** `crashBatch(id)` as stored at `baseOffset` (offset rewritten, leader epoch unchanged). */
export function storedCrashBatch(id: string, baseOffset: bigint): Buffer {
  const b = crashBatch(id);
  rewriteBatchOffsets(b, 0, baseOffset, 0);
  return b;
}
