/** Metadata (key 3): brokers, the controller, and topics with partition leaders, replicas and ISR. */
import { kafkaCodeOf } from "../../protocol/errors.ts";
import { MetadataRequest, MetadataResponse } from "../../protocol/schemas/metadata.ts";
import { ZERO_UUID } from "../../protocol/uuid.ts";
import type { TopicImage } from "../../raft/metadata/image.ts";
import { defineHandler } from "../handler.ts";
import { topicIdFromWire, topicIdToWire } from "../topic-id.ts";

const INTERNAL_TOPICS = new Set(["__consumer_offsets", "__transaction_state"]);

function describeTopic(t: TopicImage) {
  return {
    errorCode: 0,
    name: t.name,
    topicId: topicIdToWire(t.topicId),
    isInternal: INTERNAL_TOPICS.has(t.name),
    partitions: t.partitions.map((p, i) => ({
      errorCode: p.leader < 0 ? kafkaCodeOf("LEADER_NOT_AVAILABLE") : 0,
      partitionIndex: i,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      offlineReplicas: [],
    })),
  };
}

function missing(name: string | null, topicId: string, code: "UNKNOWN_TOPIC_OR_PARTITION" | "UNKNOWN_TOPIC_ID" | "INVALID_TOPIC_EXCEPTION") {
  return { errorCode: kafkaCodeOf(code), name, topicId, isInternal: false, partitions: [] };
}

export const metadataHandler = defineHandler({
  request: MetadataRequest,
  response: MetadataResponse,
  minVersion: 0,
  maxVersion: 12,
  async handle(ctx, req) {
    const b = ctx.broker;
    let image = b.image();
    const topics = [];
    if (req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0)) {
      // v0 used an empty list for "all topics"; v1+ uses null.
      for (const t of image.topics.values()) topics.push(describeTopic(t));
    } else {
      for (const rt of req.topics) {
        let name = rt.name;
        if (name === null || name === undefined) {
          if (!rt.topicId || rt.topicId === ZERO_UUID) {
            topics.push(missing(null, rt.topicId ?? ZERO_UUID, "INVALID_TOPIC_EXCEPTION"));
            continue;
          }
          name = image.topicNamesById.get(topicIdFromWire(rt.topicId)) ?? null;
          if (name === null) {
            topics.push(missing(null, rt.topicId, "UNKNOWN_TOPIC_ID"));
            continue;
          }
        }
        let t = image.topics.get(name);
        if (!t && req.allowAutoTopicCreation !== false && b.config.topics.autoCreate) {
          try {
            await b.createTopic(name, b.config.topics.defaultPartitions, b.config.topics.defaultReplicationFactor, new Map());
          } catch (e) {
            b.log.debug("auto-create failed", { topic: name, error: String(e) });
          }
          image = b.image();
          t = image.topics.get(name);
        }
        topics.push(t ? describeTopic(t) : missing(name, ZERO_UUID, "UNKNOWN_TOPIC_OR_PARTITION"));
      }
    }
    const leaderOrSelf = b.quorum.isLeader() ? b.nodeId : b.nodeId;
    return {
      throttleTimeMs: 0,
      brokers: [...image.brokers.values()].map((br) => ({ nodeId: br.brokerId, host: br.host, port: br.port, rack: br.rack })),
      clusterId: b.clusterId,
      controllerId: leaderOrSelf,
      topics,
    };
  },
});
