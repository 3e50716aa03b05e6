/**
 * On-disk frames of the Raft log file and the snapshot file. A frame is u32 body length, u32 CRC32C of the
 * body, then the body, so a torn tail (a crash mid-write) is detected and cut off on recovery.
 * Log bodies: u8 kind (1 entry, 2 hard state). Entry: term, index (u64 as two u32), u8 entry kind, data.
 * Hard state: term (u64), vote (u32), commit (u64). Snapshot body: index, term (u64), conf, data.
 */
import { crc32c } from "@node-rs/crc32";
import { assert, StreamBusError } from "../protocol/errors.ts";
import { decodeConf, encodeConf } from "./membership.ts";
import { EntryKind, type Entry, type HardState, type Snapshot } from "./types.ts";

export const FRAME_HEADER_BYTES = 8;
/** Largest frame we write or accept: one entry or snapshot. */
export const FRAME_BYTES_MAX = 256 * 1024 * 1024;
const KIND_ENTRY = 1;
const KIND_HARD_STATE = 2;

export type LogRecord = { kind: "entry"; entry: Entry } | { kind: "hardState"; hardState: HardState };

function setU64(dv: DataView, pos: number, v: number): void {
  assert(Number.isSafeInteger(v) && v >= 0, `${v} is not a u64 we can hold`);
  dv.setUint32(pos, Math.floor(v / 2 ** 32));
  dv.setUint32(pos + 4, v >>> 0);
}

function getU64(dv: DataView, pos: number): number {
  return dv.getUint32(pos) * 2 ** 32 + dv.getUint32(pos + 4);
}

function frame(body: Uint8Array): Uint8Array {
  assert(body.byteLength <= FRAME_BYTES_MAX, `frame of ${body.byteLength} bytes over ${FRAME_BYTES_MAX}`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + body.byteLength);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, body.byteLength);
  dv.setUint32(4, crc32c(Buffer.from(body.buffer, body.byteOffset, body.byteLength)));
  out.set(body, FRAME_HEADER_BYTES);
  return out;
}

export function encodeEntryFrame(e: Entry): Uint8Array {
  const body = new Uint8Array(18 + e.data.byteLength);
  const dv = new DataView(body.buffer);
  dv.setUint8(0, KIND_ENTRY);
  setU64(dv, 1, e.term);
  setU64(dv, 9, e.index);
  dv.setUint8(17, e.kind);
  body.set(e.data, 18);
  return frame(body);
}

export function encodeHardStateFrame(hs: HardState): Uint8Array {
  const body = new Uint8Array(21);
  const dv = new DataView(body.buffer);
  dv.setUint8(0, KIND_HARD_STATE);
  setU64(dv, 1, hs.term);
  dv.setUint32(9, hs.vote);
  setU64(dv, 13, hs.commit);
  return frame(body);
}

/**
 * Reads the frame at `pos`: the record and the next position, or null when the bytes from `pos` on are
 * not a whole valid frame (a torn or corrupt tail).
 */
export function readLogFrame(buf: Uint8Array, pos: number): { record: LogRecord; next: number } | null {
  const body = readFrame(buf, pos);
  if (!body) return null;
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const next = pos + FRAME_HEADER_BYTES + body.byteLength;
  const kind = dv.getUint8(0);
  if (kind === KIND_ENTRY && body.byteLength >= 18) {
    const ek = dv.getUint8(17);
    if (ek !== EntryKind.Normal && ek !== EntryKind.Config) return null;
    const entry: Entry = { term: getU64(dv, 1), index: getU64(dv, 9), kind: ek, data: body.slice(18) };
    return { record: { kind: "entry", entry }, next };
  }
  if (kind === KIND_HARD_STATE && body.byteLength === 21) {
    return { record: { kind: "hardState", hardState: { term: getU64(dv, 1), vote: dv.getUint32(9), commit: getU64(dv, 13) } }, next };
  }
  return null;
}

function readFrame(buf: Uint8Array, pos: number): Uint8Array | null {
  if (pos + FRAME_HEADER_BYTES > buf.byteLength) return null;
  const dv = new DataView(buf.buffer, buf.byteOffset + pos, FRAME_HEADER_BYTES);
  const len = dv.getUint32(0);
  if (len === 0 || len > FRAME_BYTES_MAX || pos + FRAME_HEADER_BYTES + len > buf.byteLength) return null;
  const body = buf.subarray(pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + len);
  if (crc32c(Buffer.from(body.buffer, body.byteOffset, body.byteLength)) !== dv.getUint32(4)) return null;
  return body;
}

export function encodeSnapshotFile(s: Snapshot): Uint8Array {
  const conf = encodeConf(s.conf);
  const body = new Uint8Array(20 + conf.byteLength + s.data.byteLength);
  const dv = new DataView(body.buffer);
  setU64(dv, 0, s.index);
  setU64(dv, 8, s.term);
  dv.setUint32(16, conf.byteLength);
  body.set(conf, 20);
  body.set(s.data, 20 + conf.byteLength);
  return frame(body);
}

/** Decodes a snapshot file; a damaged file is an error (it was renamed into place only when whole). */
export function decodeSnapshotFile(buf: Uint8Array, path: string): Snapshot {
  const body = readFrame(buf, 0);
  if (!body || FRAME_HEADER_BYTES + body.byteLength !== buf.byteLength || body.byteLength < 20) {
    throw new StreamBusError("CORRUPT_MESSAGE", `raft snapshot ${path} is damaged (${buf.byteLength} bytes)`);
  }
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const confBytes = dv.getUint32(16);
  if (20 + confBytes > body.byteLength) throw new StreamBusError("CORRUPT_MESSAGE", `raft snapshot ${path}: bad conf length`);
  return {
    index: getU64(dv, 0),
    term: getU64(dv, 8),
    conf: decodeConf(body.subarray(20, 20 + confBytes)),
    data: body.slice(20 + confBytes),
  };
}
