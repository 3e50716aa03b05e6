/**
 * Image snapshots: the image written as the records that rebuild it (brokers, topics with their partition
 * states, configs), in a canonical order. Canonical order makes the bytes a fingerprint: two images are
 * equal exactly when their snapshots are byte-equal.
 * Layout: u8 format version (1), u32 record count, then per record a u32 length and the encoded record.
 */
import { StreamBusError } from "../../protocol/errors.ts";
import { applyAll } from "./apply.ts";
import { decodeRecord, encodeRecord } from "./codec.ts";
import type { MetadataImage } from "./image.ts";
import type { MetadataRecord } from "./records.ts";
import { Reader, Writer } from "./wire.ts";

const SNAPSHOT_FORMAT = 1;
/** Records one snapshot may hold; far above any cluster we target. */
const SNAPSHOT_RECORDS_MAX = 50_000_000;

/** The records that rebuild `image` from empty, canonical order. */
export function imageRecords(image: MetadataImage): MetadataRecord[] {
  const out: MetadataRecord[] = [];
  for (const b of [...image.brokers.values()].sort((x, y) => x.brokerId - y.brokerId)) out.push({ type: "registerBroker", ...b });
  for (const name of [...image.topics.keys()].sort()) {
    const t = image.topics.get(name)!;
    const configs = [...t.configs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value }));
    out.push({ type: "createTopic", name, topicId: t.topicId, partitions: t.partitions.length, replicationFactor: t.replicationFactor, assignments: t.partitions.map((p) => p.replicas), configs });
    t.partitions.forEach((p, partition) => {
      const fresh = p.leaderEpoch === 0 && p.leader === p.replicas[0] && p.isr.length === p.replicas.length && p.isr.every((b, i) => b === p.replicas[i]);
      if (!fresh) out.push({ type: "partitionChange", topicId: t.topicId, partition, leader: p.leader, leaderEpoch: p.leaderEpoch, isr: p.isr, replicas: p.replicas });
    });
  }
  for (const res of [...image.brokerConfigs.keys()].sort()) {
    for (const [key, value] of [...image.brokerConfigs.get(res)!].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out.push({ type: "alterConfig", resourceType: "broker", resourceName: res, key, value });
    }
  }
  return out;
}

export function encodeImage(image: MetadataImage): Uint8Array {
  const records = imageRecords(image);
  const w = new Writer().u8(SNAPSHOT_FORMAT).u32(records.length);
  for (const r of records) {
    const b = encodeRecord(r);
    w.u32(b.byteLength).bytes(b);
  }
  return w.finish();
}

export function decodeImage(bytes: Uint8Array): MetadataImage {
  const rd = new Reader(bytes);
  const format = rd.u8();
  if (format !== SNAPSHOT_FORMAT) throw new StreamBusError("MALFORMED_FRAME", `metadata snapshot format ${format} is unknown`);
  const n = rd.count(SNAPSHOT_RECORDS_MAX);
  const records: MetadataRecord[] = [];
  for (let i = 0; i < n; i++) records.push(decodeRecord(rd.bytes(rd.count(bytes.byteLength))));
  rd.end();
  return applyAll(records);
}
