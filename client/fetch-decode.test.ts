import { describe, expect, test } from "bun:test";
import { encodeRecordBatch } from "../protocol/record-batch.ts";
import { decodeFetchedRecords } from "./fetch-decode.ts";

const enc = (s: string) => new TextEncoder().encode(s);
function batch(baseOffset: bigint, values: string[], control = false): Uint8Array {
  return encodeRecordBatch({ baseOffset, control, records: values.map((v) => ({ key: null, value: enc(v), timestamp: 1000n })) });
}
function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

describe("decodeFetchedRecords", () => {
  test("skips records before the position inside a batch", () => {
    const d = decodeFetchedRecords("t", 0, concat(batch(10n, ["a", "b", "c"]), batch(13n, ["d"])), 11n);
    expect(d.records.map((r) => [r.offset, new TextDecoder().decode(r.value!)])).toEqual([[11n, "b"], [12n, "c"], [13n, "d"]]);
    expect(d.nextOffset).toBe(14n);
  });

  test("ignores a partial trailing batch", () => {
    const whole = batch(0n, ["a"]);
    const next = batch(1n, ["b", "c"]);
    const d = decodeFetchedRecords("t", 0, concat(whole, next.subarray(0, next.length - 3)), 0n);
    expect(d.records.length).toBe(1);
    expect(d.nextOffset).toBe(1n);
    expect(d.onlyPartial).toBe(false);
  });

  test("reports a blob with no whole batch", () => {
    const b = batch(0n, ["a", "b"]);
    const d = decodeFetchedRecords("t", 0, b.subarray(0, 30), 0n);
    expect(d).toMatchObject({ records: [], nextOffset: 0n, onlyPartial: true });
  });

  test("control batches advance the position without records", () => {
    const d = decodeFetchedRecords("t", 0, concat(batch(0n, ["x"], true), batch(1n, ["y"])), 0n);
    expect(d.records.map((r) => r.offset)).toEqual([1n]);
    expect(d.nextOffset).toBe(2n);
  });

  test("empty and null blobs keep the position", () => {
    expect(decodeFetchedRecords("t", 0, null, 5n).nextOffset).toBe(5n);
    expect(decodeFetchedRecords("t", 0, new Uint8Array(0), 5n).records).toEqual([]);
  });
});
