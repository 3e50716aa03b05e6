/**
 * Keeps a streaming command's resident memory near its working set. Bun's collector barely counts the
 * memory behind short-lived Uint8Arrays (stdin chunks, encoded batches) and lets garbage pile up well
 * past the working set. A full collection whenever RSS passes a soft limit, checked once per
 * CHECK_EVERY_BYTES of input, keeps the peak down at little cost (one collection per 16 MiB at most).
 */

/** RSS above which a full collection is forced. */
export const SOFT_RSS_BYTES = 128 * 1024 * 1024;
/** How much data passes between RSS checks. */
const CHECK_EVERY_BYTES = 16 * 1024 * 1024;

export class RssGovernor {
  #sinceCheckBytes = 0;
  collections = 0;

  /** Call with the bytes just processed; occasionally collects garbage. */
  processed(bytes: number): void {
    this.#sinceCheckBytes += bytes;
    if (this.#sinceCheckBytes < CHECK_EVERY_BYTES) return;
    this.#sinceCheckBytes = 0;
    const gc = (globalThis as { Bun?: { gc(sync: boolean): void } }).Bun?.gc;
    if (gc && process.memoryUsage.rss() > SOFT_RSS_BYTES) {
      gc(true);
      this.collections++;
    }
  }
}
