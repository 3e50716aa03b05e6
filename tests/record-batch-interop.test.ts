/**
 * Interop of our RecordBatch codec with independent implementations:
 * - kafkajs's RecordBatch v0 encoder/decoder (its own Encoder/Decoder classes), with gzip built in, snappy from
 *   kafkajs-snappy (snappyjs, raw snappy out, raw or xerial in), and lz4 and zstd registered as codecs that
 *   shell out to Debian's `lz4` and `zstd` CLIs;
 * - kafka-python's DefaultRecordBatchBuilder / DefaultRecordBatch (Debian python3-kafka) for none, gzip and lz4
 *   (its snappy and zstd need Python modules Debian does not ship here);
 * - python3-lz4 (liblz4) and the lz4 / zstd CLIs on the raw compressed records payload, both ways.
 * Both directions: kafkajs-encoded batches decode identically with ours; ours decode in kafkajs.
 */
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { COMPRESSION_NAMES, type CompressionName } from "../protocol/batch-header.ts";
import { DEFAULT_CODECS } from "../protocol/compression.ts";
import { decodeRecordBatch, encodeRecordBatch, type RecordBatchInput, type RecordInput } from "../protocol/record-batch.ts";
import { randInt, randomBytes, randomRecords, seededRandom } from "../protocol/record-batch-testkit.ts";

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- kafkajs internals are untyped JavaScript */
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as { RecordBatch: (o: any) => Promise<{ buffer: Buffer }> };
const kafkajsDecodeBatch = require("kafkajs/src/protocol/recordBatch/v0/decoder") as (d: any) => Promise<any>;
const KafkajsRecord = require("kafkajs/src/protocol/recordBatch/record/v0") as (o: any) => unknown;
const KafkajsDecoder = require("kafkajs/src/protocol/decoder") as new (b: Buffer) => unknown;
const Long = require("kafkajs/src/utils/long") as { fromValue(v: unknown): unknown; fromString(s: string): unknown };
const { CompressionCodecs, CompressionTypes } = require("kafkajs") as { CompressionCodecs: Record<number, () => unknown>; CompressionTypes: Record<string, number> };
const SnappyCodec = require("kafkajs-snappy") as () => unknown;

