/** `streambus cluster info`: cluster id, controller and brokers (DescribeCluster, else Metadata). */
import { listFlags } from "../common-flags.ts";
import { withDeadline, withSession } from "../connect.ts";
import { printResult } from "../output.ts";
import type { VerbSpec } from "../spec.ts";

export const infoVerb: VerbSpec = {
  name: "info", brief: "Cluster id, brokers and controller",
  flags: listFlags,
  examples: ["streambus cluster info", "streambus cluster info -b kafka-1:9092 -o json"],
  async run(ctx, flags) {
    const result = await withSession(ctx, flags, async ({ bus, timeoutMs, brokers }) => {
      const d = await withDeadline(bus.admin({ timeoutMs }).describeCluster(), timeoutMs, "describing the cluster");
      return { clusterId: d.clusterId, controllerId: d.controllerId, bootstrap: brokers.brokers, brokers: d.brokers };
    });
    printResult(ctx, flags, result, (r) => [
      { title: `CLUSTER ${r.clusterId ?? "(no id)"}`, head: ["ID", "HOST", "PORT", "RACK", "CONTROLLER"],
        rows: r.brokers.map((b) => [b.nodeId, b.host, b.port, b.rack, b.nodeId === r.controllerId ? "*" : ""]) },
    ]);
  },
};
