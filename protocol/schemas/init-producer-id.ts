/**
 * InitProducerId request and response schemas, all versions, written from Kafka's public message definitions
 * (InitProducerIdRequest.json / InitProducerIdResponse.json). Field names are the definitions' names in camelCase.
 */
import { field, message } from "../schema.ts";

/** InitProducerIdRequest (API key 22). */
export const InitProducerIdRequest = message({
  name: "InitProducerIdRequest", apiKey: 22, type: "request",
  valid: "0-5", flexible: "2+",
  fields: [
    field("transactionalId", "string", "0+", { nullable: "0+" }),
    field("transactionTimeoutMs", "int32", "0+"),
    field("producerId", "int64", "3+", { default: -1n }),
    field("producerEpoch", "int16", "3+", { default: -1 }),
  ],
});

/** InitProducerIdResponse (API key 22). */
export const InitProducerIdResponse = message({
  name: "InitProducerIdResponse", apiKey: 22, type: "response",
  valid: "0-5", flexible: "2+",
  fields: [
    field("throttleTimeMs", "int32", "0+"),
    field("errorCode", "int16", "0+"),
    field("producerId", "int64", "0+", { default: -1n }),
    field("producerEpoch", "int16", "0+"),
  ],
});
