import { describe, expect, test } from "bun:test";
import { decodeMessage, encodeMessage } from "./codec.ts";
import { StreamBusError } from "./errors.ts";
import { ApiVersionsResponse } from "./schemas/api-versions.ts";
import { FetchRequest } from "./schemas/fetch.ts";
import { MetadataRequest, MetadataResponse } from "./schemas/metadata.ts";
import { ProduceResponse } from "./schemas/produce.ts";

function errorCode(fn: () => unknown): string {
  try { fn(); } catch (e) { return e instanceof StreamBusError ? e.code : `untyped: ${e}`; }
  return "no error";
}

describe("versions", () => {
  test("fields absent from a version decode to their defaults", () => {
    const body = decodeMessage(MetadataResponse, 0, encodeMessage(MetadataResponse, 0, { brokers: [], topics: [] }));
    expect(body.controllerId).toBe(-1);       // explicit default
    expect(body.clusterId).toBeNull();        // default null
    expect(body.throttleTimeMs).toBe(0);      // zero value
  });
  test("fields absent from a version are not written", () => {
    const v0 = encodeMessage(MetadataResponse, 0, { brokers: [], topics: [], controllerId: 5, clusterId: "x" });
    expect(v0.length).toBe(8); // two empty int32-counted arrays
  });
  test("unknown versions are UNSUPPORTED_VERSION", () => {
    expect(errorCode(() => encodeMessage(MetadataRequest, 13, {}))).toBe("UNSUPPORTED_VERSION");
    expect(errorCode(() => decodeMessage(MetadataRequest, -1, new Uint8Array(0)))).toBe("UNSUPPORTED_VERSION");
  });
});

describe("encode checks values", () => {
  test("null in a non-nullable field", () => {
    expect(errorCode(() => encodeMessage(MetadataRequest, 0, { topics: null }))).toBe("INVALID_REQUEST"); // nullable only from v1
  });
  test("wrong types and out-of-range integers", () => {
    expect(errorCode(() => encodeMessage(ProduceResponse, 3, { throttleTimeMs: 2 ** 31 }))).toBe("INVALID_REQUEST");
    expect(errorCode(() => encodeMessage(ProduceResponse, 3, { responses: [{ name: "t", partitionResponses: [{ baseOffset: 1 as unknown as bigint }] }] }))).toBe("INVALID_REQUEST");
  });
});

describe("tagged fields", () => {
  test("tagged fields at their default are left off the wire", () => {
    const plain = encodeMessage(ProduceResponse, 10, { responses: [{ name: "t", partitionResponses: [{ baseOffset: 1n }] }] });
    const withDefault = encodeMessage(ProduceResponse, 10, {
      responses: [{ name: "t", partitionResponses: [{ baseOffset: 1n, currentLeader: { leaderId: -1, leaderEpoch: -1 } }] }],
    });
    expect(withDefault).toEqual(plain);
    const withLeader = encodeMessage(ProduceResponse, 10, {
      responses: [{ name: "t", partitionResponses: [{ baseOffset: 1n, currentLeader: { leaderId: 2, leaderEpoch: 3 } }] }],
    });
    expect(decodeMessage(ProduceResponse, 10, withLeader).responses[0]!.partitionResponses[0]!.currentLeader).toEqual({ leaderId: 2, leaderEpoch: 3 });
  });
  test("unknown tags are kept and written back in tag order", () => {
    // ApiVersions v3 response with a top-level tag 9 we do not know and known tag 1.
    const bytes = Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 2, 1, 8, 0, 0, 0, 0, 0, 0, 0, 4, 9, 2, 0xab, 0xcd]);
    const body = decodeMessage(ApiVersionsResponse, 3, bytes);
    expect(body.finalizedFeaturesEpoch).toBe(4n);
    expect(body._unknownTaggedFields).toEqual([{ tag: 9, data: Uint8Array.from([0xab, 0xcd]) }]);
    expect(encodeMessage(ApiVersionsResponse, 3, body)).toEqual(bytes);
  });
  test("out-of-order, duplicate and overlong tags are MALFORMED_FRAME", () => {
    const base = [0, 0, 1, 0, 0, 0, 0];
    expect(errorCode(() => decodeMessage(ApiVersionsResponse, 3, Uint8Array.from([...base, 2, 3, 1, 0, 1, 1, 0])))).toBe("MALFORMED_FRAME");
    expect(errorCode(() => decodeMessage(ApiVersionsResponse, 3, Uint8Array.from([...base, 1, 3, 9, 0])))).toBe("MALFORMED_FRAME");
    // tag 3 (bool) declared 2 bytes long: one byte left over inside the field.
    expect(errorCode(() => decodeMessage(ApiVersionsResponse, 3, Uint8Array.from([...base, 1, 3, 2, 1, 0])))).toBe("MALFORMED_FRAME");
  });
  test("a tagged struct in a request (FetchRequest v15 replicaState)", () => {
    const body = { replicaState: { replicaId: 3, replicaEpoch: 9n }, maxWaitMs: 500, minBytes: 1, topics: [] };
    expect(decodeMessage(FetchRequest, 15, encodeMessage(FetchRequest, 15, body))).toMatchObject(body);
  });
});

test("trailing bytes after a body are MALFORMED_FRAME", () => {
  const bytes = encodeMessage(MetadataRequest, 1, { topics: null });
  expect(errorCode(() => decodeMessage(MetadataRequest, 1, Uint8Array.from([...bytes, 0])))).toBe("MALFORMED_FRAME");
});
