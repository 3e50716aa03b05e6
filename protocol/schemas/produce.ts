/**
 * Produce request and response schemas, all versions, written from Kafka's public message definitions
 * (ProduceRequest.json / ProduceResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** ProduceRequest (API key 0). */
export const ProduceRequest = message({
  name: "ProduceRequest", apiKey: 0, type: "request",
  valid: "0-11", flexible: "9+",
  fields: [
    field("transactionalId", "string", "3+", { nullable: "3+", default: null }),
    field("acks", "int16", "0+"),
    field("timeoutMs", "int32", "0+"),
    field("topicData", array(struct("TopicProduceData", [
      field("name", "string", "0+"),
      field("partitionData", array(struct("PartitionProduceData", [
        field("index", "int32", "0+"),
        field("records", "records", "0+", { nullable: "0+" }),
      ])), "0+"),
    ])), "0+"),
  ],
});

/** ProduceResponse (API key 0). */
export const ProduceResponse = message({
  name: "ProduceResponse", apiKey: 0, type: "response",
  valid: "0-11", flexible: "9+",
  fields: [
    field("responses", array(struct("TopicProduceResponse", [
      field("name", "string", "0+"),
      field("partitionResponses", array(struct("PartitionProduceResponse", [
        field("index", "int32", "0+"),
        field("errorCode", "int16", "0+"),
        field("baseOffset", "int64", "0+"),
        field("logAppendTimeMs", "int64", "2+", { default: -1n }),
        field("logStartOffset", "int64", "5+", { default: -1n }),
        field("recordErrors", array(struct("BatchIndexAndErrorMessage", [
          field("batchIndex", "int32", "8+"),
          field("batchIndexErrorMessage", "string", "8+", { nullable: "8+", default: null }),
        ])), "8+"),
        field("errorMessage", "string", "8+", { nullable: "8+", default: null }),
        field("currentLeader", struct("LeaderIdAndEpoch", [
          field("leaderId", "int32", "10+", { default: -1 }),
          field("leaderEpoch", "int32", "10+", { default: -1 }),
        ]), "10+", { tag: 0, tagged: "10+" }),
      ])), "0+"),
    ])), "0+"),
    field("throttleTimeMs", "int32", "1+", { default: 0 }),
    field("nodeEndpoints", array(struct("NodeEndpoint", [
      field("nodeId", "int32", "10+"),
      field("host", "string", "10+"),
      field("port", "int32", "10+"),
      field("rack", "string", "10+", { nullable: "10+", default: null }),
    ])), "10+", { tag: 0, tagged: "10+" }),
  ],
});
