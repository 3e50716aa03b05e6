/**
 * The schema-driven codec: one table per API (protocol/schemas/) drives encode and decode for every
 * version. A (schema, version) pair is compiled once into a list of per-field closures and cached, so
 * the hot path does no version arithmetic and no type dispatch.
 *
 * Flexible versions use compact lengths and end every struct with a tagged-field section. Tagged
 * fields holding their default are left off the wire (as Kafka does); unknown tags are kept under
 * `_unknownTaggedFields` and written back, so decode -> encode preserves them.
 */
import { StreamBusError, assert } from "./errors.ts";
import { defaultFactory, defaultTester } from "./codec-defaults.ts";
import { badValue, primitiveCodec, type ValueCodec } from "./codec-primitives.ts";
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from "./limits.ts";
import { Reader, Writer } from "./primitives.ts";
import {
  UNKNOWN_TAGS, checkVersion, inVersions,
  type FieldSchema, type FieldType, type Infer, type Input, type MessageSchema, type RawTaggedField, type StructType,
} from "./schema.ts";

type Obj = Record<string, unknown>;

interface CompiledField {
  readonly name: string;
  /** Where the field travels at this version. */
  readonly mode: "regular" | "tagged" | "absent";
  readonly codec: ValueCodec;
  readonly makeDefault: () => unknown;
  readonly isDefault: (v: unknown) => boolean;
  readonly tag: number;
}

function malformed(message: string): StreamBusError {
  return new StreamBusError("MALFORMED_FRAME", message);
}

function typeCodec(type: FieldType, version: number, flexible: boolean, nullable: boolean, path: string): ValueCodec {
  if (typeof type === "string") return primitiveCodec(type, flexible, nullable, path);
  if (type.kind === "struct") {
    assert(!nullable, `${path}: nullable structs are not used by any supported API`);
    return structCodec(type, version, flexible, path);
  }
  return arrayCodec(typeCodec(type.items, version, flexible, false, `${path}[]`), flexible, nullable, path);
}

function arrayCodec(item: ValueCodec, flexible: boolean, nullable: boolean, path: string): ValueCodec {
  const readItem = item.read;
  const writeItem = item.write;
  const minItemBytes = item.minBytes;
  return {
    read: (r) => {
      const n = flexible ? r.compactArrayLength(minItemBytes) : r.arrayLength(minItemBytes);
      if (n < 0) {
        if (!nullable) throw malformed(`${path}: non-nullable array is null`);
        return null;
      }
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(readItem(r));
      return out;
    },
    write: (w, v) => {
      if (v === null) {
        if (!nullable) throw badValue(path, "non-null array", v);
        if (flexible) w.unsignedVarint(0);
        else w.int32(-1);
        return;
      }
      if (!Array.isArray(v)) throw badValue(path, "array", v);
      if (flexible) w.compactArrayLength(v.length);
      else w.arrayLength(v.length);
      for (let i = 0; i < v.length; i++) writeItem(w, v[i]);
    },
    minBytes: flexible ? 1 : 4,
  };
}

function compileField(f: FieldSchema, version: number, flexible: boolean, path: string): CompiledField {
  const present = inVersions(f.versions, version);
  const tagged = present && inVersions(f.taggedVersions, version);
  assert(!tagged || flexible, `${path}: tagged in non-flexible version ${version}`);
  const nullable = inVersions(f.nullableVersions, version);
  return {
    name: f.name,
    mode: !present ? "absent" : tagged ? "tagged" : "regular",
    codec: typeCodec(f.type, version, flexible, nullable, path),
    makeDefault: defaultFactory(f),
    isDefault: defaultTester(f),
    tag: f.tag ?? -1,
  };
}

function structCodec(type: StructType, version: number, flexible: boolean, path: string): ValueCodec {
  const fields = type.fields.map((f) => compileField(f, version, flexible, `${path}.${f.name}`));
  const regular = fields.filter((f) => f.mode === "regular");
  const tagged = fields.filter((f) => f.mode === "tagged").sort((a, b) => a.tag - b.tag);
  const taggedByTag = new Map(tagged.map((f) => [f.tag, f]));
  assert(taggedByTag.size === tagged.length, `${path}: duplicate tags`);
  const minBytes = regular.reduce((sum, f) => sum + f.codec.minBytes, flexible ? 1 : 0);
  const EMPTY: Obj = {};
  return {
    read: (r) => {
      const obj: Obj = {};
      // Assign every field in declared order so all decoded objects of a struct share one shape.
      for (const f of fields) obj[f.name] = f.mode === "regular" ? f.codec.read(r) : f.makeDefault();
      if (flexible) readTaggedFields(r, obj, taggedByTag, path);
      return obj;
    },
    write: (w, v) => {
      const obj = v === undefined ? EMPTY : (v as Obj);
      if (obj === null || typeof obj !== "object") throw badValue(path, "object", v);
      for (const f of regular) {
        const value = obj[f.name];
        f.codec.write(w, value === undefined ? f.makeDefault() : value);
      }
      if (flexible) writeTaggedFields(w, obj, tagged, path);
    },
    minBytes,
  };
}

