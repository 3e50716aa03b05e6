/**
 * SyncGroup request and response schemas, all versions, written from Kafka's public message definitions
 * (SyncGroupRequest.json / SyncGroupResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** SyncGroupRequest (API key 14). */
export const SyncGroupRequest = message({
  name: "SyncGroupRequest", apiKey: 14, type: "request",
  valid: "0-5", flexible: "4+",
  fields: [
    field("groupId", "string", "0+"),
    field("generationId", "int32", "0+"),
    field("memberId", "string", "0+"),
    field("groupInstanceId", "string", "3+", { nullable: "3+", default: null }),
    field("protocolType", "string", "5+", { nullable: "5+", default: null }),
    field("protocolName", "string", "5+", { nullable: "5+", default: null }),
    field("assignments", array(struct("SyncGroupRequestAssignment", [
      field("memberId", "string", "0+"),
      field("assignment", "bytes", "0+"),
    ])), "0+"),
  ],
});

/** SyncGroupResponse (API key 14). */
export const SyncGroupResponse = message({
  name: "SyncGroupResponse", apiKey: 14, type: "response",
  valid: "0-5", flexible: "4+",
  fields: [
    field("throttleTimeMs", "int32", "1+"),
    field("errorCode", "int16", "0+"),
    field("protocolType", "string", "5+", { nullable: "5+", default: null }),
    field("protocolName", "string", "5+", { nullable: "5+", default: null }),
    field("assignment", "bytes", "0+"),
  ],
});
