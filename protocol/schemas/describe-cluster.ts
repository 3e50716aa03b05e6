/**
 * DescribeCluster request and response schemas, all versions, written from Kafka's public message definitions
 * (DescribeClusterRequest.json / DescribeClusterResponse.json). Field names are the definitions' names in camelCase.
 */
import { array, field, message, struct } from "../schema.ts";

/** DescribeClusterRequest (API key 60). */
export const DescribeClusterRequest = message({
  name: "DescribeClusterRequest", apiKey: 60, type: "request",
  valid: "0-1", flexible: "0+",
  fields: [
    field("includeClusterAuthorizedOperations", "bool", "0+"),
    field("endpointType", "int8", "1+", { default: 1 }),
  ],
});

/** DescribeClusterResponse (API key 60). */
export const DescribeClusterResponse = message({
  name: "DescribeClusterResponse", apiKey: 60, type: "response",
  valid: "0-1", flexible: "0+",
  fields: [
    field("throttleTimeMs", "int32", "0+"),
    field("errorCode", "int16", "0+"),
    field("errorMessage", "string", "0+", { nullable: "0+", default: null }),
    field("endpointType", "int8", "1+", { default: 1 }),
    field("clusterId", "string", "0+"),
    field("controllerId", "int32", "0+", { default: -1 }),
    field("brokers", array(struct("DescribeClusterBroker", [
      field("brokerId", "int32", "0+"),
      field("host", "string", "0+"),
      field("port", "int32", "0+"),
      field("rack", "string", "0+", { nullable: "0+", default: null }),
    ])), "0+"),
    field("clusterAuthorizedOperations", "int32", "0+", { default: -2147483648 }),
  ],
});
