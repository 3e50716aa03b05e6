/**
 * Fuzzes the RecordBatch decoder with seeded mutations of valid batches of every codec: bit flips,
 * truncations, length-field lies, byte insertions and deletions, overwrites, and payload mutations that are
 * recompressed. Half the time the CRC (and sometimes batchLength) is fixed up after mutating, so the
 * mutation reaches the decompressors and the record parser instead of stopping at the CRC check.
 * The only acceptable outcomes are a decoded batch or a StreamBusError, each within a bounded time.
 *
 * Reproduce a failure with FUZZ_SEED=<seed printed> (and FUZZ_ITERATIONS to change the count).
 */
import { expect, test } from "bun:test";
import { crc32c } from "@node-rs/crc32";
import { COMPRESSION_NAMES, type CompressionName } from "../protocol/batch-header.ts";
import { DEFAULT_CODECS } from "../protocol/compression.ts";
import { StreamBusError } from "../protocol/errors.ts";
import { decodeRecordBatch, decodeRecordBatches, encodeRecordBatch, type RecordBatchLimits } from "../protocol/record-batch.ts";
import { randInt, randomBatchInput, seededRandom } from "../protocol/record-batch-testkit.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 1337);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 100_000);
/** A decode slower than this is a failure: every input is under 64 KiB and every limit is small. */
const MAX_DECODE_MS = 250;
const LIMITS: RecordBatchLimits = {
  maxBatchBytes: 1 << 20,
  maxDecompressedBytes: 1 << 20,
  maxRecordsPerBatch: 10_000,
  maxHeadersPerRecord: 100,
};

interface Sample {
  compression: CompressionName;
  batch: Uint8Array;
  /** The uncompressed records section, for mutate-then-recompress. */
  plainRecords: Uint8Array;
}

function buildSamples(rand: () => number): Sample[] {
  const out: Sample[] = [];
  for (const compression of COMPRESSION_NAMES) {
    for (let i = 0; i < 24; i++) {
      const input = randomBatchInput(rand, compression, 1 + randInt(rand, 12), i % 6 === 0 ? 2000 : 60);
      const batch = encodeRecordBatch(input);
      const plainRecords = encodeRecordBatch({ ...input, compression: "none" }).subarray(61);
      out.push({ compression, batch, plainRecords });
    }
  }
  return out;
}

function setCrc(b: Uint8Array): void {
  if (b.length >= 61) new DataView(b.buffer, b.byteOffset).setUint32(17, crc32c(Buffer.from(b.subarray(21))));
}

function setLength(b: Uint8Array): void {
  if (b.length >= 12) new DataView(b.buffer, b.byteOffset).setInt32(8, b.length - 12);
}

const LIES = [0, 1, -1, 7, 61, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fffffff, -0x80000000, 1 << 20];

/** Applies one random mutation; returns its description for the failure report. */
function mutate(rand: () => number, s: Sample): { bytes: Uint8Array; what: string } {
  let b: Uint8Array = s.batch.slice();
  let what: string;
  const kind = randInt(rand, 7);
  if (kind === 0) {
    const n = 1 + randInt(rand, 4);
    for (let i = 0; i < n; i++) b[randInt(rand, b.length)]! ^= 1 << randInt(rand, 8);
    what = `flip ${n} bits`;
  } else if (kind === 1) {
    const cut = randInt(rand, b.length);
    b = b.subarray(0, cut);
    what = `truncate to ${cut}`;
  } else if (kind === 2) {
    // A header length field (batchLength, lastOffsetDelta, recordCount) or a byte in the records lies.
    const field = [8, 23, 57][randInt(rand, 3)]!;
    const lie = LIES[randInt(rand, LIES.length)]!;
    if (rand() < 0.7) new DataView(b.buffer).setInt32(field, lie);
    else b[61 + randInt(rand, b.length - 61)] = [0x7e, 0xff, 0x01, 0x80][randInt(rand, 4)]!;
    what = `lie at ${field}: ${lie}`;
  } else if (kind === 3) {
    const at = randInt(rand, b.length + 1);
    const ins = Uint8Array.from({ length: 1 + randInt(rand, 8) }, () => randInt(rand, 256));
    b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
    what = `insert ${ins.length} at ${at}`;
  } else if (kind === 4) {
    const at = randInt(rand, b.length);
    const n = 1 + randInt(rand, 8);
    b = Buffer.concat([b.subarray(0, at), b.subarray(at + n)]);
    what = `delete ${n} at ${at}`;
  } else if (kind === 5) {
    const n = 1 + randInt(rand, 16);
    for (let i = 0; i < n; i++) b[randInt(rand, b.length)] = randInt(rand, 256);
    what = `overwrite ${n} bytes`;
  } else {
    // Mutate the plain records, then recompress: reaches the record parser behind every codec.
    const plain = s.plainRecords.slice();
    const n = 1 + randInt(rand, 4);
    for (let i = 0; i < n; i++) plain[randInt(rand, plain.length)] = [0, 1, 0x7f, 0x80, 0xff][randInt(rand, 5)]!;
    const packed = DEFAULT_CODECS[s.compression].compress(plain);
    b = Buffer.concat([s.batch.subarray(0, 61), packed]);
    setLength(b);
    what = `recompressed ${n} payload mutations`;
  }
  if (rand() < 0.5) {
    if (kind >= 3 && rand() < 0.5) setLength(b);
    setCrc(b);
    what += " + fixed crc";
  }
  return { bytes: b, what };
}

test(`fuzz: ${ITERATIONS} mutated batches give a batch or a StreamBusError, quickly (FUZZ_SEED=${SEED})`, () => {
  const rand = seededRandom(SEED);
  const samples = buildSamples(rand);
  const outcomes = new Map<string, number>();
  let slowestMs = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const s = samples[randInt(rand, samples.length)]!;
    const { bytes, what } = mutate(rand, s);
    const many = rand() < 0.1;
    const started = performance.now();
    let outcome = "ok";
    try {
      if (many) decodeRecordBatches(Buffer.concat([samples[0]!.batch, bytes]), LIMITS);
      else decodeRecordBatch(bytes, LIMITS);
    } catch (e) {
      if (!(e instanceof StreamBusError)) {
        const err = e as Error;
        throw new Error(
          `FUZZ_SEED=${SEED} iteration ${i} (${s.compression}, ${what}): ${err.name}: ${err.message}\ninput: ${Buffer.from(bytes.subarray(0, 512)).toString("hex")}`,
        );
      }
      outcome = e.code;
    }
    const ms = performance.now() - started;
    slowestMs = Math.max(slowestMs, ms);
    if (ms > MAX_DECODE_MS) throw new Error(`FUZZ_SEED=${SEED} iteration ${i} (${s.compression}, ${what}) took ${ms.toFixed(1)} ms`);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  console.log(`fuzz seed ${SEED}: ${ITERATIONS} inputs, slowest decode ${slowestMs.toFixed(2)} ms, outcomes`, Object.fromEntries(outcomes));
  // The fuzzer must reach past the CRC check, or it tests nothing but the CRC.
  expect(outcomes.get("ok") ?? 0).toBeGreaterThan(ITERATIONS / 100);
  expect(outcomes.get("CORRUPT_MESSAGE") ?? 0).toBeGreaterThan(ITERATIONS / 10);
}, 120_000);
