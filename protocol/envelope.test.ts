import { describe, expect, test } from "bun:test";
import { UnsupportedRequestError, decodeRequest, decodeResponse, encodeRequest, encodeRequestParts, encodeResponse, encodeResponseParts, peekCorrelationId } from "./envelope.ts";
import { StreamBusError } from "./errors.ts";
import { requestHeaderVersion, responseHeaderVersion } from "./headers.ts";
import { seededRandom } from "./seeded-random.ts";

function header(apiKey: number, apiVersion: number, correlationId: number): Uint8Array {
  const b = new Uint8Array(10);
  const v = new DataView(b.buffer);
  v.setInt16(0, apiKey); v.setInt16(2, apiVersion); v.setInt32(4, correlationId); v.setInt16(8, -1);
  return b;
}

describe("decodeRequest errors", () => {
  test("an ApiVersions version we do not know still yields the correlation id", () => {
    try {
      decodeRequest(header(18, 99, 1234));
      throw new Error("expected an error");
    } catch (e) {
      expect(e).toBeInstanceOf(UnsupportedRequestError);
      const u = e as UnsupportedRequestError;
      expect([u.code, u.apiKey, u.apiVersion, u.correlationId]).toEqual(["UNSUPPORTED_VERSION", 18, 99, 1234]);
    }
  });
  test("unknown api keys are UnsupportedRequestError", () => {
    expect(() => decodeRequest(header(9999, 0, 5))).toThrow(UnsupportedRequestError);
  });
  test("a malformed body keeps apiKey and correlationId in details", () => {
    const frame = Uint8Array.from([...header(3, 1, 77), 0, 0, 0, 5]); // claims 5 topics, has none
    try {
      decodeRequest(frame);
      throw new Error("expected an error");
    } catch (e) {
      expect(e).toBeInstanceOf(StreamBusError);
      expect((e as StreamBusError).code).toBe("MALFORMED_FRAME");
      expect((e as StreamBusError).details).toMatchObject({ apiKey: 3, apiVersion: 1, correlationId: 77 });
    }
  });
  test("frames shorter than a header are MALFORMED_FRAME", () => {
    expect(() => decodeRequest(new Uint8Array(5))).toThrow(StreamBusError);
  });
});

describe("header versions follow flexibleVersions", () => {
  test("request headers", () => {
    expect(requestHeaderVersion(3, 8)).toBe(1);
    expect(requestHeaderVersion(3, 9)).toBe(2);
    expect(requestHeaderVersion(18, 3)).toBe(2);
  });
  test("response headers, with the ApiVersions exception", () => {
    expect(responseHeaderVersion(3, 9)).toBe(1);
    expect(responseHeaderVersion(3, 8)).toBe(0);
    expect(responseHeaderVersion(18, 3)).toBe(0);
  });
  test("a flexible response round trips with header v1", () => {
    const body = { throttleTimeMs: 0, brokers: [{ nodeId: 1, host: "h", port: 9092, rack: null }], clusterId: "c", controllerId: 1, topics: [] };
    const wire = encodeResponse({ correlationId: 42 }, 3, 12, body);
    const frame = wire.subarray(4);
    expect(peekCorrelationId(frame)).toBe(42);
    expect(frame[4]).toBe(0); // header v1: empty tagged-field section right after the correlation id
    expect(decodeResponse(frame, 3, 12).body).toMatchObject(body);
  });
  test("a flexible request round trips with header v2", () => {
    const wire = encodeRequest({ correlationId: 9, clientId: "c" }, 3, 12, { topics: null });
    const d = decodeRequest(wire.subarray(4));
    expect(d.header).toEqual({ apiKey: 3, apiVersion: 12, correlationId: 9, clientId: "c" });
    expect(d.body.topics).toBeNull();
  });
});