const SEED = Number(process.env.TEST_SEED ?? 4242);
const KAFKAJS_TYPE: Record<CompressionName, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** A kafkajs codec backed by a CLI, so lz4 and zstd are checked against the reference C libraries. */
function cliCodec(cmd: string): () => unknown {
  const run = (args: string[], input: Buffer): Buffer => {
    const r = spawnSync(cmd, args, { input, maxBuffer: 256 << 20, timeout: 10_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };
  return () => ({
    compress: async (encoder: { buffer: Buffer }) => run(["-c", "-q"], encoder.buffer),
    decompress: async (buf: Buffer) => run(["-d", "-c", "-q"], buf),
  });
}

CompressionCodecs[CompressionTypes.Snappy!] = SnappyCodec;
CompressionCodecs[CompressionTypes.LZ4!] = cliCodec("lz4");
CompressionCodecs[CompressionTypes.ZSTD!] = cliCodec("zstd");

/**
 * Records both sides can express in the same order: kafkajs takes headers as an object (repeated keys are
 * grouped, which reorders them) and cannot encode a null header value.
 */
function kafkajsCompatibleRecords(rand: () => number, count: number): RecordInput[] {
  return randomRecords(rand, count).map((r) => {
    const seen = new Set<string>();
    const headers = (r.headers ?? []).filter((h) => h.value !== null && !seen.has(h.key) && seen.add(h.key));
    return { ...r, headers };
  });
}

/** kafkajs's header object (repeated keys become arrays) from our header list. */
function headerObject(headers: readonly { key: string; value: Uint8Array | null }[]): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const h of headers) {
    const v = Buffer.from(h.value!);
    const prev = out[h.key];
    out[h.key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function encodeWithKafkajs(input: RecordBatchInput, compression: CompressionName): Promise<{ buffer: Buffer }> {
  const base = input.records[0]!.timestamp!;
  const max = input.records.reduce((m, r) => (r.timestamp! > m ? r.timestamp! : m), base);
  return RecordBatch({
    compression: KAFKAJS_TYPE[compression],
    firstOffset: Long.fromString(String(input.baseOffset ?? 0n)),
    firstTimestamp: Number(base),
    maxTimestamp: Number(max),
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
    lastOffsetDelta: input.records.length - 1,
    producerId: Long.fromValue(-1),
    producerEpoch: input.producerEpoch ?? -1,
    firstSequence: input.baseSequence ?? -1,
    records: input.records.map((r, i) =>
      KafkajsRecord({
        offsetDelta: i,
        timestampDelta: Long.fromString(String(r.timestamp! - base)),
        key: r.key === null ? null : Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
        headers: headerObject(r.headers ?? []),
      }),
    ),
  });
}

const hexOrNull = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString("hex"));

function expectSameAsInput(got: { offset: string | bigint; timestamp: string | bigint; key: Uint8Array | null; value: Uint8Array | null }[], input: RecordBatchInput): void {
  expect(got.length).toBe(input.records.length);
  input.records.forEach((r, i) => {
    const g = got[i]!;
    expect(String(g.offset)).toBe(String((input.baseOffset ?? 0n) + BigInt(i)));
    expect(String(g.timestamp)).toBe(String(r.timestamp));
    expect(hexOrNull(g.key)).toEqual(hexOrNull(r.key));
    expect(hexOrNull(g.value)).toEqual(hexOrNull(r.value));
  });
}

describe("kafkajs interop", () => {
  for (const compression of COMPRESSION_NAMES) {
    test(`${compression}: kafkajs-encoded batches decode identically with ours`, async () => {
      const rand = seededRandom(SEED + KAFKAJS_TYPE[compression]);
      for (let i = 0; i < 8; i++) {
        const input: RecordBatchInput = {
          baseOffset: BigInt(randInt(rand, 1e6)),
          partitionLeaderEpoch: randInt(rand, 50),
          producerEpoch: -1,
          baseSequence: -1,
          compression,
          records: kafkajsCompatibleRecords(rand, 1 + randInt(rand, 40)),
        };
        const theirs = new Uint8Array((await encodeWithKafkajs(input, compression)).buffer);
        const d = decodeRecordBatch(theirs);
        expect(d.compression).toBe(compression);
        expect(d.partitionLeaderEpoch).toBe(input.partitionLeaderEpoch!);
        expectSameAsInput(d.records, input);
        d.records.forEach((r, j) => expect(r.headers.map((h) => [h.key, hexOrNull(h.value)])).toEqual((input.records[j]!.headers ?? []).map((h) => [h.key, hexOrNull(h.value)])));
        // Without compression (and with gzip, both using zlib's defaults) the bytes are identical.
        if (compression === "none" || compression === "gzip") expect(Buffer.from(encodeRecordBatch(input)).equals(Buffer.from(theirs))).toBe(true);
      }
    }, 30_000);

    test(`${compression}: our batches decode in kafkajs`, async () => {
      const rand = seededRandom(SEED + 100 + KAFKAJS_TYPE[compression]);
      for (let i = 0; i < 8; i++) {
        const input: RecordBatchInput = {
          baseOffset: BigInt(randInt(rand, 1e6)),
          compression,
          records: randomRecords(rand, 1 + randInt(rand, 40)),
        };
        const ours = Buffer.from(encodeRecordBatch(input));
        const d = await kafkajsDecodeBatch(new KafkajsDecoder(ours));
        expectSameAsInput(d.records, input);
        d.records.forEach((r: { headers: Record<string, Buffer | null | (Buffer | null)[]> }, j: number) => {
          const flat = Object.entries(r.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, hexOrNull(x)]));
          const want = (input.records[j]!.headers ?? []).map((h) => [h.key, hexOrNull(h.value)]);
          expect(flat.sort()).toEqual(want.sort());
        });
      }
    }, 30_000);
  }
});

