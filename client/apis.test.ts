import { expect, test } from "bun:test";
import { CLIENT_APIS, negotiateVersions } from "./apis.ts";

test("negotiation picks the highest common version and drops APIs with no overlap", () => {
  const v = negotiateVersions([
    { apiKey: 3, minVersion: 0, maxVersion: 9 }, // Metadata: broker older than us
    { apiKey: 1, minVersion: 0, maxVersion: 17 }, // Fetch: broker newer than us
    { apiKey: 0, minVersion: 0, maxVersion: 2 }, // Produce: no RecordBatch v2 overlap
  ]);
  expect(v.get("Metadata")).toBe(9);
  expect(v.get("Fetch")).toBe(CLIENT_APIS.Fetch.max);
  expect(v.has("Produce")).toBe(false);
  expect(v.has("DescribeCluster")).toBe(false);
});

test("client ranges lie inside the codec's ranges", () => {
  for (const s of Object.values(CLIENT_APIS)) {
    expect(s.min).toBeGreaterThanOrEqual(s.request.validVersions.min);
    expect(s.max).toBeLessThanOrEqual(s.request.validVersions.max);
  }
});
