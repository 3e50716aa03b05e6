/**
 * What the broker needs of the metadata quorum (raft/quorum.ts implements it). A one-voter quorum on
 * the local data dir is the single-node case: the same path, never a special case (DESIGN.md section 7).
 */
import type { MetadataImage } from "../raft/metadata/image.ts";
import type { MetadataRecord } from "../raft/metadata/records.ts";

export interface MetadataQuorum {
  /** The current applied image (immutable; safe to hold across awaits). */
  image(): MetadataImage;
  /** Resolves once the record is committed and applied; rejects with apply's validation error. */
  propose(record: MetadataRecord): Promise<void>;
  /** Calls `listener` after every applied change; returns an unsubscribe function. */
  onChange(listener: (image: MetadataImage) => void): () => void;
  /** True when this node is the active controller (may propose). */
  isLeader(): boolean;
  close(): Promise<void>;
}
