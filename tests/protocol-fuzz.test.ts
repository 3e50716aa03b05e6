/**
 * Fuzz: mutated request streams through FrameSplitter + decodeRequest must only ever fail with a
 * StreamBusError (never a RangeError, TypeError or hang), and whatever decodes must re-encode.
 * Seeded; reproduce with STREAMBUS_SEED=<printed seed>.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { API_LIST } from "../protocol/apis.ts";
import { decodeRequest, encodeRequest } from "../protocol/envelope.ts";
import { StreamBusError } from "../protocol/errors.ts";
import { FrameSplitter } from "../protocol/frame.ts";
import { protocolLimits } from "../protocol/limits.ts";
import { Rng, randomMessage, testSeed } from "./helpers/protocol-random.ts";

const SEED = testSeed();
const MUTATED_FRAME_COUNT = 100_000;
const TIME_BUDGET_MS = 20_000;
const LIMITS = protocolLimits({ maxFrameBytes: 1 << 16, maxBytesFieldBytes: 1 << 16, maxStringBytes: 1 << 12, maxArrayLength: 1 << 12 });
const INTERESTING_INT32 = [0, 1, -1, -2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, -0x80000000];

function corpus(rng: Rng): Uint8Array[] {
  const dir = join(import.meta.dir, "..", "protocol", "testdata");
  const frames = readdirSync(dir).filter((f) => f.endsWith(".hex"))
    .map((f) => Uint8Array.from(Buffer.from(readFileSync(join(dir, f), "utf8").replace(/\s+/g, ""), "hex")));
  for (const api of API_LIST) {
    for (let v = api.validVersions.min; v <= api.validVersions.max; v++) {
      const body = randomMessage(rng, api.request, v);
      frames.push(encodeRequest({ correlationId: rng.int(0, 1000), clientId: "fuzz" }, api.apiKey, v, body).slice(4));
    }
  }
  return frames;
}

function mutate(rng: Rng, seed: Uint8Array): Uint8Array {
  const out = Array.from(seed);
  const edits = rng.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(0, Math.max(0, out.length - 1));
    switch (rng.int(0, 5)) {
      case 0: out[at] = rng.int(0, 255); break;                       // random byte
      case 1: out[at] = (out[at] ?? 0) ^ (1 << rng.int(0, 7)); break;  // bit flip
      case 2: out.length = rng.int(0, out.length); break;              // truncate
      case 3: out.splice(at, 0, ...rng.bytes(rng.int(1, 8))); break;   // insert
      case 4: out.splice(at, rng.int(1, 8)); break;                    // delete
      case 5: {                                                        // plant an edge-case int32 (a lying length)
        const v = INTERESTING_INT32[rng.int(0, INTERESTING_INT32.length - 1)]!;
        out.splice(at, 4, (v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
      }
    }
  }
  return Uint8Array.from(out);
}

function withPrefix(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + frame.length);
  new DataView(out.buffer).setInt32(0, frame.length);
  out.set(frame, 4);
  return out;
}

test(`${MUTATED_FRAME_COUNT} mutated frames give only typed errors`, () => {
  console.log(`protocol-fuzz seed=${SEED} (rerun with STREAMBUS_SEED=${SEED})`);
  const rng = new Rng(SEED);
  const seeds = corpus(rng);
  const started = performance.now();
  const outcomes = { decoded: 0, rejected: 0, incomplete: 0 };
  for (let i = 0; i < MUTATED_FRAME_COUNT; i++) {
    const frame = mutate(rng, seeds[rng.int(0, seeds.length - 1)]!);
    // Half the time the prefix is mutated too, so the splitter sees lying lengths.
    const stream = rng.chance(0.5) ? withPrefix(frame) : mutate(rng, withPrefix(frame));
    const splitter = new FrameSplitter(LIMITS.maxFrameBytes);
    try {
      const cut = rng.int(0, stream.length);
      const frames = [...splitter.push(stream.subarray(0, cut)), ...splitter.push(stream.subarray(cut))];
      if (frames.length === 0) outcomes.incomplete++; // a mutated prefix promised more bytes than came
      for (const f of frames) {
        const d = decodeRequest(f, LIMITS);
        encodeRequest(d.header, d.apiKey, d.apiVersion, d.body); // anything we accept, we can write back
        outcomes.decoded++;
      }
      expect(splitter.bufferedBytes()).toBeLessThanOrEqual(4 + LIMITS.maxFrameBytes);
    } catch (e) {
      if (!(e instanceof StreamBusError)) {
        throw new Error(`seed ${SEED} case ${i}: untyped error for frame ${Buffer.from(stream).toString("hex")}: ${e}`, { cause: e });
      }
      outcomes.rejected++;
    }
  }
  const elapsedMs = performance.now() - started;
  console.log(`protocol-fuzz: ${MUTATED_FRAME_COUNT} frames in ${elapsedMs.toFixed(0)} ms`, outcomes);
  expect(elapsedMs).toBeLessThan(TIME_BUDGET_MS);
  expect(outcomes.rejected).toBeGreaterThan(0);
}, 30_000);