describe("encodeResponseParts", () => {
  const FETCH = 1;
  const GATHER_MIN_BYTES = 32 * 1024;
  const filled = (byteCount: number, seed: number) => Uint8Array.from({ length: byteCount }, (_, i) => (i * 31 + seed) & 0xff);
  const partition = (partitionIndex: number, records: Uint8Array | null) => ({
    partitionIndex, errorCode: 0, highWatermark: 1000n, lastStableOffset: 1000n, logStartOffset: 0n, abortedTransactions: null, records,
  });
  const fetchBody = (recordSets: (Uint8Array | null)[]) => ({
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: [
      { topic: "a", partitions: recordSets.slice(0, 2).map((r, i) => partition(i, r)) },
      { topic: "b-longer-topic-name", partitions: recordSets.slice(2).map((r, i) => partition(i, r)) },
    ],
  });
  const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

  test("Fetch parts concatenate to exactly encodeResponse's bytes, at non-flexible and flexible versions", () => {
    const sizes = [0, 100, GATHER_MIN_BYTES - 1, GATHER_MIN_BYTES, 200_000];
    const sets = sizes.map((n, i) => filled(n, i));
    for (const version of [4, 11, 12]) {
      const body = fetchBody([...sets, null]);
      const whole = encodeResponse({ correlationId: 7 }, FETCH, version, body);
      const parts = encodeResponseParts({ correlationId: 7 }, FETCH, version, body, GATHER_MIN_BYTES);
      expect(concat(parts)).toEqual(whole);
      // The two record sets at or above the threshold travel by reference, each as its own part.
      expect(parts.filter((p) => p === sets[3] || p === sets[4]).length).toBe(2);
      expect(parts.length).toBe(5);
      const decoded = decodeResponse(concat(parts).subarray(4), FETCH, version).body as ReturnType<typeof fetchBody>;
      expect(decoded.responses.flatMap((t) => t.partitions.map((p) => p.records))).toEqual([...sets, null]);
    }
  });
  test("a response without large byte arrays stays one part", () => {
    const body = fetchBody([filled(10, 1), filled(GATHER_MIN_BYTES - 1, 2)]);
    const parts = encodeResponseParts({ correlationId: 1 }, FETCH, 12, body, GATHER_MIN_BYTES);
    expect(parts.length).toBe(1);
    expect(parts[0]).toEqual(encodeResponse({ correlationId: 1 }, FETCH, 12, body));
  });
  test("seeded random record-set sizes around the threshold", () => {
    const seed = 1123;
    const next = seededRandom(seed);
    const minBytes = 4096; // a smaller threshold keeps the test fast while crossing it often
    for (let round = 0; round < 60; round++) {
      const sets = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, i) => filled(Math.floor(next() * 2 * minBytes), round + i));
      const version = [4, 7, 11, 12][Math.floor(next() * 4)]!;
      const body = fetchBody(sets);
      const parts = encodeResponseParts({ correlationId: round }, FETCH, version, body, minBytes);
      expect({ seed, round, bytes: concat(parts) }).toEqual({ seed, round, bytes: encodeResponse({ correlationId: round }, FETCH, version, body) });
    }
  });
});

describe("encodeRequestParts", () => {
  const PRODUCE = 0;
  const filled = (byteCount: number, seed: number) => Uint8Array.from({ length: byteCount }, (_, i) => (i * 17 + seed) & 0xff);
  const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
  const produceBody = (batches: Uint8Array[]) => ({
    transactionalId: null, acks: -1, timeoutMs: 30_000,
    topicData: [{ name: "orders", partitionData: batches.map((records, index) => ({ index, records })) }],
  });

  test("Produce parts concatenate to exactly encodeRequest's bytes and reference the large batches", () => {
    const batches = [filled(10, 1), filled(40_000, 2), filled(100, 3), filled(70_000, 4)];
    for (const version of [3, 8, 9]) {
      const body = produceBody(batches);
      const parts = encodeRequestParts({ correlationId: 9, clientId: "app" }, PRODUCE, version, body, 32 * 1024);
      expect(concat(parts)).toEqual(encodeRequest({ correlationId: 9, clientId: "app" }, PRODUCE, version, body));
      expect(parts.filter((p) => p === batches[1] || p === batches[3]).length).toBe(2);
      const decoded = decodeRequest(concat(parts).subarray(4));
      expect((decoded.body as ReturnType<typeof produceBody>).topicData[0]!.partitionData.map((p) => p.records)).toEqual(batches);
    }
  });
});
