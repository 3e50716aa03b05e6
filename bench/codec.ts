/**
 * RecordBatch codec benchmark: encode and decode throughput per compression codec for batches of
 * 100 records x 1 KiB values, CRC32C throughput on 1 MiB buffers, and memcpy (Buffer.copy of 1 MiB) measured
 * in the same run, with every figure also given as a ratio to memcpy.
 *
 * MB/s counts uncompressed records-section bytes (what the application hands over) per second, 1 MB = 10^6 B.
 * Values are JSON-like text (testkit `textBytes`), so the codecs compress as they would event payloads.
 *
 * Run: `bun bench/codec.ts` (prints a table, writes bench/results/codec.json), or import `run()`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { crc32c } from "@node-rs/crc32";
import Table from "cli-table3";
import { COMPRESSION_NAMES, type CompressionName } from "../protocol/batch-header.ts";
import { decodeRecordBatch, encodeRecordBatch, type RecordBatchInput } from "../protocol/record-batch.ts";
import { benchRecords, seededRandom } from "../protocol/record-batch-testkit.ts";

const RECORDS_PER_BATCH = 100;
const VALUE_BYTES = 1024;
const BUFFER_BYTES = 1 << 20;
/** Time spent measuring each figure, after warm-up. Keeps the whole run near 10 s. */
const MEASURE_MS = 700;
const WARMUP_ITERATIONS = 5;
const SEED = 12345;

/** Runs `fn` repeatedly for about `durationMs` and returns calls per second. */
function callsPerSecond(fn: () => unknown, durationMs = MEASURE_MS): number {
  for (let i = 0; i < WARMUP_ITERATIONS; i++) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < 4; i++) fn();
    calls += 4;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

interface CodecFigures {
  batchBytes: number;
  uncompressedBytes: number;
  encodeMBps: number;
  decodeMBps: number;
  encodeToMemcpy: number;
  decodeToMemcpy: number;
}

export interface CodecBenchResult {
  bench: "codec";
  at: string;
  runtime: string;
  recordsPerBatch: number;
  valueBytes: number;
  memcpyGBps: number;
  crc32cGBps: number;
  crc32cToMemcpy: number;
  codecs: Record<CompressionName, CodecFigures>;
}

function measureCodec(compression: CompressionName, memcpyBps: number): CodecFigures {
  const input: RecordBatchInput = { compression, records: benchRecords(seededRandom(SEED), RECORDS_PER_BATCH, VALUE_BYTES) };
  const uncompressedBytes = encodeRecordBatch({ ...input, compression: "none" }).byteLength - 61;
  const batch = encodeRecordBatch(input);
  let sink = 0;
  const encodeBps = callsPerSecond(() => (sink += encodeRecordBatch(input).byteLength)) * uncompressedBytes;
  const decodeBps = callsPerSecond(() => (sink += decodeRecordBatch(batch).records.length)) * uncompressedBytes;
  if (sink < 0) throw new Error("unreachable");
  return {
    batchBytes: batch.byteLength,
    uncompressedBytes,
    encodeMBps: round(encodeBps / 1e6),
    decodeMBps: round(decodeBps / 1e6),
    encodeToMemcpy: round(encodeBps / memcpyBps, 4),
    decodeToMemcpy: round(decodeBps / memcpyBps, 4),
  };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Measures everything, prints a table, writes bench/results/codec.json and returns the figures. */
export async function run(): Promise<CodecBenchResult> {
  const src = Buffer.alloc(BUFFER_BYTES, 7);
  const dst = Buffer.alloc(BUFFER_BYTES);
  const memcpyBps = callsPerSecond(() => src.copy(dst)) * BUFFER_BYTES;
  const crcBps = callsPerSecond(() => crc32c(src)) * BUFFER_BYTES;
  const codecs = {} as Record<CompressionName, CodecFigures>;
  for (const c of COMPRESSION_NAMES) codecs[c] = measureCodec(c, memcpyBps);
  const result: CodecBenchResult = {
    bench: "codec",
    at: new Date().toISOString(),
    runtime: typeof Bun !== "undefined" ? `bun ${Bun.version}` : `node ${process.version}`,
    recordsPerBatch: RECORDS_PER_BATCH,
    valueBytes: VALUE_BYTES,
    memcpyGBps: round(memcpyBps / 1e9, 2),
    crc32cGBps: round(crcBps / 1e9, 2),
    crc32cToMemcpy: round(crcBps / memcpyBps, 3),
    codecs,
  };
  print(result);
  const out = join(dirname(new URL(import.meta.url).pathname), "results", "codec.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  return result;
}

function print(r: CodecBenchResult): void {
  const plain = !process.stdout.isTTY;
  const table = new Table({
    head: ["figure", "throughput", "x memcpy", "batch bytes"],
    ...(plain ? { style: { head: [], border: [] } } : {}),
  });
  table.push(["memcpy 1 MiB (Buffer.copy)", `${r.memcpyGBps} GB/s`, "1", ""]);
  table.push(["crc32c 1 MiB", `${r.crc32cGBps} GB/s`, String(r.crc32cToMemcpy), ""]);
  for (const [name, f] of Object.entries(r.codecs)) {
    table.push([`encode ${name}`, `${f.encodeMBps} MB/s`, String(f.encodeToMemcpy), `${f.batchBytes} (of ${f.uncompressedBytes})`]);
    table.push([`decode ${name}`, `${f.decodeMBps} MB/s`, String(f.decodeToMemcpy), ""]);
  }
  console.log(`RecordBatch codec: ${r.recordsPerBatch} records x ${r.valueBytes} B values, ${r.runtime}`);
  console.log(table.toString());
}

if (import.meta.main) await run();
