/**
 * Field defaults, as Kafka's generated code uses them: the value a decoder fills in for a field the
 * version does not carry, the value an encoder writes for a field the caller left out, and the test
 * that lets a tagged field be omitted from the wire when it holds its default.
 */
import { UNKNOWN_TAGS, type FieldSchema, type FieldType, type PrimitiveType } from "./schema.ts";
import { ZERO_UUID } from "./uuid.ts";

const EMPTY_BYTES = new Uint8Array(0);

function zeroOf(type: PrimitiveType, nullable: boolean): unknown {
  switch (type) {
    case "bool": return false;
    case "int64": return 0n;
    case "string": return "";
    case "uuid": return ZERO_UUID;
    case "bytes": return EMPTY_BYTES;
    // Kafka's generated code starts records fields as null; they are nullable in every definition.
    case "records": return nullable ? null : EMPTY_BYTES;
    default: return 0;
  }
}

function anyVersionNullable(field: FieldSchema): boolean {
  return field.nullableVersions.min <= field.nullableVersions.max;
}

/** Returns a function making a fresh default for the field (fresh, because arrays and structs are mutable). */
export function defaultFactory(field: FieldSchema): () => unknown {
  const explicit = field.default;
  if (explicit === null) return () => null;
  return typeFactory(field.type, explicit, anyVersionNullable(field));
}

function typeFactory(type: FieldType, explicit: unknown, nullable: boolean): () => unknown {
  if (typeof type === "string") {
    const value = explicit !== undefined ? explicit : zeroOf(type, nullable);
    return () => value;
  }
  if (type.kind === "array") return () => [];
  const makers = type.fields.map((f) => [f.name, defaultFactory(f)] as const);
  return () => {
    const obj: Record<string, unknown> = {};
    for (const [name, make] of makers) obj[name] = make();
    return obj;
  };
}

/** Returns a test for "this value equals the field's default" that allocates nothing. */
export function defaultTester(field: FieldSchema): (v: unknown) => boolean {
  const explicit = field.default;
  if (explicit === null) return (v) => v === null || v === undefined;
  const type = field.type;
  if (typeof type === "string") {
    const value = explicit !== undefined ? explicit : zeroOf(type, anyVersionNullable(field));
    if (value instanceof Uint8Array) return (v) => v === undefined || (v instanceof Uint8Array && v.length === 0);
    return (v) => v === undefined || v === value;
  }
  if (type.kind === "array") return (v) => v === undefined || (Array.isArray(v) && v.length === 0);
  const testers = type.fields.map((f) => [f.name, defaultTester(f)] as const);
  return (v) => {
    if (v === undefined) return true;
    if (v === null || typeof v !== "object") return false;
    const obj = v as Record<string, unknown>;
    if (obj[UNKNOWN_TAGS] !== undefined && (obj[UNKNOWN_TAGS] as unknown[]).length > 0) return false;
    for (const [name, test] of testers) if (!test(obj[name])) return false;
    return true;
  };
}
