/**
 * `consume --group G`: the records of whatever partitions the group gives this member, with offsets
 * committed as they are printed (at least once: a record counts as processed once it was written to
 * stdout, and the group consumer commits processed records periodically, on rebalance and on exit).
 */
import type { StreamBus } from "../../client/index.ts";
import type { CliContext } from "../context.ts";
import type { RenderRecord } from "./render.ts";
import type { PipeWriter } from "./stdout.ts";

export interface GroupConsumeOptions {
  topic: string;
  groupId: string;
  /** Where partitions without a committed offset start. */
  reset: "earliest" | "latest";
  count: number | undefined;
  render: RenderRecord;
  writer: PipeWriter;
  /** Group session timeout (the SDK's default when absent); heartbeats go at a third of it, at most every 3 s. */
  sessionTimeoutMs?: number;
}

export async function consumeAsGroupMember(ctx: CliContext, bus: StreamBus, o: GroupConsumeOptions): Promise<void> {
  const session = o.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: o.sessionTimeoutMs, heartbeatIntervalMs: Math.max(1, Math.min(3_000, Math.floor(o.sessionTimeoutMs / 3))) };
  const consumer = bus.consumer({ groupId: o.groupId, topics: [o.topic], autoOffsetReset: o.reset, ...session });
  const stop = Promise.race([ctx.stopSignal, o.writer.whenClosed()]).then(() => null);
  const it = consumer[Symbol.asyncIterator]();
  let printed = 0;
  try {
    while (printed !== o.count && !o.writer.closed) {
      const next = await Promise.race([it.next(), stop]);
      if (next === null || next.done) break;
      const pieces: Uint8Array[] = [];
      o.render(next.value, pieces);
      await o.writer.write(Buffer.concat(pieces));
      printed++;
      // The record is on stdout: mark it processed now, since we may not ask the iterator for another.
      if (printed === o.count) await consumer.commit(next.value);
    }
  } finally {
    // close() commits what was processed, then leaves the group.
    await consumer.close();
  }
}
