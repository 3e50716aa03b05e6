/**
 * DescribeGroups request and response schemas, all versions, written from Kafka's public message definitions
 * (DescribeGroupsRequest.json / DescribeGroupsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** DescribeGroupsRequest (API key 15). */
export const DescribeGroupsRequest = message({
  name: "DescribeGroupsRequest", apiKey: 15, type: "request",
  valid: "0-5", flexible: "5+",
  fields: [
    field("groups", array("string"), "0+"),
    field("includeAuthorizedOperations", "bool", "3+"),
  ],
});

/** DescribeGroupsResponse (API key 15). */
export const DescribeGroupsResponse = message({
  name: "DescribeGroupsResponse", apiKey: 15, type: "response",
  valid: "0-5", flexible: "5+",
  fields: [
    field("throttleTimeMs", "int32", "1+"),
    field("groups", array(struct("DescribedGroup", [
      field("errorCode", "int16", "0+"),
      field("groupId", "string", "0+"),
      field("groupState", "string", "0+"),
      field("protocolType", "string", "0+"),
      field("protocolData", "string", "0+"),
      field("members", array(struct("DescribedGroupMember", [
        field("memberId", "string", "0+"),
        field("groupInstanceId", "string", "4+", { nullable: "4+", default: null }),
        field("clientId", "string", "0+"),
        field("clientHost", "string", "0+"),
        field("memberMetadata", "bytes", "0+"),
        field("memberAssignment", "bytes", "0+"),
      ])), "0+"),
      field("authorizedOperations", "int32", "3+", { default: -2147483648 }),
    ])), "0+"),
  ],
});
