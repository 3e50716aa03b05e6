/**
 * Hand-checked golden bytes: each byte below was written from the Kafka protocol guide, not from our
 * encoder, and is tested both ways (encode gives these bytes; decode gives the object).
 */
import { describe, expect, test } from "bun:test";
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from "../protocol/envelope.ts";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+|#[^\n]*/g, "").match(/../g)!.map((b) => parseInt(b, 16)));
const API_VERSIONS = 18;
const METADATA = 3;

describe("ApiVersions v0", () => {
  const request = hex(`
    0000000c   # frame length 12
    0012       # apiKey 18 (ApiVersions)
    0000       # apiVersion 0
    00000001   # correlationId 1
    0002 6162  # clientId "ab" (header v1: int16 length)
               # body: no fields in v0
  `);
  const response = hex(`
    00000010   # frame length 16
    00000001   # correlationId 1 (response header v0)
    0000       # errorCode 0
    00000001   # apiKeys: int32 count 1
    0003 0000 000c  # apiKey 3, minVersion 0, maxVersion 12
               # v0 has no throttleTimeMs
  `);
  test("request", () => {
    expect(encodeRequest({ correlationId: 1, clientId: "ab" }, API_VERSIONS, 0, {})).toEqual(request);
    const d = decodeRequest(request.subarray(4));
    expect(d.header).toEqual({ apiKey: 18, apiVersion: 0, correlationId: 1, clientId: "ab" });
    expect(d.body).toEqual({ clientSoftwareName: "", clientSoftwareVersion: "" });
  });
  test("response", () => {
    const body = { errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }] };
    expect(encodeResponse({ correlationId: 1 }, API_VERSIONS, 0, body)).toEqual(response);
    expect(decodeResponse(response.subarray(4), API_VERSIONS, 0).body).toMatchObject({ ...body, throttleTimeMs: 0 });
  });
});

describe("ApiVersions v3 (flexible)", () => {
  const request = hex(`
    00000013   # frame length 19
    0012 0003  # apiKey 18, apiVersion 3
    00000007   # correlationId 7
    0002 6162  # clientId "ab": still int16 length in header v2
    00         # header tagged fields: none
    03 7362    # clientSoftwareName "sb": compact string, uvarint length+1 = 3
    02 31      # clientSoftwareVersion "1"
    00         # body tagged fields: none
  `);
  const response = hex(`
    0000001d   # frame length 29
    00000007   # correlationId 7: header v0 even though v3 is flexible (the ApiVersions exception)
    0000       # errorCode 0
    02         # apiKeys: compact array, uvarint count+1 = 2 -> one entry
    0012 0000 0004 00  # apiKey 18, minVersion 0, maxVersion 4, entry tagged fields: none
    00000000   # throttleTimeMs 0
    01         # tagged fields: one
    01 08 0000000000000005  # tag 1 (finalizedFeaturesEpoch), 8 bytes, int64 5
  `);
  test("request", () => {
    const body = { clientSoftwareName: "sb", clientSoftwareVersion: "1" };
    expect(encodeRequest({ correlationId: 7, clientId: "ab" }, API_VERSIONS, 3, body)).toEqual(request);
    const d = decodeRequest(request.subarray(4));
    expect(d.header).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 7, clientId: "ab" });
    expect(d.body).toEqual(body);
  });
  test("response", () => {
    const body = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0, finalizedFeaturesEpoch: 5n };
    expect(encodeResponse({ correlationId: 7 }, API_VERSIONS, 3, body)).toEqual(response);
    expect(decodeResponse(response.subarray(4), API_VERSIONS, 3).body).toEqual({
      ...body, supportedFeatures: [], finalizedFeatures: [], zkMigrationReady: false,
    });
  });
});

describe("Metadata v1 request", () => {
  test("named topics", () => {
    const request = hex(`
      00000012   # frame length 18
      0003 0001  # apiKey 3 (Metadata), apiVersion 1
      00000002   # correlationId 2
      ffff       # clientId null
      00000001   # topics: int32 count 1
      0002 7431  # name "t1"
    `);
    expect(encodeRequest({ correlationId: 2, clientId: null }, METADATA, 1, { topics: [{ name: "t1" }] })).toEqual(request);
    const d = decodeRequest(request.subarray(4));
    expect(d.header.clientId).toBeNull();
    expect(d.body.topics).toEqual([{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "t1" }]);
  });
  test("null topics means all topics", () => {
    const request = hex(`
      0000000e   # frame length 14
      0003 0001 00000002 ffff  # header v1 as above
      ffffffff   # topics: null (-1), nullable since v1
    `);
    expect(encodeRequest({ correlationId: 2, clientId: null }, METADATA, 1, { topics: null })).toEqual(request);
    expect(decodeRequest(request.subarray(4)).body.topics).toBeNull();
  });
});
