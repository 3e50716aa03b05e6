/**
 * Versioned binary encoding of metadata records: u16 type id, u8 version, then the fields of that version,
 * big-endian. Strings are u16 length + UTF-8 (nullable: i16, -1 for null); uuids 16 raw bytes; int32
 * arrays a u32 count then the values. Every read checks the remaining bytes and caps counts first.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import { type MetadataRecord, PARTITIONS_MAX, RecordTypeId, REPLICATION_FACTOR_MAX } from "./records.ts";
import { Reader, Writer } from "./wire.ts";

/** The version each record type is written at today. */
export const RECORD_VERSION = 0;

export function encodeRecord(r: MetadataRecord): Uint8Array {
  const w = new Writer();
  w.u16(RecordTypeId[r.type]);
  w.u8(RECORD_VERSION);
  switch (r.type) {
    case "registerBroker":
      w.i32(r.brokerId).string(r.host).i32(r.port).nullableString(r.rack);
      break;
    case "createTopic":
      w.string(r.name).uuid(r.topicId).i32(r.partitions).i32(r.replicationFactor);
      w.u32(r.assignments.length);
      for (const a of r.assignments) w.i32Array(a);
      w.u32(r.configs.length);
      for (const c of r.configs) w.string(c.key).string(c.value);
      break;
    case "createPartitions":
      w.string(r.name).i32(r.totalPartitions).u32(r.assignments.length);
      for (const a of r.assignments) w.i32Array(a);
      break;
    case "partitionChange":
      w.uuid(r.topicId).i32(r.partition).i32(r.leader).i32(r.leaderEpoch).i32Array(r.isr).i32Array(r.replicas);
      break;
    case "alterConfig":
      w.u8(r.resourceType === "topic" ? 2 : 4).string(r.resourceName).string(r.key).nullableString(r.value);
      break;
    case "deleteTopic":
      w.string(r.name);
      break;
  }
  return w.finish();
}

export function decodeRecord(bytes: Uint8Array): MetadataRecord {
  const rd = new Reader(bytes);
  const typeId = rd.u16();
  const version = rd.u8();
  if (version !== RECORD_VERSION) throw new StreamBusError("MALFORMED_FRAME", `metadata record type ${typeId} has unknown version ${version}`);
  const r = decodeBody(rd, typeId);
  rd.end();
  return r;
}

function assignments(rd: Reader): number[][] {
  const n = rd.count(PARTITIONS_MAX);
  return Array.from({ length: n }, () => rd.i32Array(REPLICATION_FACTOR_MAX));
}

function decodeBody(rd: Reader, typeId: number): MetadataRecord {
  switch (typeId) {
    case RecordTypeId.registerBroker:
      return { type: "registerBroker", brokerId: rd.i32(), host: rd.string(), port: rd.i32(), rack: rd.nullableString() };
    case RecordTypeId.createTopic: {
      const name = rd.string();
      const topicId = rd.uuid();
      const partitions = rd.i32();
      const replicationFactor = rd.i32();
      const a = assignments(rd);
      const configs = Array.from({ length: rd.count(10_000) }, () => ({ key: rd.string(), value: rd.string() }));
      return { type: "createTopic", name, topicId, partitions, replicationFactor, assignments: a, configs };
    }
    case RecordTypeId.createPartitions:
      return { type: "createPartitions", name: rd.string(), totalPartitions: rd.i32(), assignments: assignments(rd) };
    case RecordTypeId.partitionChange:
      return {
        type: "partitionChange",
        topicId: rd.uuid(),
        partition: rd.i32(),
        leader: rd.i32(),
        leaderEpoch: rd.i32(),
        isr: rd.i32Array(REPLICATION_FACTOR_MAX),
        replicas: rd.i32Array(REPLICATION_FACTOR_MAX),
      };
    case RecordTypeId.alterConfig: {
      const rt = rd.u8();
      if (rt !== 2 && rt !== 4) throw new StreamBusError("MALFORMED_FRAME", `unknown config resource type ${rt}`);
      return { type: "alterConfig", resourceType: rt === 2 ? "topic" : "broker", resourceName: rd.string(), key: rd.string(), value: rd.nullableString() };
    }
    case RecordTypeId.deleteTopic:
      return { type: "deleteTopic", name: rd.string() };
    default:
      throw new StreamBusError("MALFORMED_FRAME", `unknown metadata record type ${typeId}`);
  }
}
