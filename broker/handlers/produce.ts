/**
 * Produce (key 0). Batches stay opaque: the header and CRC are checked without decoding records,
 * offsets are assigned by rewriting baseOffset, and the bytes are appended as they came (DESIGN.md
 * section 4). acks=0 gets no response; acks=1 and acks=all answer after the log's flush policy
 * acknowledges the append (an fsync covering it under the default policy).
 *
 * The request's frame may live in a pooled buffer that the connection reuses once this handler settles
 * (net/frame-pool.ts), and the log holds views into it until each append settles. So the handler settles
 * only after every partition's append has, and nothing here keeps `records` beyond that.
 */
import { Attr, stampLogAppendTime, validateBatches } from "../../protocol/batch-header.ts";
import { kafkaCodeOf, toStreamBusError } from "../../protocol/errors.ts";
import { ProduceRequest, ProduceResponse } from "../../protocol/schemas/produce.ts";
import { defineHandler, type RequestContext } from "../handler.ts";
import { maxMessageBytesForTopic } from "../topic-configs.ts";

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  errorMessage: string | null;
}

function failed(index: number, e: unknown): PartitionResult {
  const err = toStreamBusError(e);
  return { index, errorCode: err.kafkaCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage: err.message };
}

/** Never rejects: every failure is a partition result (see the module doc for why that matters). */
async function producePartition(ctx: RequestContext, topic: string, index: number, records: Uint8Array | null): Promise<PartitionResult> {
  const b = ctx.broker;
  try {
    const target = b.leaderLog(topic, index);
    if ("error" in target) return { index, errorCode: kafkaCodeOf(target.error), baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage: null };
    if (!records || records.byteLength === 0) return { ...failed(index, null), errorCode: kafkaCodeOf("CORRUPT_MESSAGE"), errorMessage: "no record batch in the request" };
    const headers = validateBatches(records, { maxBatchBytes: maxMessageBytesForTopic(b.config, target.topic.configs) });
    let appendTimeMs = -1n;
    if (target.topic.configs.get("message.timestamp.type") === "LogAppendTime") {
      appendTimeMs = BigInt(b.clock.nowMs());
      let pos = 0;
      for (const h of headers) {
        stampLogAppendTime(records, pos, appendTimeMs);
        pos += h.sizeBytes;
      }
    }
    for (const h of headers) {
      if (h.attributes & Attr.control) return { ...failed(index, null), errorCode: kafkaCodeOf("INVALID_RECORD"), errorMessage: "clients may not produce control batches" };
    }
    const r = await target.log.append(records, { leaderEpoch: target.leaderEpoch });
    b.counters.producedBytes += records.byteLength;
    b.counters.producedBatches += headers.length;
    b.waiters.notify(b.partitionKey(topic, index), records.byteLength);
    return { index, errorCode: 0, baseOffset: r.baseOffset, logAppendTimeMs: appendTimeMs, logStartOffset: target.log.logStartOffset, errorMessage: null };
  } catch (e) {
    const err = toStreamBusError(e);
    if (err.code === "UNKNOWN_SERVER_ERROR") b.log.error("produce failed", { topic, partition: index, error: err.message });
    return failed(index, err);
  }
}

export const produceHandler = defineHandler({
  request: ProduceRequest,
  response: ProduceResponse,
  // v3 is the first version that carries RecordBatch v2 (magic 2), the only format we store.
  minVersion: 3,
  maxVersion: 9,
  async handle(ctx, req) {
    const acks = req.acks;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    // All partitions append concurrently (they share group commits); each result lands in its slot.
    const responses = req.topicData.map((t) => ({ name: t.name, partitionResponses: new Array<PartitionResult>(t.partitionData.length) }));
    const appends: Promise<void>[] = [];
    req.topicData.forEach((t, ti) => {
      const slots = responses[ti]!.partitionResponses;
      t.partitionData.forEach((p, pi) => {
        if (!validAcks) slots[pi] = { ...failed(p.index, null), errorCode: kafkaCodeOf("INVALID_REQUIRED_ACKS"), errorMessage: `acks=${acks} is not -1, 0 or 1` };
        else appends.push(producePartition(ctx, t.name, p.index, p.records).then((r) => void (slots[pi] = r)));
      });
    });
    if (appends.length === 1) await appends[0];
    else if (appends.length > 1) await Promise.all(appends); // producePartition never rejects, so this waits for all
    if (acks === 0) return null;
    return { responses, throttleTimeMs: 0 };
  },
});
