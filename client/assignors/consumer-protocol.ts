/**
 * The "consumer" embedded protocol: the bytes a consumer puts in JoinGroup's protocol metadata
 * (Subscription) and the leader puts in SyncGroup's assignments (Assignment). Layouts from Kafka's
 * ConsumerProtocolSubscription.json (v0-3) and ConsumerProtocolAssignment.json (v0-3, same fields):
 *
 *   Subscription: int16 version, topics [string], userData nullable bytes,
 *                 v1+ ownedPartitions [topic string, partitions [int32]], v2+ generationId int32, v3+ rackId nullable string
 *   Assignment:   int16 version, assignedPartitions [topic string, partitions [int32]], userData nullable bytes
 *
 * Neither is flexible. As Kafka does, a newer version than we know is read with the newest layout we
 * know and the rest ignored (new versions may only append fields).
 */
import { StreamBusError } from "../../protocol/errors.ts";
import { Reader, Writer } from "../../protocol/primitives.ts";

/** Partitions of one topic. */
export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** A consumer's subscription (JoinGroup metadata). */
export interface Subscription {
  readonly topics: readonly string[];
  readonly userData: Uint8Array | null;
  /** v1+: what the member owns now (cooperative rebalancing, KIP-429). */
  readonly ownedPartitions: readonly TopicPartitions[];
  /** v2+: the generation in which it got them; -1 when unknown. */
  readonly generationId: number;
  /** v3+: the consumer's rack (client.rack), for rack-aware assignors. */
  readonly rackId: string | null;
}

/** A member's assignment (SyncGroup assignment bytes). */
export interface Assignment {
  readonly partitions: readonly TopicPartitions[];
  readonly userData: Uint8Array | null;
}

/** The newest versions we read fully. */
export const SUBSCRIPTION_VERSION_MAX = 3;
export const ASSIGNMENT_VERSION_MAX = 3;

function writeTopicPartitions(w: Writer, list: readonly TopicPartitions[]): void {
  w.arrayLength(list.length);
  for (const tp of list) {
    w.string(tp.topic);
    w.arrayLength(tp.partitions.length);
    for (const p of tp.partitions) w.int32(p);
  }
}

function readTopicPartitions(r: Reader): TopicPartitions[] {
  const n = r.arrayLength(6); // topic length (2) + partition count (4)
  if (n < 0) throw new StreamBusError("MALFORMED_FRAME", "topic partitions array is null");
  const out: TopicPartitions[] = [];
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const count = r.arrayLength(4);
    if (count < 0) throw new StreamBusError("MALFORMED_FRAME", "partitions array is null");
    const partitions: number[] = [];
    for (let j = 0; j < count; j++) partitions.push(r.int32());
    out.push({ topic, partitions });
  }
  return out;
}

/**
 * Encodes a subscription at `version` (fields newer than the version are left out).
 *
 * @example
 * const metadata = encodeSubscription({ topics: ["orders"], userData: null, ownedPartitions: [], generationId: -1, rackId: null });
 */
export function encodeSubscription(s: Subscription, version = 2): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > SUBSCRIPTION_VERSION_MAX) throw new StreamBusError("UNSUPPORTED_VERSION", `subscription v${version}`);
  const w = new Writer(64);
  w.int16(version);
  w.arrayLength(s.topics.length);
  for (const t of s.topics) w.string(t);
  w.nullableBytes(s.userData);
  if (version >= 1) writeTopicPartitions(w, s.ownedPartitions);
  if (version >= 2) w.int32(s.generationId);
  if (version >= 3) w.nullableString(s.rackId);
  return w.finish().slice();
}

/** Decodes a subscription of any version (fields a version lacks get their defaults). */
export function decodeSubscription(bytes: Uint8Array): Subscription & { version: number } {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version < 0) throw new StreamBusError("MALFORMED_FRAME", `subscription version ${version}`);
  const n = r.arrayLength(2);
  if (n < 0) throw new StreamBusError("MALFORMED_FRAME", "subscription topics array is null");
  const topics: string[] = [];
  for (let i = 0; i < n; i++) topics.push(r.string());
  const userData = r.nullableBytes()?.slice() ?? null;
  const ownedPartitions = version >= 1 ? readTopicPartitions(r) : [];
  const generationId = version >= 2 ? r.int32() : -1;
  const rackId = version >= 3 ? r.nullableString() : null;
  return { version, topics, userData, ownedPartitions, generationId, rackId };
}

/** Encodes an assignment (v0 unless asked; v1-v3 have the same layout). */
export function encodeAssignment(a: Assignment, version = 0): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > ASSIGNMENT_VERSION_MAX) throw new StreamBusError("UNSUPPORTED_VERSION", `assignment v${version}`);
  const w = new Writer(64);
  w.int16(version);
  writeTopicPartitions(w, a.partitions);
  w.nullableBytes(a.userData);
  return w.finish().slice();
}

/** Decodes an assignment. Empty bytes (what the coordinator gives a member the leader left out) decode as nothing assigned. */
export function decodeAssignment(bytes: Uint8Array): Assignment & { version: number } {
  if (bytes.length === 0) return { version: 0, partitions: [], userData: null };
  const r = new Reader(bytes);
  const version = r.int16();
  if (version < 0) throw new StreamBusError("MALFORMED_FRAME", `assignment version ${version}`);
  const partitions = readTopicPartitions(r);
  const userData = r.nullableBytes()?.slice() ?? null;
  return { version, partitions, userData };
}
