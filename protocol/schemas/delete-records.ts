/**
 * DeleteRecords request and response schemas, all versions, written from Kafka's public message definitions
 * (DeleteRecordsRequest.json / DeleteRecordsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** DeleteRecordsRequest (API key 21). */
export const DeleteRecordsRequest = message({
  name: "DeleteRecordsRequest", apiKey: 21, type: "request",
  valid: "0-2", flexible: "2+",
  fields: [
    field("topics", array(struct("DeleteRecordsTopic", [
      field("name", "string", "0+"),
      field("partitions", array(struct("DeleteRecordsPartition", [
        field("partitionIndex", "int32", "0+"),
        field("offset", "int64", "0+"),
      ])), "0+"),
    ])), "0+"),
    field("timeoutMs", "int32", "0+"),
  ],
});

/** DeleteRecordsResponse (API key 21). */
export const DeleteRecordsResponse = message({
  name: "DeleteRecordsResponse", apiKey: 21, type: "response",
  valid: "0-2", flexible: "2+",
  fields: [
    field("throttleTimeMs", "int32", "0+"),
    field("topics", array(struct("DeleteRecordsTopicResult", [
      field("name", "string", "0+"),
      field("partitions", array(struct("DeleteRecordsPartitionResult", [
        field("partitionIndex", "int32", "0+"),
        field("lowWatermark", "int64", "0+"),
        field("errorCode", "int16", "0+"),
      ])), "0+"),
    ])), "0+"),
  ],
});
