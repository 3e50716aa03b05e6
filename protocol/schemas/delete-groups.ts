/**
 * DeleteGroups request and response schemas, all versions, written from Kafka's public message definitions
 * (DeleteGroupsRequest.json / DeleteGroupsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** DeleteGroupsRequest (API key 42). */
export const DeleteGroupsRequest = message({
  name: "DeleteGroupsRequest", apiKey: 42, type: "request",
  valid: "0-2", flexible: "2+",
  fields: [
    field("groupsNames", array("string"), "0+"),
  ],
});

/** DeleteGroupsResponse (API key 42). */
export const DeleteGroupsResponse = message({
  name: "DeleteGroupsResponse", apiKey: 42, type: "response",
  valid: "0-2", flexible: "2+",
  fields: [
    field("throttleTimeMs", "int32", "0+"),
    field("results", array(struct("DeletableGroupResult", [
      field("groupId", "string", "0+"),
      field("errorCode", "int16", "0+"),
    ])), "0+"),
  ],
});
