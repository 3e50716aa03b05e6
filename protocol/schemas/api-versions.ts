/**
 * ApiVersions request and response schemas, all versions, written from Kafka's public message definitions
 * (ApiVersionsRequest.json / ApiVersionsResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** ApiVersionsRequest (API key 18). */
export const ApiVersionsRequest = message({
  name: "ApiVersionsRequest", apiKey: 18, type: "request",
  valid: "0-4", flexible: "3+",
  fields: [
    field("clientSoftwareName", "string", "3+"),
    field("clientSoftwareVersion", "string", "3+"),
  ],
});

/** ApiVersionsResponse (API key 18). */
export const ApiVersionsResponse = message({
  name: "ApiVersionsResponse", apiKey: 18, type: "response",
  valid: "0-4", flexible: "3+",
  fields: [
    field("errorCode", "int16", "0+"),
    field("apiKeys", array(struct("ApiVersion", [
      field("apiKey", "int16", "0+"),
      field("minVersion", "int16", "0+"),
      field("maxVersion", "int16", "0+"),
    ])), "0+"),
    field("throttleTimeMs", "int32", "1+"),
    field("supportedFeatures", array(struct("SupportedFeatureKey", [
      field("name", "string", "3+"),
      field("minVersion", "int16", "3+"),
      field("maxVersion", "int16", "3+"),
    ])), "3+", { tag: 0, tagged: "3+" }),
    field("finalizedFeaturesEpoch", "int64", "3+", { tag: 1, tagged: "3+", default: -1n }),
    field("finalizedFeatures", array(struct("FinalizedFeatureKey", [
      field("name", "string", "3+"),
      field("maxVersionLevel", "int16", "3+"),
      field("minVersionLevel", "int16", "3+"),
    ])), "3+", { tag: 2, tagged: "3+" }),
    field("zkMigrationReady", "bool", "3+", { tag: 3, tagged: "3+", default: false }),
  ],
});
