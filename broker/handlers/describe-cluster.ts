/** DescribeCluster (key 60): cluster id, controller and brokers. */
import { DescribeClusterRequest, DescribeClusterResponse } from "../../protocol/schemas/describe-cluster.ts";
import { defineHandler } from "../handler.ts";

export const describeClusterHandler = defineHandler({
  request: DescribeClusterRequest,
  response: DescribeClusterResponse,
  minVersion: 0,
  maxVersion: 1,
  handle(ctx) {
    const b = ctx.broker;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: b.clusterId,
      // One controller quorum per cluster; in a single-node cluster it is this node.
      controllerId: b.nodeId,
      brokers: [...b.image().brokers.values()].map((br) => ({ brokerId: br.brokerId, host: br.host, port: br.port, rack: br.rack })),
    };
  },
});
