/**
 * LeaveGroup request and response schemas, all versions, written from Kafka's public message definitions
 * (LeaveGroupRequest.json / LeaveGroupResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** LeaveGroupRequest (API key 13). */
export const LeaveGroupRequest = message({
  name: "LeaveGroupRequest", apiKey: 13, type: "request",
  valid: "0-5", flexible: "4+",
  fields: [
    field("groupId", "string", "0+"),
    field("memberId", "string", "0-2"),
    field("members", array(struct("MemberIdentity", [
      field("memberId", "string", "3+"),
      field("groupInstanceId", "string", "3+", { nullable: "3+", default: null }),
      field("reason", "string", "5+", { nullable: "5+", default: null }),
    ])), "3+"),
  ],
});

/** LeaveGroupResponse (API key 13). */
export const LeaveGroupResponse = message({
  name: "LeaveGroupResponse", apiKey: 13, type: "response",
  valid: "0-5", flexible: "4+",
  fields: [
    field("throttleTimeMs", "int32", "1+"),
    field("errorCode", "int16", "0+"),
    field("members", array(struct("MemberResponse", [
      field("memberId", "string", "3+"),
      field("groupInstanceId", "string", "3+", { nullable: "3+" }),
      field("errorCode", "int16", "3+"),
    ])), "3+"),
  ],
});