function readTaggedFields(r: Reader, obj: Obj, byTag: Map<number, CompiledField>, path: string): void {
  const count = r.taggedFieldCount();
  let lastTag = -1;
  for (let i = 0; i < count; i++) {
    const tag = r.unsignedVarint();
    if (tag <= lastTag) throw malformed(`${path}: tagged fields out of order (tag ${tag} after ${lastTag})`);
    lastTag = tag;
    const byteCount = r.unsignedVarint();
    if (byteCount > r.remaining()) throw malformed(`${path}: tagged field ${tag} needs ${byteCount} bytes but ${r.remaining()} remain`);
    const f = byTag.get(tag);
    if (f === undefined) {
      const unknown = (obj[UNKNOWN_TAGS] ??= []) as RawTaggedField[];
      unknown.push({ tag, data: r.raw(byteCount) });
      continue;
    }
    const end = r.pos + byteCount;
    const sub = new Reader(r.buf, r.limits, r.pos, end);
    obj[f.name] = f.codec.read(sub);
    if (sub.pos !== end) throw malformed(`${path}.${f.name}: tagged field has ${end - sub.pos} bytes left over`);
    r.pos = end;
  }
}

function writeTaggedFields(w: Writer, obj: Obj, tagged: readonly CompiledField[], path: string): void {
  const unknown = obj[UNKNOWN_TAGS] as RawTaggedField[] | undefined;
  const present = tagged.filter((f) => !f.isDefault(obj[f.name]));
  if (present.length === 0 && (unknown === undefined || unknown.length === 0)) {
    w.unsignedVarint(0);
    return;
  }
  const entries: RawTaggedField[] = present.map((f) => {
    const scratch = new Writer(64);
    f.codec.write(scratch, obj[f.name]);
    return { tag: f.tag, data: scratch.finish() };
  });
  if (unknown !== undefined) {
    if (!Array.isArray(unknown)) throw badValue(`${path}.${UNKNOWN_TAGS}`, "array", unknown);
    entries.push(...unknown);
    entries.sort((a, b) => a.tag - b.tag);
  }
  w.unsignedVarint(entries.length);
  for (const e of entries) {
    w.unsignedVarint(e.tag);
    w.unsignedVarint(e.data.length);
    w.raw(e.data);
  }
}

const compiled = new WeakMap<MessageSchema, Map<number, ValueCodec>>();

/** The compiled codec of one (schema, version), built on first use. */
function codecOf(schema: MessageSchema, version: number): ValueCodec {
  let byVersion = compiled.get(schema);
  if (byVersion === undefined) compiled.set(schema, (byVersion = new Map()));
  let codec = byVersion.get(version);
  if (codec === undefined) {
    checkVersion(schema, version);
    const flexible = inVersions(schema.flexibleVersions, version);
    codec = structCodec({ kind: "struct", name: schema.name, fields: schema.fields }, version, flexible, `${schema.name}v${version}`);
    byVersion.set(version, codec);
  }
  return codec;
}

/** Appends the body of a message to `w`. Fields left undefined take their defaults. */
export function encodeMessageInto<S extends MessageSchema>(w: Writer, schema: S, version: number, body: Input<S>): void {
  codecOf(schema, version).write(w, body);
}

/**
 * Encodes a message body (no header, no length prefix).
 *
 * @example
 * const bytes = encodeMessage(MetadataRequest, 1, { topics: null });
 */
export function encodeMessage<S extends MessageSchema>(schema: S, version: number, body: Input<S>): Uint8Array {
  const w = new Writer();
  encodeMessageInto(w, schema, version, body);
  return w.finish();
}

/** Decodes a message body from the reader's position; leaves the reader after the body. */
export function decodeMessageFrom<S extends MessageSchema>(r: Reader, schema: S, version: number): Infer<S> {
  return codecOf(schema, version).read(r) as Infer<S>;
}

/**
 * Decodes a whole message body; trailing bytes are MALFORMED_FRAME (a body has exactly one reading).
 *
 * @example
 * const req = decodeMessage(MetadataRequest, 1, bytes);
 */
export function decodeMessage<S extends MessageSchema>(
  schema: S, version: number, bytes: Uint8Array, limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS,
): Infer<S> {
  const r = new Reader(bytes, limits);
  const body = decodeMessageFrom(r, schema, version);
  if (r.remaining() !== 0) throw malformed(`${schema.name} v${version}: ${r.remaining()} bytes left after the body`);
  return body;
}
