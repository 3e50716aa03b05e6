/**
 * The declarative schema language for Kafka messages. Each API's table (protocol/schemas/) is written
 * with these builders from Kafka's public message definitions; codec.ts compiles a table once per
 * version into encode/decode closures. The builders keep literal names and types so that
 * {@link Infer} gives every message a TypeScript type without a second, hand-written declaration.
 */
import { StreamBusError, assert } from "./errors.ts";

/** Wire types that are not structs or arrays. `records` is an opaque RecordBatch byte range. */
export type PrimitiveType =
  | "bool" | "int8" | "int16" | "uint16" | "int32" | "uint32" | "int64" | "float64"
  | "string" | "bytes" | "records" | "uuid";

/** An inclusive version range; `max` is Infinity for "N+". An empty range has min > max. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export interface StructType<F extends readonly FieldSchema[] = readonly FieldSchema[]> {
  readonly kind: "struct";
  readonly name: string;
  readonly fields: F;
}

export interface ArrayType<I extends PrimitiveType | StructType = PrimitiveType | StructType> {
  readonly kind: "array";
  readonly items: I;
}

export type FieldType = PrimitiveType | StructType | ArrayType;

/** Per-field options, as in Kafka's definitions. Version strings: "3+", "0-2", "5", "none". */
export interface FieldOptions {
  /** Versions in which the field may be null. */
  readonly nullable?: string;
  /** Tag number; with `tagged`, the field travels in the tagged-field section. */
  readonly tag?: number;
  /** Versions in which the field is tagged. */
  readonly tagged?: string;
  /** Value used when the field is absent from a version (or omitted when encoding). */
  readonly default?: unknown;
}

export interface FieldSchema<N extends string = string, T extends FieldType = FieldType, Nullable extends boolean = boolean> {
  readonly name: N;
  readonly type: T;
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange;
  readonly tag: number | undefined;
  readonly taggedVersions: VersionRange;
  /** Explicit default, or undefined for the type's zero value. */
  readonly default: unknown;
  /** Type-level only: whether any version allows null. */
  readonly nullableMarker?: Nullable;
}

/** One request or response definition. */
export interface MessageSchema<F extends readonly FieldSchema[] = readonly FieldSchema[]> {
  readonly name: string;
  readonly apiKey: number;
  readonly type: "request" | "response";
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly fields: F;
}

const NONE: VersionRange = Object.freeze({ min: 1, max: 0 });

/** Parses "3+", "0-2", "5" or "none". */
export function parseVersions(spec: string): VersionRange {
  if (spec === "none") return NONE;
  const m = /^(\d+)(?:(\+)|-(\d+))?$/.exec(spec);
  assert(m !== null, `bad version range "${spec}"`);
  const min = Number(m[1]);
  const max = m[2] ? Infinity : m[3] !== undefined ? Number(m[3]) : min;
  assert(min <= max, `empty version range "${spec}"`);
  return Object.freeze({ min, max });
}

/** True when `version` lies in `range`. */
export function inVersions(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

/**
 * Declares a field.
 *
 * @example
 * field("rack", "string", "1+", { nullable: "1+", default: null })
 */
export function field<const N extends string, const T extends FieldType, const O extends FieldOptions = {}>(
  name: N, type: T, versions: string, options?: O,
): FieldSchema<N, T, O extends { nullable: string } ? true : false> {
  const o: FieldOptions = options ?? {};
  assert((o.tag === undefined) === (o.tagged === undefined), `field ${name}: tag and tagged go together`);
  return Object.freeze({
    name,
    type,
    versions: parseVersions(versions),
    nullableVersions: o.nullable === undefined ? NONE : parseVersions(o.nullable),
    tag: o.tag,
    taggedVersions: o.tagged === undefined ? NONE : parseVersions(o.tagged),
    default: o.default,
  });
}

/** Declares a struct type (the element of an array, or a nested struct field). */
export function struct<const F extends readonly FieldSchema[]>(name: string, fields: F): StructType<F> {
  return Object.freeze({ kind: "struct", name, fields });
}

/** Declares an array type. */
export function array<const I extends PrimitiveType | StructType>(items: I): ArrayType<I> {
  return Object.freeze({ kind: "array", items });
}

/** Declares a request or response message. */
export function message<const F extends readonly FieldSchema[]>(def: {
  name: string; apiKey: number; type: "request" | "response"; valid: string; flexible: string; fields: F;
}): MessageSchema<F> {
  return Object.freeze({
    name: def.name,
    apiKey: def.apiKey,
    type: def.type,
    validVersions: parseVersions(def.valid),
    flexibleVersions: parseVersions(def.flexible),
    fields: def.fields,
  });
}

/** Throws UNSUPPORTED_VERSION unless `version` is valid for `schema`. */
export function checkVersion(schema: MessageSchema, version: number): void {
  if (!Number.isInteger(version) || !inVersions(schema.validVersions, version)) {
    throw new StreamBusError("UNSUPPORTED_VERSION", `${schema.name} has no version ${version}`, {
      apiKey: schema.apiKey, version, validVersions: `${schema.validVersions.min}-${schema.validVersions.max}`,
    });
  }
}

/** A tagged field this schema does not know, kept as raw bytes so re-encoding preserves it. */
export interface RawTaggedField {
  readonly tag: number;
  readonly data: Uint8Array;
}

/** Property under which a decoded struct keeps tagged fields it did not recognise. */
export const UNKNOWN_TAGS = "_unknownTaggedFields";

interface PrimitiveTs {
  bool: boolean; int8: number; int16: number; uint16: number; int32: number; uint32: number;
  int64: bigint; float64: number; string: string; bytes: Uint8Array; records: Uint8Array; uuid: string;
}

type TypeOf<T> =
  T extends PrimitiveType ? PrimitiveTs[T]
  : T extends StructType<infer F> ? InferFields<F>
  : T extends ArrayType<infer I> ? TypeOf<I>[]
  : never;

type FieldValue<F> = F extends FieldSchema<string, infer T, infer Nullable>
  ? (Nullable extends true ? TypeOf<T> | null : TypeOf<T>) : never;

/** The decoded shape of a list of fields: every field present (absent versions give defaults). */
export type InferFields<F extends readonly FieldSchema[]> =
  { [K in F[number] as K["name"]]: FieldValue<K> } & { [UNKNOWN_TAGS]?: RawTaggedField[] };

/**
 * The decoded type of a message schema.
 *
 * @example
 * type MetadataRequestData = Infer<typeof MetadataRequest>;
 */
export type Infer<S extends MessageSchema> = S extends MessageSchema<infer F> ? InferFields<F> : never;

type InputOf<T> =
  T extends PrimitiveType ? PrimitiveTs[T]
  : T extends StructType<infer F> ? InputFields<F>
  : T extends ArrayType<infer I> ? InputOf<I>[]
  : never;

type FieldInput<F> = F extends FieldSchema<string, infer T, infer Nullable>
  ? (Nullable extends true ? InputOf<T> | null : InputOf<T>) : never;

/** Encoder input for a list of fields: any field may be left out and then takes its default. */
export type InputFields<F extends readonly FieldSchema[]> =
  { [K in F[number] as K["name"]]?: FieldInput<K> } & { [UNKNOWN_TAGS]?: RawTaggedField[] };

/** What encode accepts for a message schema. */
export type Input<S extends MessageSchema> = S extends MessageSchema<infer F> ? InputFields<F> : never;
