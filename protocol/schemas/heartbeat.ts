/**
 * Heartbeat request and response schemas, all versions, written from Kafka's public message definitions
 * (HeartbeatRequest.json / HeartbeatResponse.json). Field names are the definitions' names in camelCase.
 */
import { field, message } from "../schema.ts";

/** HeartbeatRequest (API key 12). */
export const HeartbeatRequest = message({
  name: "HeartbeatRequest", apiKey: 12, type: "request",
  valid: "0-4", flexible: "4+",
  fields: [
    field("groupId", "string", "0+"),
    field("generationId", "int32", "0+"),
    field("memberId", "string", "0+"),
    field("groupInstanceId", "string", "3+", { nullable: "3+", default: null }),
  ],
});

/** HeartbeatResponse (API key 12). */
export const HeartbeatResponse = message({
  name: "HeartbeatResponse", apiKey: 12, type: "response",
  valid: "0-4", flexible: "4+",
  fields: [
    field("throttleTimeMs", "int32", "1+"),
    field("errorCode", "int16", "0+"),
  ],
});
