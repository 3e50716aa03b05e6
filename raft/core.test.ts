import { describe, expect, test } from "bun:test";
import { RaftCore } from "./core.ts";
import { SeededRandom } from "./random.ts";
import { type Entry, EntryKind, type Message } from "./types.ts";

/** A tiny lossless cluster: deliver everything, handle every Ready, optionally cut nodes off. */
function cluster(n: number) {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const cores = ids.map((id) => new RaftCore({ id, bootstrap: { voters: ids, learners: [] }, random: new SeededRandom(id) }));
  const applied = new Map<number, Entry[]>(ids.map((id) => [id, []]));
  const down = new Set<number>();
  const sent: Message[] = [];
  const stabilize = () => {
    for (let round = 0; round < 200; round++) {
      let any = false;
      for (const c of cores) {
        if (down.has(c.id) || !c.hasReady()) continue;
        any = true;
        const rd = c.ready();
        sent.push(...rd.messages);
        applied.get(c.id)!.push(...rd.committedEntries);
        c.advance(rd);
      }
      for (const m of sent.splice(0)) if (!down.has(m.to) && !down.has(m.from)) cores[m.to - 1]!.step(m);
      if (!any) return;
    }
    throw new Error("no quiescence");
  };
  const data = (applied: Entry[]) => applied.filter((e) => e.kind === EntryKind.Normal && e.data.length > 0).map((e) => e.data[0]);
  return { cores, applied, down, stabilize, data, core: (id: number) => cores[id - 1]! };
}

describe("raft core", () => {
  test("elects a leader, replicates and applies on every node", () => {
    const c = cluster(3);
    c.core(1).campaignNow();
    c.stabilize();
    expect(c.core(1).status().role).toBe("leader");
    expect(c.core(1).propose(new Uint8Array([7]))).not.toBeNull();
    expect(c.core(2).propose(new Uint8Array([8]))).toBeNull(); // followers refuse
    c.stabilize();
    for (const id of [1, 2, 3]) expect(c.data(c.applied.get(id)!)).toEqual([7]);
  });

  test("a minority leader cannot commit; check-quorum makes it step down", () => {
    const c = cluster(3);
    c.core(1).campaignNow();
    c.stabilize();
    c.down.add(2).add(3);
    c.core(1).propose(new Uint8Array([1]));
    for (let t = 0; t < 30; t++) {
      c.core(1).tick();
      c.stabilize();
    }
    expect(c.data(c.applied.get(1)!)).toEqual([]);
    expect(c.core(1).status().role).not.toBe("leader");
  });

  test("pre-vote: a node cut off and back does not bump the term or depose the leader", () => {
    const c = cluster(3);
    c.core(1).campaignNow();
    c.stabilize();
    const term = c.core(1).status().term;
    c.down.add(3);
    for (let t = 0; t < 100; t++) c.core(3).tick(), c.stabilize();
    expect(c.core(3).status().term).toBe(term);
    c.down.delete(3);
    for (let t = 0; t < 5; t++) for (const x of c.cores) x.tick(), c.stabilize();
    expect(c.core(1).status().role).toBe("leader");
    expect(c.core(1).status().term).toBe(term);
  });

  test("leadership transfer hands over to a caught-up voter", () => {
    const c = cluster(3);
    c.core(1).campaignNow();
    c.stabilize();
    expect(c.core(1).transferLeadership(3)).toBe(true);
    c.stabilize();
    expect(c.core(3).status().role).toBe("leader");
    expect(c.core(1).status().leader).toBe(3);
  });

  test("read index confirms with a quorum before answering", () => {
    const c = cluster(3);
    c.core(1).campaignNow();
    c.stabilize();
    const leader = c.core(1);
    expect(leader.readIndex(42)).toBe(true);
    const rd = leader.ready();
    expect(rd.readStates).toEqual([]); // not before the heartbeat round
    leader.advance(rd);
    for (const m of rd.messages) c.core(m.to).step(m);
    c.stabilize();
    // Answered after acks: a second read gets a state with the commit index.
    expect(leader.readIndex(43)).toBe(true);
    const got: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = leader.hasReady() ? leader.ready() : null;
      if (!r) break;
      got.push(...r.readStates.map((s) => s.ctx));
      leader.advance(r);
      for (const m of r.messages) c.core(m.to).step(m);
      for (const f of [c.core(2), c.core(3)]) {
        if (!f.hasReady()) continue;
        const fr = f.ready();
        f.advance(fr);
        for (const m of fr.messages) leader.step(m);
      }
    }
    expect(got).toContain(43);
  });

  test("a follower behind compaction catches up by snapshot", () => {
    const c = cluster(3);
    c.core(1).campaignNow();
    c.stabilize();
    c.down.add(3);
    for (let i = 0; i < 20; i++) c.core(1).propose(new Uint8Array([i]));
    c.stabilize();
    const applied = c.core(1).status().applied;
    c.core(1).compact(applied, new Uint8Array([99]));
    c.down.delete(3);
    for (let t = 0; t < 4; t++) c.core(1).tick(), c.stabilize();
    expect(c.core(3).status().snapIndex).toBe(applied);
    expect(c.core(3).status().commit).toBeGreaterThanOrEqual(applied);
  });

  test("membership: add a learner, promote it, remove a voter; one change at a time", () => {
    const c = cluster(3);
    c.down.add(3);
    c.core(1).campaignNow();
    c.stabilize();
    const leader = c.core(1);
    // Start from a 2-voter config {1,2}: remove 3.
    leader.proposeConfChange({ type: "removeVoter", nodeId: 3 });
    expect(() => leader.proposeConfChange({ type: "addLearner", nodeId: 3 })).toThrow(/uncommitted/);
    c.stabilize();
    expect(leader.status().conf.voters).toEqual([1, 2]);
    c.down.delete(3);
    leader.proposeConfChange({ type: "addLearner", nodeId: 3 });
    c.stabilize();
    leader.proposeConfChange({ type: "addVoter", nodeId: 3 });
    c.stabilize();
    expect(c.core(3).status().conf).toEqual({ voters: [1, 2, 3], learners: [] });
    expect(() => leader.proposeConfChange({ type: "removeVoter", nodeId: 1 })).toThrow(/transfer leadership/);
  });

  test("ready() then advance() is enforced", () => {
    const c = cluster(1);
    c.core(1).campaignNow();
    c.core(1).ready();
    expect(() => c.core(1).tick()).toThrow(/between ready\(\) and advance\(\)/);
  });
});
