/**
 * JoinGroup request and response schemas, all versions, written from Kafka's public message definitions
 * (JoinGroupRequest.json / JoinGroupResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** JoinGroupRequest (API key 11). */
export const JoinGroupRequest = message({
  name: "JoinGroupRequest", apiKey: 11, type: "request",
  valid: "0-9", flexible: "6+",
  fields: [
    field("groupId", "string", "0+"),
    field("sessionTimeoutMs", "int32", "0+"),
    field("rebalanceTimeoutMs", "int32", "1+", { default: -1 }),
    field("memberId", "string", "0+"),
    field("groupInstanceId", "string", "5+", { nullable: "5+", default: null }),
    field("protocolType", "string", "0+"),
    field("protocols", array(struct("JoinGroupRequestProtocol", [
      field("name", "string", "0+"),
      field("metadata", "bytes", "0+"),
    ])), "0+"),
    field("reason", "string", "8+", { nullable: "8+", default: null }),
  ],
});

/** JoinGroupResponse (API key 11). */
export const JoinGroupResponse = message({
  name: "JoinGroupResponse", apiKey: 11, type: "response",
  valid: "0-9", flexible: "6+",
  fields: [
    field("throttleTimeMs", "int32", "2+"),
    field("errorCode", "int16", "0+"),
    field("generationId", "int32", "0+", { default: -1 }),
    field("protocolType", "string", "7+", { nullable: "7+", default: null }),
    field("protocolName", "string", "0+", { nullable: "7+" }),
    field("leader", "string", "0+"),
    field("skipAssignment", "bool", "9+", { default: false }),
    field("memberId", "string", "0+"),
    field("members", array(struct("JoinGroupResponseMember", [
      field("memberId", "string", "0+"),
      field("groupInstanceId", "string", "5+", { nullable: "5+", default: null }),
      field("metadata", "bytes", "0+"),
    ])), "0+"),
  ],
});
