/**
 * The group driver (broker/groups/driver.ts) over an in-memory offsets log: when a call into the core
 * throws (a bug, or input the core failed to refuse), the driver answers NOT_COORDINATOR, fails the
 * parked calls instead of leaving them hanging, rebuilds the partition from its log (durable commits
 * survive), and serves again; an unhandled throw in a tick does not take the broker down either.
 */
import { afterEach, expect, test } from "bun:test";
import { GroupDriver } from "../broker/groups/driver.ts";
import type { GroupCoordinator } from "../broker/groups/coordinator.ts";
import type { JoinReply } from "../broker/groups/types.ts";
import { kafkaCodeOf } from "../protocol/errors.ts";
import { createLogger } from "../protocol/logger.ts";
import type { PartitionLog } from "../storage/log.ts";
import { waitUntil } from "./helpers/groups-clients.ts";

/** Just enough of a PartitionLog for the driver: appends renumbered in memory, reads from any offset. */
class MemoryLog {
  readonly batches: { base: bigint; bytes: Uint8Array; count: number }[] = [];
  logStartOffset = 0n;
  highWatermark = 0n;

  async append(bytes: Uint8Array): Promise<{ baseOffset: bigint }> {
    const copy = bytes.slice();
    const view = new DataView(copy.buffer);
    const count = view.getInt32(23) + 1; // lastOffsetDelta + 1 (baseOffset is outside the CRC)
    view.setBigInt64(0, this.highWatermark);
    this.batches.push({ base: this.highWatermark, bytes: copy, count });
    const baseOffset = this.highWatermark;
    this.highWatermark += BigInt(count);
    return { baseOffset };
  }

  async read(offset: bigint): Promise<{ bytes: Uint8Array; nextOffset: bigint }> {
    const from = this.batches.filter((b) => b.base + BigInt(b.count) > offset);
    const total = from.reduce((n, b) => n + b.bytes.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of from) {
      out.set(b.bytes, at);
      at += b.bytes.length;
    }
    return { bytes: out, nextOffset: this.highWatermark };
  }
}

const logLines: string[] = [];
const drivers: GroupDriver[] = [];
let clock = 1_000_000;

async function startDriver(log: MemoryLog): Promise<GroupDriver> {
  const d = new GroupDriver({
    nodeId: 1,
    log: createLogger({ level: "error", sink: { write: (s: string) => logLines.push(s) } as unknown as NodeJS.WritableStream }),
    nowMs: () => clock,
    partitions: 1,
    limits: { initialRebalanceDelayMs: 0 },
    leaderLog: () => ({ log: log as unknown as PartitionLog, leaderEpoch: 0 }),
    ensureTopic: async () => 1,
  });
  drivers.push(d);
  await d.start();
  return d;
}

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

const client = { apiVersion: 3, clientId: "t", clientHost: "h" };
const join = (groupId: string, memberId = "") => ({
  groupId, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: null, protocolType: "consumer",
  protocols: [{ name: "range", metadata: new Uint8Array(0) }],
});
const joinFail = (errorCode: number): JoinReply => ({ errorCode, generationId: -1, protocolType: null, protocolName: null, leader: "", skipAssignment: false, memberId: "", members: [] });

test("a throwing core call answers NOT_COORDINATOR, fails parked calls, reloads from the log and serves again", async () => {
  const log = new MemoryLog();
  const d = await startDriver(log);
  // A Stable group with a durable commit.
  const j = await d.run("g", (c, now) => c.handleJoin(join("g"), client, now), joinFail);
  expect(j.errorCode).toBe(0);
  const s = await d.run("g", (c, now) => c.handleSync({ groupId: "g", generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }, now), (errorCode) => ({ errorCode }));
  expect(s.errorCode).toBe(0);
  const commit = await d.run("g", (c, now) => c.handleCommit({
    groupId: "g", generationIdOrMemberEpoch: j.generationId, memberId: j.memberId, groupInstanceId: null,
    topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }],
  }, now), () => ({ topics: [] }));
  expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(0);

  // A second member's join parks (the first must rejoin): it must not be left hanging by a crash.
  const parked = d.run("g", (c, now) => c.handleJoin(join("g"), client, now), joinFail);
  await Bun.sleep(10);

  const crashed = await d.run("g", () => {
    throw new Error("boom");
  }, (errorCode) => ({ errorCode }));
  expect(crashed.errorCode).toBe(kafkaCodeOf("NOT_COORDINATOR"));
  expect((await parked).errorCode).toBe(kafkaCodeOf("NOT_COORDINATOR"));
  expect(logLines.join("")).toContain("reloading the partition");

  // Rebuilt from the log: the commit and the Stable group (with its member) came back.
  await waitUntil("the partition to reload", () => d.coordinatorError("g") === null, 5000, 10);
  const c: GroupCoordinator = d.coordinators()[0]!;
  expect(c.committedOffset("g", "t", 0)?.offset).toBe(42n);
  expect(c.group("g")?.state).toBe("Stable");
  const hb = await d.run("g", (x, now) => x.handleHeartbeat({ groupId: "g", generationId: j.generationId, memberId: j.memberId, groupInstanceId: null }, now), (errorCode) => ({ errorCode }));
  expect(hb.errorCode).toBe(0);
}, 15_000);

test("a throwing tick reloads the partition instead of crashing the process", async () => {
  const log = new MemoryLog();
  const d = await startDriver(log);
  const j = await d.run("g2", (c, now) => c.handleJoin(join("g2"), client, now), joinFail);
  expect(j.errorCode).toBe(0);
  const c = d.coordinators()[0]!;
  const original = c.tick.bind(c);
  let thrown = 0;
  c.tick = () => {
    thrown++;
    throw new Error("tick boom");
  };
  await waitUntil("a tick to throw", () => thrown > 0, 5000, 10);
  await waitUntil("the partition to reload", () => d.coordinators().length === 1 && d.coordinators()[0] !== c, 5000, 10);
  c.tick = original;
  expect(logLines.join("")).toContain("tick failed");
  // The new coordinator serves (the group never became Stable, so it was not persisted: a fresh join works).
  const again = await d.run("g2", (x, now) => x.handleJoin(join("g2"), client, now), joinFail);
  expect(again.errorCode).toBe(0);
}, 15_000);
