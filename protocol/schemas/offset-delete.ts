/**
 * OffsetDelete request and response schemas, all versions, written from Kafka's public message definitions
 * (OffsetDeleteRequest.json / OffsetDeleteResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** OffsetDeleteRequest (API key 47). */
export const OffsetDeleteRequest = message({
  name: "OffsetDeleteRequest", apiKey: 47, type: "request",
  valid: "0", flexible: "none",
  fields: [
    field("groupId", "string", "0+"),
    field("topics", array(struct("OffsetDeleteRequestTopic", [
      field("name", "string", "0+"),
      field("partitions", array(struct("OffsetDeleteRequestPartition", [
        field("partitionIndex", "int32", "0+"),
      ])), "0+"),
    ])), "0+"),
  ],
});

/** OffsetDeleteResponse (API key 47). */
export const OffsetDeleteResponse = message({
  name: "OffsetDeleteResponse", apiKey: 47, type: "response",
  valid: "0", flexible: "none",
  fields: [
    field("errorCode", "int16", "0+"),
    field("throttleTimeMs", "int32", "0+"),
    field("topics", array(struct("OffsetDeleteResponseTopic", [
      field("name", "string", "0+"),
      field("partitions", array(struct("OffsetDeleteResponsePartition", [
        field("partitionIndex", "int32", "0+"),
        field("errorCode", "int16", "0+"),
      ])), "0+"),
    ])), "0+"),
  ],
});
