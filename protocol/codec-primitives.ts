/**
 * Value codecs for primitive field types, chosen once per (type, flexible, nullable) when a schema
 * version is compiled, so the hot path runs one closure per field with no type switch.
 * Encoders check the JS value's type and range: a wrong value is a caller bug we report with the
 * field's path (INVALID_REQUEST) instead of writing bytes that mean something else.
 */
import { StreamBusError } from "./errors.ts";
import type { Reader, Writer } from "./primitives.ts";
import type { PrimitiveType } from "./schema.ts";

/** Reads and writes one value of a field type. `minBytes` is the smallest encoding (for array checks). */
export interface ValueCodec {
  readonly read: (r: Reader) => unknown;
  readonly write: (w: Writer, v: unknown) => void;
  readonly minBytes: number;
}

/** The error for a JS value that does not fit its field. */
export function badValue(path: string, expected: string, v: unknown): StreamBusError {
  const shown = typeof v === "bigint" ? `${v}n` : typeof v === "string" ? JSON.stringify(v.slice(0, 40)) : String(v);
  return new StreamBusError("INVALID_REQUEST", `${path}: expected ${expected}, got ${shown}`);
}

function intCodec(path: string, bits: 8 | 16 | 32, signed: boolean, read: (r: Reader) => number, put: (w: Writer, v: number) => void): ValueCodec {
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const name = `${signed ? "int" : "uint"}${bits}`;
  return {
    read,
    write: (w, v) => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw badValue(path, name, v);
      put(w, v);
    },
    minBytes: bits / 8,
  };
}

function nullableCheck(path: string, nullable: boolean, expected: string, check: (v: unknown) => boolean) {
  return (v: unknown): boolean => {
    if (v === null) {
      if (!nullable) throw badValue(path, `non-null ${expected}`, v);
      return true;
    }
    if (!check(v)) throw badValue(path, expected, v);
    return false;
  };
}

const isString = (v: unknown): boolean => typeof v === "string";
const isBytes = (v: unknown): boolean => v instanceof Uint8Array;

function stringCodec(path: string, flexible: boolean, nullable: boolean): ValueCodec {
  const isNull = nullableCheck(path, nullable, "string", isString);
  const read = flexible
    ? (nullable ? (r: Reader) => r.compactNullableString() : (r: Reader) => r.compactString())
    : (nullable ? (r: Reader) => r.nullableString() : (r: Reader) => r.string());
  const write = flexible
    ? (w: Writer, v: unknown) => { if (isNull(v)) w.unsignedVarint(0); else w.compactString(v as string); }
    : (w: Writer, v: unknown) => { if (isNull(v)) w.int16(-1); else w.string(v as string); };
  return { read, write, minBytes: flexible ? 1 : 2 };
}

function bytesCodec(path: string, flexible: boolean, nullable: boolean): ValueCodec {
  const isNull = nullableCheck(path, nullable, "Uint8Array", isBytes);
  const read = flexible
    ? (nullable ? (r: Reader) => r.compactNullableBytes() : (r: Reader) => r.compactBytes())
    : (nullable ? (r: Reader) => r.nullableBytes() : (r: Reader) => r.bytes());
  const write = flexible
    ? (w: Writer, v: unknown) => { if (isNull(v)) w.unsignedVarint(0); else w.compactBytes(v as Uint8Array); }
    : (w: Writer, v: unknown) => { if (isNull(v)) w.int32(-1); else w.bytes(v as Uint8Array); };
  return { read, write, minBytes: flexible ? 1 : 4 };
}

/** The codec of a primitive type at one version's encoding (flexible or not, nullable or not). */
export function primitiveCodec(type: PrimitiveType, flexible: boolean, nullable: boolean, path: string): ValueCodec {
  switch (type) {
    case "bool":
      return {
        read: (r) => r.bool(),
        write: (w, v) => { if (typeof v !== "boolean") throw badValue(path, "boolean", v); w.bool(v); },
        minBytes: 1,
      };
    case "int8": return intCodec(path, 8, true, (r) => r.int8(), (w, v) => w.int8(v));
    case "int16": return intCodec(path, 16, true, (r) => r.int16(), (w, v) => w.int16(v));
    case "uint16": return intCodec(path, 16, false, (r) => r.uint16(), (w, v) => w.uint16(v));
    case "int32": return intCodec(path, 32, true, (r) => r.int32(), (w, v) => w.int32(v));
    case "uint32": return intCodec(path, 32, false, (r) => r.uint32(), (w, v) => w.uint32(v));
    case "int64":
      return {
        read: (r) => r.int64(),
        write: (w, v) => {
          if (typeof v !== "bigint" || BigInt.asIntN(64, v) !== v) throw badValue(path, "int64 bigint", v);
          w.int64(v);
        },
        minBytes: 8,
      };
    case "float64":
      return {
        read: (r) => r.float64(),
        write: (w, v) => { if (typeof v !== "number") throw badValue(path, "number", v); w.float64(v); },
        minBytes: 8,
      };
    case "uuid":
      return {
        read: (r) => r.uuid(),
        write: (w, v) => { if (typeof v !== "string") throw badValue(path, "base64url uuid string", v); w.uuid(v); },
        minBytes: 16,
      };
    case "string": return stringCodec(path, flexible, nullable);
    case "bytes":
    case "records": return bytesCodec(path, flexible, nullable);
  }
}
