/**
 * CreatePartitions request and response schemas, all versions, written from Kafka's public message definitions
 * (CreatePartitionsRequest.json / CreatePartitionsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** CreatePartitionsRequest (API key 37). */
export const CreatePartitionsRequest = message({
  name: "CreatePartitionsRequest", apiKey: 37, type: "request",
  valid: "0-3", flexible: "2+",
  fields: [
    field("topics", array(struct("CreatePartitionsTopic", [
      field("name", "string", "0+"),
      field("count", "int32", "0+"),
      field("assignments", array(struct("CreatePartitionsAssignment", [
        field("brokerIds", array("int32"), "0+"),
      ])), "0+", { nullable: "0+" }),
    ])), "0+"),
    field("timeoutMs", "int32", "0+"),
    field("validateOnly", "bool", "0+"),
  ],
});

/** CreatePartitionsResponse (API key 37). */
export const CreatePartitionsResponse = message({
  name: "CreatePartitionsResponse", apiKey: 37, type: "response",
  valid: "0-3", flexible: "2+",
  fields: [
    field("throttleTimeMs", "int32", "0+"),
    field("results", array(struct("CreatePartitionsTopicResult", [
      field("name", "string", "0+"),
      field("errorCode", "int16", "0+"),
      field("errorMessage", "string", "0+", { nullable: "0+", default: null }),
    ])), "0+"),
  ],
});
