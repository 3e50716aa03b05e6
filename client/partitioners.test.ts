import { describe, expect, test } from "bun:test";
import { DefaultPartitioner, keyPartition, murmur2, toPositive } from "./partitioners.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("murmur2", () => {
  // Kafka's own vectors: clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java (testMurmur2).
  const kafkaUtilsTest: [string, number][] = [
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ];
  // Values other projects pinned against Kafka's Utils.murmur2 (akka's Murmur2Spec).
  const more: [string, number][] = [["1", -1993445489], ["12", 126087238], ["123", -267702483], ["1234", -1614185708], ["12345", -1188365604]];

  for (const [input, expected] of [...kafkaUtilsTest, ...more]) {
    test(`murmur2(${JSON.stringify(input)}) = ${expected}`, () => expect(murmur2(enc(input))).toBe(expected));
  }

  test("empty input and bytes above 0x7f", () => {
    expect(Number.isInteger(murmur2(new Uint8Array(0)))).toBe(true);
    // Java bytes are signed; the algorithm masks them with 0xff, so high bytes must not go negative here.
    const h = murmur2(new Uint8Array([0xff, 0xfe, 0x80, 0x81, 0x90]));
    expect(h).toBe(h | 0);
  });
});

describe("partition choice", () => {
  test("toPositive clears the sign bit", () => {
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
  });

  test("keyed records follow murmur2", () => {
    expect(keyPartition(enc("21"), 3)).toBe(1173551340 % 3);
    expect(keyPartition(enc("foobar"), 10)).toBe(toPositive(-790332482) % 10);
  });

  test("null keys stick to one partition until a batch is sent", () => {
    let r = 0;
    const rand = () => [0.1, 0.5, 0.9][r++ % 3]!;
    const p = new DefaultPartitioner(rand);
    const first = p.partition("t", null, 4);
    for (let i = 0; i < 10; i++) expect(p.partition("t", null, 4)).toBe(first);
    p.onBatchSent("t", 4);
    expect(p.partition("t", null, 4)).not.toBe(first);
  });
});
