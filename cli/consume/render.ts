/**
 * How consumed records are printed: kcat-like format strings (raw bytes, so binary values pass through
 * unchanged) or one JSON object per line (binary-safe: keys, values and header values that are not valid
 * UTF-8 are base64 with `keyEncoding`/`valueEncoding: "base64"`).
 *
 * Format placeholders: %t topic, %p partition, %o offset, %k key, %v or %s value, %T timestamp (ms),
 * %h headers as k=v,k=v, %K key length, %S value length (-1 for null), %% a percent sign; escapes \n \t \r \\.
 */
import type { ConsumerRecord } from "../../client/index.ts";
import { StreamBusError } from "../../protocol/errors.ts";
import { unescapeFormat } from "../escapes.ts";

type Rec = ConsumerRecord<Uint8Array, Uint8Array>;
export type RenderRecord = (r: Rec, out: Uint8Array[]) => void;

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const EMPTY = new Uint8Array(0);

const FIELDS: Record<string, (r: Rec) => Uint8Array> = {
  t: (r) => encoder.encode(r.topic),
  p: (r) => encoder.encode(String(r.partition)),
  o: (r) => encoder.encode(String(r.offset)),
  k: (r) => r.key ?? EMPTY,
  v: (r) => r.value ?? EMPTY,
  s: (r) => r.value ?? EMPTY,
  T: (r) => encoder.encode(String(r.timestamp)),
  K: (r) => encoder.encode(String(r.key?.length ?? -1)),
  S: (r) => encoder.encode(String(r.value?.length ?? -1)),
  h: (r) => {
    const parts: Uint8Array[] = [];
    r.headers.forEach((h, i) => {
      parts.push(encoder.encode(`${i > 0 ? "," : ""}${h.key}=`), h.value ?? EMPTY);
    });
    return Buffer.concat(parts);
  },
};

/** Compiles a `--format` string into a renderer that appends byte pieces to `out`. */
export function compileFormat(format: string): RenderRecord {
  const text = unescapeFormat(format);
  const ops: (Uint8Array | ((r: Rec) => Uint8Array))[] = [];
  let literal = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "%") {
      literal += text[i];
      continue;
    }
    const c = text[++i];
    if (c === "%") {
      literal += "%";
      continue;
    }
    const f = c === undefined ? undefined : FIELDS[c];
    if (!f) throw new StreamBusError("USAGE", `--format "${format}": unknown placeholder %${c ?? ""} (known: %t %p %o %k %v %s %T %h %K %S %%)`);
    if (literal) ops.push(encoder.encode(literal));
    literal = "";
    ops.push(f);
  }
  if (literal) ops.push(encoder.encode(literal));
  return (r, out) => {
    for (const op of ops) out.push(typeof op === "function" ? op(r) : op);
  };
}

/** Text when the bytes are valid UTF-8, else base64 with a marker saying so. */
function text(bytes: Uint8Array): { text: string; base64: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), base64: false };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"), base64: true };
  }
}

function jsonNumber(n: bigint): number | string {
  return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
}

/** One JSON object per record, newline-terminated. */
export const renderJson: RenderRecord = (r, out) => {
  const o: Record<string, unknown> = { topic: r.topic, partition: r.partition, offset: jsonNumber(r.offset), timestamp: jsonNumber(r.timestamp) };
  if (r.key === null) o.key = null;
  else {
    const k = text(r.key);
    o.key = k.text;
    if (k.base64) o.keyEncoding = "base64";
  }
  if (r.value === null) o.value = null;
  else {
    const v = text(r.value);
    o.value = v.text;
    if (v.base64) o.valueEncoding = "base64";
  }
  o.headers = r.headers.map((h) => {
    if (h.value === null) return { key: h.key, value: null };
    const v = text(h.value);
    return v.base64 ? { key: h.key, value: v.text, valueEncoding: "base64" } : { key: h.key, value: v.text };
  });
  out.push(encoder.encode(JSON.stringify(o) + "\n"));
};
