/**
 * ListOffsets request and response schemas, all versions, written from Kafka's public message definitions
 * (ListOffsetsRequest.json / ListOffsetsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** ListOffsetsRequest (API key 2). */
export const ListOffsetsRequest = message({
  name: "ListOffsetsRequest", apiKey: 2, type: "request",
  valid: "0-10", flexible: "6+",
  fields: [
    field("replicaId", "int32", "0+"),
    field("isolationLevel", "int8", "2+"),
    field("topics", array(struct("ListOffsetsTopic", [
      field("name", "string", "0+"),
      field("partitions", array(struct("ListOffsetsPartition", [
        field("partitionIndex", "int32", "0+"),
        field("currentLeaderEpoch", "int32", "4+", { default: -1 }),
        field("timestamp", "int64", "0+"),
        field("maxNumOffsets", "int32", "0", { default: 1 }),
      ])), "0+"),
    ])), "0+"),
    field("timeoutMs", "int32", "10+"),
  ],
});

/** ListOffsetsResponse (API key 2). */
export const ListOffsetsResponse = message({
  name: "ListOffsetsResponse", apiKey: 2, type: "response",
  valid: "0-10", flexible: "6+",
  fields: [
    field("throttleTimeMs", "int32", "2+"),
    field("topics", array(struct("ListOffsetsTopicResponse", [
      field("name", "string", "0+"),
      field("partitions", array(struct("ListOffsetsPartitionResponse", [
        field("partitionIndex", "int32", "0+"),
        field("errorCode", "int16", "0+"),
        field("oldStyleOffsets", array("int64"), "0"),
        field("timestamp", "int64", "1+", { default: -1n }),
        field("offset", "int64", "1+", { default: -1n }),
        field("leaderEpoch", "int32", "4+", { default: -1 }),
      ])), "0+"),
    ])), "0+"),
  ],
});
