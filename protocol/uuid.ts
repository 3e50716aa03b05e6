/**
 * Kafka UUIDs (topic ids, directory ids) as strings in Kafka's own display form: 16 bytes in
 * URL-safe base64 without padding (22 characters), as `kafka-topics --describe` prints them.
 * Strings keep ids usable as Map keys and in JSON; conversion happens only at the codec edge.
 */
import { StreamBusError } from "./errors.ts";

/** The all-zero UUID Kafka uses for "no id". */
export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

/** Formats 16 bytes at `pos` of `buf` as a 22-character base64url string. */
export function uuidToString(buf: Uint8Array, pos = 0): string {
  let out = "";
  // 16 bytes = 5 groups of 3 bytes (20 chars) + 1 byte (2 chars).
  for (let i = 0; i < 15; i += 3) {
    const n = (buf[pos + i]! << 16) | (buf[pos + i + 1]! << 8) | buf[pos + i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const last = buf[pos + 15]!;
  return out + ALPHABET[last >> 2]! + ALPHABET[(last & 3) << 4]!;
}

/** Writes the 16 bytes of a base64url UUID string into `buf` at `pos`. */
export function uuidToBytes(id: string, buf: Uint8Array = new Uint8Array(16), pos = 0): Uint8Array {
  if (id.length !== 22) throw new StreamBusError("INVALID_REQUEST", `UUID "${id}" is not 22 base64url characters`);
  const sextet = (i: number): number => {
    const c = id.charCodeAt(i);
    const v = c < 128 ? INDEX[c]! : -1;
    if (v < 0) throw new StreamBusError("INVALID_REQUEST", `UUID "${id}" has a character outside base64url`);
    return v;
  };
  for (let i = 0, o = pos; i < 20; i += 4, o += 3) {
    const n = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    buf[o] = n >> 16;
    buf[o + 1] = (n >> 8) & 255;
    buf[o + 2] = n & 255;
  }
  const tail = sextet(21);
  if ((tail & 15) !== 0) throw new StreamBusError("INVALID_REQUEST", `UUID "${id}" has non-canonical trailing bits`);
  buf[pos + 15] = (sextet(20) << 2) | (tail >> 4);
  return buf;
}
