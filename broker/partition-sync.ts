/**
 * Keeps the partition logs on disk in step with the metadata image: a topic in the image whose
 * partitions this broker hosts gets its logs; a log whose topic left the image is deleted. Runs one
 * sync at a time (changes queue behind each other) so logs are never created and deleted concurrently.
 */
import type { Logger } from "../protocol/logger.ts";
import type { MetadataImage } from "../raft/metadata/image.ts";
import type { LogManager } from "../storage/log-manager.ts";
import type { BrokerConfig } from "./config/schema.ts";
import { logConfigForTopic } from "./topic-configs.ts";

export class PartitionSync {
  #chain: Promise<void> = Promise.resolve();
  /** Topic ids whose logs exist, by name, to tell a re-created topic from the old one. */
  readonly #topicIds = new Map<string, string>();
  /** The config map each topic's logs were last configured from (images are immutable: identity tells change). */
  readonly #configsApplied = new Map<string, ReadonlyMap<string, string>>();

  constructor(
    private readonly nodeId: number,
    private readonly config: BrokerConfig,
    private readonly logs: LogManager,
    private readonly log: Logger,
  ) {}

  /** Queues a sync to `image`; resolves when it (and every earlier one) is done. */
  sync(image: MetadataImage): Promise<void> {
    const next = this.#chain.then(() => this.#sync(image)).catch((e) => {
      this.log.error("partition sync failed", { error: e instanceof Error ? e.message : String(e) });
    });
    this.#chain = next;
    return next;
  }

  async #sync(image: MetadataImage): Promise<void> {
    // Deletions first: a topic deleted and re-created under the same name must not keep old data.
    for (const { topic, partition } of this.logs.all()) {
      const t = image.topics.get(topic);
      const knownId = this.#topicIds.get(topic);
      const gone = !t || partition >= t.partitions.length || !t.partitions[partition]!.replicas.includes(this.nodeId);
      const replaced = t !== undefined && knownId !== undefined && knownId !== t.topicId;
      if (gone || replaced) {
        await this.logs.delete(topic, partition);
        this.log.info("partition log deleted", { topic, partition });
      }
    }
    for (const [name, t] of image.topics) {
      if (this.#topicIds.get(name) !== t.topicId) this.#topicIds.set(name, t.topicId);
      const cfg = logConfigForTopic(this.config, t.configs);
      const changed = this.#configsApplied.has(name) && this.#configsApplied.get(name) !== t.configs;
      this.#configsApplied.set(name, t.configs);
      for (let p = 0; p < t.partitions.length; p++) {
        if (!t.partitions[p]!.replicas.includes(this.nodeId)) continue;
        const existing = this.logs.get(name, p);
        if (!existing) {
          await this.logs.create(name, p, cfg);
          this.log.debug("partition log created", { topic: name, partition: p });
        } else if (changed || !this.#configsApplied.has(name)) {
          existing.reconfigure(cfg);
        }
      }
      if (changed) this.log.info("topic configs applied", { topic: name });
    }
    for (const name of [...this.#topicIds.keys()]) if (!image.topics.has(name)) this.#topicIds.delete(name);
    for (const name of [...this.#configsApplied.keys()]) if (!image.topics.has(name)) this.#configsApplied.delete(name);
  }
}
