/** `streambus cluster ...`: brokers, controller and health. */
import { listFlags } from "../common-flags.ts";
import { comesLater, type NounSpec } from "../spec.ts";
import { infoVerb } from "./info.ts";

export const clusterNoun: NounSpec = {
  name: "cluster",
  brief: "Show brokers, the controller quorum and cluster health",
  verbs: [
    infoVerb,
    { name: "status", brief: "Health of brokers, partitions and the quorum", flags: listFlags, run: comesLater("cluster status", "the cluster issue") },
  ],
};