function python(script: string, input: Uint8Array): Buffer {
  const r = spawnSync("/usr/bin/python3", ["-c", script], { input, maxBuffer: 64 << 20, timeout: 20_000 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout;
}

describe("lz4 and zstd against the reference libraries", () => {
  const data = Buffer.concat([randomBytes(seededRandom(SEED), 300_000), new Uint8Array(200_000)]);

  test("python3-lz4 reads our lz4 frames and we read its frames (content size and checksums on)", () => {
    const fromUs = python("import sys, lz4.frame; sys.stdout.buffer.write(lz4.frame.decompress(sys.stdin.buffer.read()))", DEFAULT_CODECS.lz4.compress(data));
    expect(fromUs.equals(data)).toBe(true);
    const script = "import sys, lz4.frame; sys.stdout.buffer.write(lz4.frame.compress(sys.stdin.buffer.read(), store_size=True, content_checksum=True, block_checksum=True, block_linked=False))";
    expect(Buffer.from(DEFAULT_CODECS.lz4.decompress(python(script, data), 1 << 20)).equals(data)).toBe(true);
  });

  test("the lz4 and zstd CLIs read ours and we read theirs", () => {
    for (const [cmd, name] of [["lz4", "lz4"], ["zstd", "zstd"]] as const) {
      const theirs = spawnSync(cmd, ["-c", "-q"], { input: data, timeout: 10_000 }).stdout;
      expect(Buffer.from(DEFAULT_CODECS[name].decompress(theirs, 1 << 20)).equals(data)).toBe(true);
      const back = spawnSync(cmd, ["-d", "-c", "-q"], { input: DEFAULT_CODECS[name].compress(data), timeout: 10_000, maxBuffer: 64 << 20 }).stdout;
      expect(back.equals(data)).toBe(true);
    }
  });
});

/** kafka-python: builds a batch from JSON records on stdin, or decodes a batch on stdin to JSON. */
const KAFKA_PYTHON = String.raw`
import sys, json
from kafka.record.default_records import DefaultRecordBatchBuilder, DefaultRecordBatch
h = lambda x: None if x is None else bytes.fromhex(x)
x = lambda b: None if b is None else bytes(b).hex()
if sys.argv[1] == "build":
    spec = json.load(sys.stdin)
    b = DefaultRecordBatchBuilder(magic=2, compression_type=spec["codec"], is_transactional=False,
                                  producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 30)
    for i, r in enumerate(spec["records"]):
        b.append(i, timestamp=r["ts"], key=h(r["key"]), value=h(r["value"]), headers=[(k, h(v)) for k, v in r["headers"]])
    sys.stdout.buffer.write(bytes(b.build()))
else:
    batch = DefaultRecordBatch(sys.stdin.buffer.read())
    assert batch.validate_crc(), "crc"
    out = [{"offset": r.offset, "ts": r.timestamp, "key": x(r.key), "value": x(r.value),
            "headers": [[k, x(v)] for k, v in r.headers]} for r in batch]
    json.dump({"codec": batch.compression_type, "records": out}, sys.stdout)
`;

function kafkaPython(mode: "build" | "decode", input: Uint8Array): Buffer {
  const r = spawnSync("/usr/bin/python3", ["-c", KAFKA_PYTHON, mode], { input, maxBuffer: 64 << 20, timeout: 20_000 });
  if (r.status !== 0) throw new Error(`kafka-python ${mode} failed: ${r.stderr}`);
  return r.stdout;
}

describe("kafka-python interop", () => {
  for (const compression of ["none", "gzip", "lz4"] as const) {
    test(`${compression}: kafka-python reads ours (CRC checked) and we read kafka-python's`, () => {
      const rand = seededRandom(SEED + 200 + KAFKAJS_TYPE[compression]);
      const records = randomRecords(rand, 30);
      const ours = encodeRecordBatch({ compression, records });
      const decoded = JSON.parse(kafkaPython("decode", ours).toString());
      expect(decoded.codec).toBe(KAFKAJS_TYPE[compression]);
      const want = records.map((r, i) => ({
        offset: i,
        ts: Number(r.timestamp),
        key: hexOrNull(r.key),
        value: hexOrNull(r.value),
        headers: (r.headers ?? []).map((hd) => [hd.key, hexOrNull(hd.value)]),
      }));
      expect(decoded.records).toEqual(want);
      const spec = { codec: KAFKAJS_TYPE[compression], records: want.map(({ offset: _o, ...r }) => r) };
      const theirs = decodeRecordBatch(kafkaPython("build", Buffer.from(JSON.stringify(spec))));
      expect(theirs.compression).toBe(compression);
      expectSameAsInput(theirs.records, { records });
      expect(theirs.records.map((r) => r.headers.map((hd) => [hd.key, hexOrNull(hd.value)]))).toEqual(want.map((w) => w.headers));
    }, 30_000);
  }
});
