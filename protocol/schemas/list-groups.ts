/**
 * ListGroups request and response schemas, all versions, written from Kafka's public message definitions
 * (ListGroupsRequest.json / ListGroupsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** ListGroupsRequest (API key 16). */
export const ListGroupsRequest = message({
  name: "ListGroupsRequest", apiKey: 16, type: "request",
  valid: "0-5", flexible: "3+",
  fields: [
    field("statesFilter", array("string"), "4+"),
    field("typesFilter", array("string"), "5+"),
  ],
});

/** ListGroupsResponse (API key 16). */
export const ListGroupsResponse = message({
  name: "ListGroupsResponse", apiKey: 16, type: "response",
  valid: "0-5", flexible: "3+",
  fields: [
    field("throttleTimeMs", "int32", "1+"),
    field("errorCode", "int16", "0+"),
    field("groups", array(struct("ListedGroup", [
      field("groupId", "string", "0+"),
      field("protocolType", "string", "0+"),
      field("groupState", "string", "4+"),
      field("groupType", "string", "5+"),
    ])), "0+"),
  ],
});
