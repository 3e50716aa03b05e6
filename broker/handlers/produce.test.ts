/**
 * The Produce handler settles only once every partition's append has: the request frame may be a pooled
 * buffer the connection reuses as soon as the handler settles (net/frame-pool.ts), and queued appends
 * hold views into it. A partition that fails at once must not let the handler settle early.
 */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../protocol/logger.ts";
import { makeFilledBatch } from "../../storage/testing/make-batch.ts";
import type { RequestContext } from "../handler.ts";
import { produceHandler } from "./produce.ts";

function fakeContext(leaderLog: (topic: string, partition: number) => unknown): RequestContext {
  const broker = {
    leaderLog,
    config: { limits: { maxMessageBytes: 1 << 20 } },
    clock: { nowMs: () => 1_700_000_000_000 },
    counters: { producedBytes: 0, producedBatches: 0 },
    waiters: { notify() {} },
    partitionKey: (t: string, p: number) => `${t}-${p}`,
    log: silentLogger,
  };
  return { broker, header: {}, apiVersion: 8, conn: { id: 1, remoteAddress: "test" }, deadlineMs: Infinity } as unknown as RequestContext;
}

const topicImage = { configs: new Map<string, string>() };

describe("produce handler", () => {
  test("waits for every partition's append, even when another partition fails at once", async () => {
    let finishAppend!: () => void;
    const appended = new Promise<void>((r) => (finishAppend = r));
    const log = {
      logStartOffset: 0n,
      async append() {
        await appended;
        return { baseOffset: 5n, lastOffset: 7n };
      },
    };
    const ctx = fakeContext((_topic, partition) => {
      if (partition === 1) throw new Error("bug in leaderLog"); // a partition that fails synchronously
      if (partition === 2) return { error: "NOT_LEADER_OR_FOLLOWER" };
      return { log, topic: topicImage, leaderEpoch: 0 };
    });
    const req = {
      transactionalId: null, acks: 1, timeoutMs: 1000,
      topicData: [{ name: "t", partitionData: [0, 1, 2].map((index) => ({ index, records: makeFilledBatch(3, 10, index) })) }],
    };
    let settled = false;
    const done = Promise.resolve(produceHandler.handle(ctx, req as never)).finally(() => (settled = true));
    done.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    finishAppend();
    const res = (await done) as { responses: { partitionResponses: { index: number; errorCode: number; baseOffset: bigint }[] }[] };
    const parts = res.responses[0]!.partitionResponses;
    expect(parts.map((p) => p.index)).toEqual([0, 1, 2]);
    expect(parts[0]).toMatchObject({ errorCode: 0, baseOffset: 5n });
    expect(parts[1]!.errorCode).not.toBe(0);
    expect(parts[2]!.errorCode).toBe(6); // NOT_LEADER_OR_FOLLOWER
  });
});
