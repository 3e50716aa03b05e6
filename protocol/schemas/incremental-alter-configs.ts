/**
 * IncrementalAlterConfigs request and response schemas, all versions, written from Kafka's public message definitions
 * (IncrementalAlterConfigsRequest.json / IncrementalAlterConfigsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** IncrementalAlterConfigsRequest (API key 44). */
export const IncrementalAlterConfigsRequest = message({
  name: "IncrementalAlterConfigsRequest", apiKey: 44, type: "request",
  valid: "0-1", flexible: "1+",
  fields: [
    field("resources", array(struct("AlterConfigsResource", [
      field("resourceType", "int8", "0+"),
      field("resourceName", "string", "0+"),
      field("configs", array(struct("AlterableConfig", [
        field("name", "string", "0+"),
        field("configOperation", "int8", "0+"),
        field("value", "string", "0+", { nullable: "0+" }),
      ])), "0+"),
    ])), "0+"),
    field("validateOnly", "bool", "0+"),
  ],
});

/** IncrementalAlterConfigsResponse (API key 44). */
export const IncrementalAlterConfigsResponse = message({
  name: "IncrementalAlterConfigsResponse", apiKey: 44, type: "response",
  valid: "0-1", flexible: "1+",
  fields: [
    field("throttleTimeMs", "int32", "0+"),
    field("responses", array(struct("AlterConfigsResourceResponse", [
      field("errorCode", "int16", "0+"),
      field("errorMessage", "string", "0+", { nullable: "0+" }),
      field("resourceType", "int8", "0+"),
      field("resourceName", "string", "0+"),
    ])), "0+"),
  ],
});
