/**
 * Metadata request and response schemas, all versions, written from Kafka's public message definitions
 * (MetadataRequest.json / MetadataResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** MetadataRequest (API key 3). */
export const MetadataRequest = message({
  name: "MetadataRequest", apiKey: 3, type: "request",
  valid: "0-12", flexible: "9+",
  fields: [
    field("topics", array(struct("MetadataRequestTopic", [
      field("topicId", "uuid", "10+"),
      field("name", "string", "0+", { nullable: "10+" }),
    ])), "0+", { nullable: "1+" }),
    field("allowAutoTopicCreation", "bool", "4+", { default: true }),
    field("includeClusterAuthorizedOperations", "bool", "8-10"),
    field("includeTopicAuthorizedOperations", "bool", "8+"),
  ],
});

/** MetadataResponse (API key 3). */
export const MetadataResponse = message({
  name: "MetadataResponse", apiKey: 3, type: "response",
  valid: "0-12", flexible: "9+",
  fields: [
    field("throttleTimeMs", "int32", "3+"),
    field("brokers", array(struct("MetadataResponseBroker", [
      field("nodeId", "int32", "0+"),
      field("host", "string", "0+"),
      field("port", "int32", "0+"),
      field("rack", "string", "1+", { nullable: "1+", default: null }),
    ])), "0+"),
    field("clusterId", "string", "2+", { nullable: "2+", default: null }),
    field("controllerId", "int32", "1+", { default: -1 }),
    field("topics", array(struct("MetadataResponseTopic", [
      field("errorCode", "int16", "0+"),
      field("name", "string", "0+", { nullable: "12+" }),
      field("topicId", "uuid", "10+"),
      field("isInternal", "bool", "1+", { default: false }),
      field("partitions", array(struct("MetadataResponsePartition", [
        field("errorCode", "int16", "0+"),
        field("partitionIndex", "int32", "0+"),
        field("leaderId", "int32", "0+"),
        field("leaderEpoch", "int32", "7+", { default: -1 }),
        field("replicaNodes", array("int32"), "0+"),
        field("isrNodes", array("int32"), "0+"),
        field("offlineReplicas", array("int32"), "5+"),
      ])), "0+"),
      field("topicAuthorizedOperations", "int32", "8+", { default: -2147483648 }),
    ])), "0+"),
    field("clusterAuthorizedOperations", "int32", "8-10", { default: -2147483648 }),
  ],
});
