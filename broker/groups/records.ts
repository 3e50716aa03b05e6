/**
 * The records of the internal compacted topic `__consumer_offsets`, in Kafka's own layout (the
 * group-coordinator message definitions OffsetCommitKey/Value and GroupMetadataKey/Value), so Kafka's
 * tools can read our topic and compaction works per key:
 *
 *   key   = int16 version, then  v0/v1: group string, topic string, partition int32   (a committed offset)
 *                                 v2:    group string                                  (group metadata)
 *   value = int16 version, then the offset (v0-v3) or group metadata (v0-v3); a null value is a tombstone.
 *
 * We write offset values v3 and group values v3 (the newest non-flexible versions) and read v0-v3.
 * Key versions above 2 are the newer coordinator's record types: loaders skip them.
 */
import { StreamBusError, assert } from "../../protocol/errors.ts";
import { Reader, Writer } from "../../protocol/primitives.ts";

/** A decoded `__consumer_offsets` key. */
export type OffsetsTopicKey =
  | { readonly kind: "offset"; readonly groupId: string; readonly topic: string; readonly partition: number }
  | { readonly kind: "group"; readonly groupId: string }
  | { readonly kind: "other"; readonly version: number };

/** A committed offset as stored. */
export interface OffsetValue {
  readonly offset: bigint;
  /** -1 when unknown. */
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
}

/** One member as stored in group metadata. */
export interface MemberValue {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** The member's metadata for the group's selected protocol. */
  readonly subscription: Uint8Array;
  readonly assignment: Uint8Array;
}

/** A group's metadata as stored: written when a generation becomes Stable or the group becomes Empty. */
export interface GroupValue {
  readonly protocolType: string;
  readonly generation: number;
  readonly protocol: string | null;
  readonly leader: string | null;
  /** When the group entered its current state; -1 when unknown (values before v2). */
  readonly currentStateTimestampMs: number;
  readonly members: readonly MemberValue[];
}

const OFFSET_KEY_VERSION = 1;
const GROUP_KEY_VERSION = 2;
const OFFSET_VALUE_VERSION = 3;
const GROUP_VALUE_VERSION = 3;

function corrupt(message: string): StreamBusError {
  return new StreamBusError("CORRUPT_MESSAGE", `__consumer_offsets record: ${message}`);
}

function msToInt64(ms: number): bigint {
  assert(Number.isSafeInteger(ms), `timestamp ${ms} is a safe integer`);
  return BigInt(ms);
}

function int64ToMs(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw corrupt(`timestamp ${v} out of range`);
  return Number(v);
}

/** Key of a committed offset. */
export function encodeOffsetKey(groupId: string, topic: string, partition: number): Uint8Array {
  const w = new Writer(16 + groupId.length + topic.length);
  w.int16(OFFSET_KEY_VERSION);
  w.string(groupId);
  w.string(topic);
  w.int32(partition);
  return w.finish().slice();
}

/** Key of a group's metadata. */
export function encodeGroupKey(groupId: string): Uint8Array {
  const w = new Writer(8 + groupId.length);
  w.int16(GROUP_KEY_VERSION);
  w.string(groupId);
  return w.finish().slice();
}

/** Decodes any key; record types we do not use come back as `other`. */
export function decodeKey(bytes: Uint8Array): OffsetsTopicKey {
  const r = new Reader(bytes);
  const version = r.int16();
  let key: OffsetsTopicKey;
  if (version === 0 || version === 1) key = { kind: "offset", groupId: r.string(), topic: r.string(), partition: r.int32() };
  else if (version === 2) key = { kind: "group", groupId: r.string() };
  else return { kind: "other", version };
  if (r.remaining() !== 0) throw corrupt(`${r.remaining()} trailing bytes after a v${version} key`);
  return key;
}

/** Offset value, written as v3. */
export function encodeOffsetValue(v: OffsetValue): Uint8Array {
  const w = new Writer(32 + v.metadata.length);
  w.int16(OFFSET_VALUE_VERSION);
  w.int64(v.offset);
  w.int32(v.leaderEpoch);
  w.string(v.metadata);
  w.int64(msToInt64(v.commitTimestampMs));
  return w.finish().slice();
}

/** Reads offset values v0-v3. */
export function decodeOffsetValue(bytes: Uint8Array): OffsetValue {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version < 0 || version > 3) throw corrupt(`offset value version ${version} is not supported`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestampMs = int64ToMs(r.int64());
  if (version === 1) r.int64(); // expireTimestamp: retention is the broker's setting now, as in Kafka 2.1+
  if (r.remaining() !== 0) throw corrupt(`${r.remaining()} trailing bytes after a v${version} offset value`);
  return { offset, leaderEpoch, metadata, commitTimestampMs };
}

/** Group metadata value, written as v3. */
export function encodeGroupValue(v: GroupValue): Uint8Array {
  const w = new Writer(256);
  w.int16(GROUP_VALUE_VERSION);
  w.string(v.protocolType);
  w.int32(v.generation);
  w.nullableString(v.protocol);
  w.nullableString(v.leader);
  w.int64(msToInt64(v.currentStateTimestampMs));
  w.arrayLength(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId);
    w.nullableString(m.groupInstanceId);
    w.string(m.clientId);
    w.string(m.clientHost);
    w.int32(m.rebalanceTimeoutMs);
    w.int32(m.sessionTimeoutMs);
    w.bytes(m.subscription);
    w.bytes(m.assignment);
  }
  return w.finish().slice();
}

/** Reads group metadata values v0-v3. Byte fields are copies, safe to keep. */
export function decodeGroupValue(bytes: Uint8Array): GroupValue {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version < 0 || version > 3) throw corrupt(`group value version ${version} is not supported`);
  const protocolType = r.string();
  const generation = r.int32();
  const protocol = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestampMs = version >= 2 ? int64ToMs(r.int64()) : -1;
  // memberId, clientId, clientHost, sessionTimeout, subscription, assignment: at least 2+2+2+4+4+4 bytes.
  const count = r.arrayLength(18);
  if (count < 0) throw corrupt("group members array is null");
  const members: MemberValue[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const rebalance = version >= 1 ? r.int32() : null;
    const sessionTimeoutMs = r.int32();
    const subscription = r.bytes().slice();
    const assignment = r.bytes().slice();
    members.push({
      memberId, groupInstanceId, clientId, clientHost, sessionTimeoutMs, subscription, assignment,
      rebalanceTimeoutMs: rebalance ?? sessionTimeoutMs, // v0 had no rebalance timeout: Kafka used the session timeout
    });
  }
  if (r.remaining() !== 0) throw corrupt(`${r.remaining()} trailing bytes after a v${version} group value`);
  return { protocolType, generation, protocol, leader, currentStateTimestampMs, members };
}

/**
 * The `__consumer_offsets` partition that holds a group, as Kafka computes it
 * (Java's String.hashCode of the group id, sign bit cleared, modulo the partition count),
 * so a Kafka client's FindCoordinator expectations and Kafka's tools agree with us.
 */
export function offsetsPartitionFor(groupId: string, partitionCount: number): number {
  assert(Number.isSafeInteger(partitionCount) && partitionCount > 0, "partitionCount > 0");
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0;
  return (h & 0x7fffffff) % partitionCount;
}
