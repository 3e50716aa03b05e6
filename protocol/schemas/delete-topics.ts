/**
 * DeleteTopics request and response schemas, all versions, written from Kafka's public message definitions
 * (DeleteTopicsRequest.json / DeleteTopicsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** DeleteTopicsRequest (API key 20). */
export const DeleteTopicsRequest = message({
  name: "DeleteTopicsRequest", apiKey: 20, type: "request",
  valid: "0-6", flexible: "4+",
  fields: [
    field("topics", array(struct("DeleteTopicState", [
      field("name", "string", "6+", { nullable: "6+", default: null }),
      field("topicId", "uuid", "6+"),
    ])), "6+"),
    field("topicNames", array("string"), "0-5"),
    field("timeoutMs", "int32", "0+"),
  ],
});

/** DeleteTopicsResponse (API key 20). */
export const DeleteTopicsResponse = message({
  name: "DeleteTopicsResponse", apiKey: 20, type: "response",
  valid: "0-6", flexible: "4+",
  fields: [
    field("throttleTimeMs", "int32", "1+"),
    field("responses", array(struct("DeletableTopicResult", [
      field("name", "string", "0+", { nullable: "6+" }),
      field("topicId", "uuid", "6+"),
      field("errorCode", "int16", "0+"),
      field("errorMessage", "string", "5+", { nullable: "5+", default: null }),
    ])), "0+"),
  ],
});
