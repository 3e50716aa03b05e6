import { expect, test } from "bun:test";
import { decodeRequest } from "../../../protocol/envelope.ts";
import { decodeRecordBatches } from "../../../protocol/record-batch.ts";
import { BATCH_TARGET_BYTES, PRODUCE_API_KEY, PRODUCE_API_VERSION, produceFrames, recordsPerBatch, setCorrelationId } from "./produce-frames.ts";

test("the frames are Produce v8 requests with one batch of recordsPerBatch(size) records of `size` bytes", () => {
  const { frames, recordsPerFrame } = produceFrames({ topic: "orders", size: 1024, acks: 1, distinct: 2 });
  expect(recordsPerFrame).toBe(recordsPerBatch(1024));
  expect(frames).toHaveLength(2);
  const views = frames.map((frame) => {
    const len = new DataView(frame.buffer, frame.byteOffset).getInt32(0);
    expect(len).toBe(frame.byteLength - 4);
    // Under the broker's default frame limit (1 MiB + 12), as librdkafka's batches are.
    expect(len).toBeLessThanOrEqual(1024 * 1024 + 12);
    const req = decodeRequest(frame.subarray(4));
    expect([req.header.apiKey, req.header.apiVersion]).toEqual([PRODUCE_API_KEY, PRODUCE_API_VERSION]);
    const body = req.body as { acks: number; topicData: { name: string; partitionData: { index: number; records: Uint8Array }[] }[] };
    expect(body.acks).toBe(1);
    expect(body.topicData[0]!.name).toBe("orders");
    const batches = decodeRecordBatches(body.topicData[0]!.partitionData[0]!.records);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.records).toHaveLength(recordsPerFrame);
    expect(batches[0]!.records.every((r) => r.value!.byteLength === 1024)).toBe(true);
    return batches[0]!.records[0]!.value!;
  });
  // Distinct frames carry different bytes, and the same seed builds the same frames again.
  expect(Buffer.compare(views[0]!, views[1]!)).not.toBe(0);
  expect(Buffer.compare(produceFrames({ topic: "orders", size: 1024, acks: 1, distinct: 1 }).frames[0]!, frames[0]!)).toBe(0);
});

test("batches stay near the target size for small and large records", () => {
  for (const size of [1, 100, 1024, 100_000]) {
    const n = recordsPerBatch(size);
    expect(n).toBeGreaterThanOrEqual(1);
    if (size < BATCH_TARGET_BYTES) expect(n * size).toBeLessThanOrEqual(BATCH_TARGET_BYTES);
  }
});

test("setCorrelationId rewrites the header's correlation id in place", () => {
  const { frames } = produceFrames({ topic: "t", size: 100, acks: -1, distinct: 1 });
  setCorrelationId(frames[0]!, 123_456);
  expect(decodeRequest(frames[0]!.subarray(4)).header.correlationId).toBe(123_456);
});
