/**
 * Fetch (key 1): returns log byte ranges as stored (whole batches, never decoded), up to the high
 * watermark. Long-polls: with fewer than minBytes available it parks until enough bytes arrive on a
 * watched partition or maxWaitMs passes (capped by fetchWaitMsMax and the request deadline).
 * Fetch sessions (KIP-227) are not kept: sessionId 0 tells clients to send full fetches.
 */
import { kafkaCodeOf, toStreamBusError } from "../../protocol/errors.ts";
import type { Infer } from "../../protocol/schema.ts";
import { FetchRequest, FetchResponse } from "../../protocol/schemas/fetch.ts";
import { defineHandler, type RequestContext } from "../handler.ts";

type FetchReq = Infer<typeof FetchRequest>;

interface PartitionOut {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: null;
  records: Uint8Array;
}

const EMPTY: Uint8Array = new Uint8Array(0);

function errorPartition(partitionIndex: number, code: Parameters<typeof kafkaCodeOf>[0]): PartitionOut {
  return { partitionIndex, errorCode: kafkaCodeOf(code), highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, records: EMPTY };
}

/** One pass over every requested partition; returns the response topics and the bytes gathered. */
async function readAll(ctx: RequestContext, req: FetchReq): Promise<{ topics: { topic: string; partitions: PartitionOut[] }[]; bytes: number }> {
  const b = ctx.broker;
  let budget = Math.max(0, req.maxBytes);
  let bytes = 0;
  const topics = [];
  for (const t of req.topics) {
    const partitions: PartitionOut[] = [];
    for (const p of t.partitions) {
      const target = b.leaderLog(t.topic, p.partition, p.currentLeaderEpoch);
      if ("error" in target) {
        partitions.push(errorPartition(p.partition, target.error));
        continue;
      }
      const log = target.log;
      const hw = log.highWatermark;
      const start = log.logStartOffset;
      if (p.fetchOffset < start || p.fetchOffset > hw) {
        partitions.push({ ...errorPartition(p.partition, "OFFSET_OUT_OF_RANGE"), highWatermark: hw, lastStableOffset: hw, logStartOffset: start });
        continue;
      }
      let records: Uint8Array = EMPTY;
      // Kafka returns at least one batch for the first partition with data even past maxBytes, so a
      // consumer can always make progress; later partitions share what is left of the budget.
      const limit = Math.min(Math.max(0, p.partitionMaxBytes), bytes === 0 ? Math.max(budget, 1) : budget);
      if (p.fetchOffset < hw && limit > 0) {
        try {
          const r = await log.read(p.fetchOffset, limit);
          records = r.bytes;
        } catch (e) {
          partitions.push(errorPartition(p.partition, toStreamBusError(e).code));
          continue;
        }
      }
      bytes += records.byteLength;
      budget = Math.max(0, budget - records.byteLength);
      partitions.push({ partitionIndex: p.partition, errorCode: 0, highWatermark: hw, lastStableOffset: hw, logStartOffset: start, abortedTransactions: null, records });
    }
    topics.push({ topic: t.topic, partitions });
  }
  return { topics, bytes };
}

export const fetchHandler = defineHandler({
  request: FetchRequest,
  response: FetchResponse,
  // v4 is the first version whose responses carry RecordBatch v2; v13+ address topics by id (not yet).
  minVersion: 4,
  maxVersion: 12,
  async handle(ctx, req) {
    const b = ctx.broker;
    let result = await readAll(ctx, req);
    const minBytes = Math.max(1, req.minBytes);
    const waitMs = Math.min(Math.max(0, req.maxWaitMs), b.config.limits.fetchWaitMsMax, Math.max(0, ctx.deadlineMs - b.clock.nowMs()));
    if (result.bytes < minBytes && waitMs > 0) {
      const keys = req.topics.flatMap((t) => t.partitions.map((p) => b.partitionKey(t.topic, p.partition)));
      await b.waiters.wait(keys, minBytes - result.bytes, waitMs);
      result = await readAll(ctx, req);
    }
    b.counters.fetchedBytes += result.bytes;
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: result.topics };
  },
});
