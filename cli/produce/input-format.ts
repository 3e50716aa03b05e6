/**
 * The input side of kcat-like format strings: how one stdin line becomes a record.
 *
 * A format is literal text and placeholders: `%k` key, `%v` value (`%s` too, as kcat), `%t` timestamp
 * (ms since the epoch), `%p` partition, `%%` a percent sign; `\t` `\n` `\\` escapes as in kcat. Every
 * placeholder but the last ends at the first occurrence of the literal after it; the last one takes the
 * rest of the line (up to a trailing literal). So `%k\t%v` splits at the first tab, and `%t,%k,%v` lets
 * values contain commas. A trailing `\n` is ignored (records are lines). `-K SEP` is `%kSEP%v`, except
 * that a line without SEP becomes a record without a key (kcat's behaviour) instead of a bad line.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import { unescapeFormat } from "../escapes.ts";

export type Field = "key" | "value" | "timestamp" | "partition";

export interface ParsedLine {
  key: Uint8Array | null;
  value: Uint8Array;
  timestamp?: number;
  partition?: number;
}

const PLACEHOLDERS: Record<string, Field> = { k: "key", v: "value", s: "value", t: "timestamp", p: "partition" };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface InputFormat {
  /** Literal before each field, then the trailing literal: `literals.length === fields.length + 1`. */
  fields: Field[];
  literals: Uint8Array[];
}

/** Parses a `--format` string; mistakes are usage errors that quote the format. */
export function parseInputFormat(format: string): InputFormat {
  let text = unescapeFormat(format);
  if (text.endsWith("\n")) text = text.slice(0, -1);
  const fields: Field[] = [];
  const literals: string[] = [""];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "%") {
      literals[literals.length - 1] += c;
      continue;
    }
    const next = text[++i];
    if (next === "%") {
      literals[literals.length - 1] += "%";
      continue;
    }
    const field = next === undefined ? undefined : PLACEHOLDERS[next];
    if (!field) throw new StreamBusError("USAGE", `--format "${format}": unknown placeholder %${next ?? ""} (input formats know %k %v %s %t %p %%)`);
    if (fields.includes(field)) throw new StreamBusError("USAGE", `--format "${format}": ${field} appears twice`);
    if (fields.length > 0 && literals[literals.length - 1] === "") throw new StreamBusError("USAGE", `--format "${format}": two placeholders need text between them`);
    fields.push(field);
    literals.push("");
  }
  if (!fields.includes("value")) throw new StreamBusError("USAGE", `--format "${format}": needs %v (the value)`);
  return { fields, literals: literals.map((l) => encoder.encode(l)) };
}

function startsWithAt(line: Uint8Array, at: number, lit: Uint8Array): boolean {
  if (at + lit.length > line.length) return false;
  for (let i = 0; i < lit.length; i++) if (line[at + i] !== lit[i]) return false;
  return true;
}

function integerField(bytes: Uint8Array, field: Field): number | null {
  const s = decoder.decode(bytes);
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return field === "partition" && n > 2 ** 31 - 1 ? null : n;
}

/** Applies a format to one line; null when the line does not match. */
export function matchLine(f: InputFormat, line: Uint8Array): ParsedLine | null {
  const buf = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  if (!startsWithAt(line, 0, f.literals[0]!)) return null;
  let at = f.literals[0]!.length;
  const trailing = f.literals[f.fields.length]!;
  if (trailing.length > 0 && !startsWithAt(line, line.length - trailing.length, trailing)) return null;
  const out: ParsedLine = { key: null, value: new Uint8Array(0) };
  for (let i = 0; i < f.fields.length; i++) {
    const last = i === f.fields.length - 1;
    const end = last ? line.length - trailing.length : buf.indexOf(f.literals[i + 1]!, at);
    if (end < at) return null;
    const bytes = line.subarray(at, end);
    const field = f.fields[i]!;
    if (field === "key") out.key = bytes;
    else if (field === "value") out.value = bytes;
    else {
      const n = integerField(bytes, field);
      if (n === null) return null;
      out[field] = n;
    }
    at = last ? end : end + f.literals[i + 1]!.length;
  }
  return out;
}

/** `-K SEP`: key before the first SEP, value after; no SEP means no key. */
export function splitKey(line: Uint8Array, separator: Uint8Array): ParsedLine {
  const at = Buffer.from(line.buffer, line.byteOffset, line.byteLength).indexOf(separator);
  if (at < 0) return { key: null, value: line };
  return { key: line.subarray(0, at), value: line.subarray(at + separator.length) };
}
