/**
 * Seeded random messages from a schema, for round-trip property tests. Fields a version does not
 * carry get their defaults (what decode fills in), so decode(encode(x)) must equal x exactly.
 */
import { defaultFactory } from "../../protocol/codec-defaults.ts";
import { inVersions, type FieldSchema, type FieldType, type MessageSchema, type PrimitiveType } from "../../protocol/schema.ts";
import { seededRandom } from "../../protocol/seeded-random.ts";
import { uuidToString } from "../../protocol/uuid.ts";

/** Helpers over the shared seeded PRNG (protocol/seeded-random.ts): same seed, same sequence. */
export class Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number;
  constructor(seed: number) { this.next = seededRandom(seed); }
  /** Integer in [min, max]. */
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }
}

const STRING_PIECES = ["a", "topic", "-", "_", ".", "0", "Z", "é", "日本", "🚀", " "];

function randomPrimitive(rng: Rng, type: PrimitiveType): unknown {
  switch (type) {
    case "bool": return rng.chance(0.5);
    case "int8": return rng.int(-128, 127);
    case "int16": return rng.int(-32768, 32767);
    case "uint16": return rng.int(0, 65535);
    case "int32": return rng.chance(0.2) ? rng.int(-1, 1) : rng.int(-2147483648, 2147483647);
    case "uint32": return rng.int(0, 4294967295);
    case "int64": return BigInt.asIntN(64, (BigInt(rng.int(0, 0xffffffff)) << 32n) | BigInt(rng.int(0, 0xffffffff)));
    case "float64": return (rng.next() - 0.5) * 1e6;
    case "uuid": return uuidToString(rng.bytes(16));
    case "string": {
      let s = "";
      const pieces = rng.int(0, 6);
      for (let i = 0; i < pieces; i++) s += STRING_PIECES[rng.int(0, STRING_PIECES.length - 1)];
      return s;
    }
    case "bytes":
    case "records": return rng.bytes(rng.int(0, 24));
  }
}

function randomValue(rng: Rng, type: FieldType, version: number, nullable: boolean): unknown {
  if (nullable && rng.chance(0.2)) return null;
  if (typeof type === "string") return randomPrimitive(rng, type);
  if (type.kind === "struct") return randomStruct(rng, type.fields, version);
  const n = rng.int(0, 3);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(randomValue(rng, type.items, version, false));
  return out;
}

function randomStruct(rng: Rng, fields: readonly FieldSchema[], version: number): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inVersions(f.versions, version)) obj[f.name] = defaultFactory(f)();
    else if (f.tag !== undefined && rng.chance(0.3)) obj[f.name] = defaultFactory(f)(); // tagged and left at default
    else obj[f.name] = randomValue(rng, f.type, version, inVersions(f.nullableVersions, version));
  }
  return obj;
}

/** A random body for `schema` at `version`, with every field set. */
export function randomMessage(rng: Rng, schema: MessageSchema, version: number): Record<string, unknown> {
  return randomStruct(rng, schema.fields, version);
}

/** The seed for this run: STREAMBUS_SEED if set, else a fresh one (always print it). */
export function testSeed(): number {
  const fromEnv = process.env.STREAMBUS_SEED;
  return fromEnv !== undefined ? Number(fromEnv) >>> 0 : Math.floor(Math.random() * 0xffffffff);
}
