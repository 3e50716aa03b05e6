/** Opens the Raft metadata quorum for this node (a one-voter quorum until cluster voters are configured). */
import type { Logger } from "../protocol/logger.ts";
import { Quorum } from "../raft/quorum.ts";
import type { StorageIO } from "../storage/io.ts";
import type { MetadataQuorum } from "./quorum-port.ts";

export async function openMetadataQuorum(opts: { dir: string; nodeId: number; log: Logger; io: StorageIO }): Promise<MetadataQuorum> {
  const q = await Quorum.open({ dataDir: opts.dir, nodeId: opts.nodeId, voters: [opts.nodeId], io: opts.io, logger: opts.log });
  return {
    image: () => q.image(),
    async propose(record) {
      await q.propose(record);
    },
    onChange: (listener) => q.onChange((image) => listener(image)),
    isLeader: () => q.status().role === "leader",
    close: () => q.close(),
  };
}
