/**
 * A minimal reader of the records inside an UNCOMPRESSED RecordBatch v2: enough for the cleaner to see
 * each record's offset delta, key and whether it is a tombstone, and to copy the record bytes verbatim.
 * (Compressed batches go through protocol/record-batch.ts when it exists; see compactor.ts.)
 */
import { Attr, BATCH_HEADER_BYTES, Offsets } from "../protocol/batch-header.ts";
import { StreamBusError } from "../protocol/errors.ts";
import { readVarint, readVarlong } from "../protocol/varint.ts";

export interface RecordView {
  offsetDelta: number;
  /** Null for a null key. A view into the batch bytes. */
  key: Uint8Array | null;
  /** True when the value is null (a tombstone under compaction). */
  tombstone: boolean;
  /** The value bytes (a view), null for a tombstone. */
  value: Uint8Array | null;
  /** Byte range of the whole record (length prefix included) within the batch. */
  start: number;
  end: number;
}

/** True when the batch's records are stored uncompressed (readable by {@link readRecords}). */
export function isUncompressed(batch: Uint8Array): boolean {
  const attrs = (batch[Offsets.attributes]! << 8) | batch[Offsets.attributes + 1]!;
  return (attrs & Attr.compressionMask) === 0;
}

/** Lists the records of an uncompressed batch; throws CORRUPT_MESSAGE when they do not parse. */
export function readRecords(batch: Uint8Array): RecordView[] {
  if (!isUncompressed(batch)) throw new StreamBusError("UNSUPPORTED_COMPRESSION_TYPE", "readRecords takes uncompressed batches");
  const dv = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const count = dv.getInt32(Offsets.recordCount);
  const out: RecordView[] = [];
  let p = BATCH_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const start = p;
    const len = readVarint(batch, p);
    const bodyStart = len.next;
    const end = bodyStart + len.value;
    if (len.value < 0 || end > batch.byteLength) throw new StreamBusError("CORRUPT_MESSAGE", `record ${i} overruns its batch`);
    p = bodyStart + 1; // attributes
    p = readVarlong(batch, p).next; // timestamp delta
    const od = readVarint(batch, p);
    p = od.next;
    const kl = readVarint(batch, p);
    p = kl.next;
    const key = kl.value < 0 ? null : batch.subarray(p, p + kl.value);
    p += Math.max(0, kl.value);
    const vl = readVarint(batch, p);
    if (p > end || vl.next > end) throw new StreamBusError("CORRUPT_MESSAGE", `record ${i} fields overrun the record`);
    const value = vl.value < 0 ? null : batch.subarray(vl.next, vl.next + vl.value);
    if (vl.next + Math.max(0, vl.value) > end) throw new StreamBusError("CORRUPT_MESSAGE", `record ${i} value overruns the record`);
    out.push({ offsetDelta: od.value, key, tombstone: vl.value < 0, value, start, end });
    p = end;
  }
  return out;
}
