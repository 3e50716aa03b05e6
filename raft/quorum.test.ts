import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeImage } from "./metadata/snapshot.ts";
import { Quorum } from "./quorum.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), "raft-quorum-"));
  dirs.push(d);
  return d;
}

const ID = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

describe("one-voter quorum", () => {
  test("elects itself on open, commits, validates, recovers after reopen", async () => {
    const dir = dataDir();
    let q = await Quorum.open({ dataDir: dir, nodeId: 1, voters: [1], tickMs: 20 });
    expect(q.status().role).toBe("leader");
    const seen: string[] = [];
    q.onChange((_img, r) => seen.push(r.type));
    await q.propose({ type: "registerBroker", brokerId: 1, host: "localhost", port: 9092, rack: null });
    const idx = await q.propose({ type: "createTopic", name: "a", topicId: ID(1), partitions: 2, replicationFactor: 1, assignments: [[1], [1]], configs: [] });
    expect(idx).toBeGreaterThan(1);
    expect(seen).toEqual(["registerBroker", "createTopic"]);
    // Refused before proposing: nothing is appended.
    const before = q.status().lastIndex;
    await expect(q.propose({ type: "deleteTopic", name: "missing" })).rejects.toMatchObject({ code: "UNKNOWN_TOPIC_OR_PARTITION" });
    await expect(q.propose({ type: "createTopic", name: "a", topicId: ID(2), partitions: 1, replicationFactor: 1, assignments: [[1]], configs: [] })).rejects.toMatchObject({ code: "TOPIC_ALREADY_EXISTS" });
    expect(q.status().lastIndex).toBe(before);
    // Pipelined: the second create sees the first in flight and is refused before proposing.
    const ct = { type: "createTopic", name: "b", partitions: 1, replicationFactor: 1, assignments: [[1]], configs: [] } as const;
    const [r1, r2] = await Promise.allSettled([q.propose({ ...ct, topicId: ID(3) }), q.propose({ ...ct, topicId: ID(4) })]);
    expect(r1.status).toBe("fulfilled");
    expect(r2).toMatchObject({ status: "rejected", reason: { code: "TOPIC_ALREADY_EXISTS" } });
    // ...and a record depending on one still in flight is accepted.
    const [c, d] = await Promise.all([
      q.propose({ ...ct, name: "c", topicId: ID(5) }),
      q.propose({ type: "alterConfig", resourceType: "topic", resourceName: "c", key: "retention.ms", value: "1" }),
    ]);
    expect(d).toBe(c + 1);
    const img = encodeImage(q.image());
    await q.close();
    q = await Quorum.open({ dataDir: dir, nodeId: 1, voters: [1], tickMs: 20 });
    expect(encodeImage(q.image())).toEqual(img);
    expect(q.image().topics.get("b")?.topicId).toBe(ID(3));
    await q.close();
  });

  test("snapshots shrink the log and restore the same image", async () => {
    const dir = dataDir();
    let q = await Quorum.open({ dataDir: dir, nodeId: 1, voters: [1], tickMs: 20, snapshotEveryEntries: 50 });
    await q.propose({ type: "registerBroker", brokerId: 1, host: "h", port: 1, rack: null });
    const ps: Promise<number>[] = [];
    for (let i = 0; i < 300; i++) ps.push(q.propose({ type: "alterConfig", resourceType: "broker", resourceName: "1", key: `k${i % 7}`, value: String(i) }));
    await Promise.all(ps);
    expect(q.status().snapIndex).toBeGreaterThan(200);
    const img = encodeImage(q.image());
    await q.close();
    q = await Quorum.open({ dataDir: dir, nodeId: 1, voters: [1], tickMs: 20 });
    expect(encodeImage(q.image())).toEqual(img);
    expect(q.image().brokerConfigs.get("1")?.get("k5")).toBe("299");
    await q.close();
  });

  test("a node of a larger quorum without peers is not the leader and refuses proposals", async () => {
    const q = await Quorum.open({ dataDir: dataDir(), nodeId: 1, voters: [1, 2, 3], tickMs: 5 });
    await expect(q.propose({ type: "registerBroker", brokerId: 1, host: "h", port: 1, rack: null })).rejects.toMatchObject({ code: "NOT_CONTROLLER" });
    await q.close();
  });
});
