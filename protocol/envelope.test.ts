import { describe, expect, test } from "bun:test";
import { UnsupportedRequestError, decodeRequest, decodeResponse, encodeRequest, encodeResponse, peekCorrelationId } from "./envelope.ts";
import { StreamBusError } from "./errors.ts";
import { requestHeaderVersion, responseHeaderVersion } from "./headers.ts";

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
