/** `streambus cluster ...`: brokers, controller and health. */
import { listFlags } from "../common-flags.ts";
import { comesLater, type NounSpec } from "../spec.ts";

export const clusterNoun: NounSpec = {
  name: "cluster",
  brief: "Show brokers, the controller quorum and cluster health",
  verbs: [
    { name: "info", brief: "Cluster id, brokers and controller", flags: listFlags, run: comesLater("cluster info", "the SDK and CLI issue") },
    { name: "status", brief: "Health of brokers, partitions and the quorum", flags: listFlags, run: comesLater("cluster status", "the cluster issue") },
  ],
};
