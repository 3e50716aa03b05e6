/**
 * Consumer groups through the compiled CLI against a broker process (the issue's acceptance tests):
 *   a. three `consume --group` members on a 6-partition topic print 60,000 records exactly once, two
 *      partitions each; SIGINT leaves the group cleanly (exit 0) and `group describe` shows lag 0;
 *   b. kill -9 one of three mid-stream: its partitions move to the others within the session timeout plus a
 *      rebalance; every record is printed at least once, duplicates only from the killed member's uncommitted tail;
 *   c. `group reset-offsets --to @TS` lands each partition on the first offset whose record timestamp is >= TS
 *      (per record, not per batch), and the dry run changes nothing.
 * The broker runs with groups.initialRebalanceDelayMs=0 and a 1 s minimum session, the members with a
 * hidden 3 s --session-timeout, so the whole file stays well under 90 s. Every wait is bounded.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CliHarness, type LiveCli, startCliHarness } from "./helpers/cli-harness.ts";

let h: CliHarness;
const live: LiveCli[] = [];

beforeAll(async () => {
  h = await startCliHarness({ brokerArgs: ["--set", "groups.initialRebalanceDelayMs=0", "--set", "groups.sessionTimeoutMsMin=1s"] });
}, 60_000);

afterAll(async () => {
  await Promise.all(live.map((p) => p.stop("SIGKILL", 1_000)));
  await h?.stop();
});

interface JsonRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

interface GroupDescription {
  state: string;
  members: { memberId: string; assignment: { topic: string; partitions: number[] }[] }[];
  partitions: { topic: string; partition: number; committedOffset: number; logEndOffset: number; lag: number; member: string | null }[];
  totalLag: number;
}

const SESSION = "3s";
const N = 60_000;
const lines = (s: string) => s.split("\n").filter(Boolean);
const parse = (ls: readonly string[]) => ls.map((l) => JSON.parse(l) as JsonRecord);

async function describeGroup(group: string): Promise<GroupDescription | null> {
  const r = await h.run(["group", "describe", group, "-o", "json"], { timeoutMs: 10_000 });
  return r.code === 0 ? (JSON.parse(r.stdout) as GroupDescription) : null;
}

/** Each member's partitions of `topic` (sorted), or null unless the group is Stable with `members` members. */
function assignments(d: GroupDescription | null, topic: string, members: number): number[][] | null {
  if (!d || d.state !== "Stable" || d.members.length !== members) return null;
  return d.members.map((m) => m.assignment.filter((a) => a.topic === topic).flatMap((a) => a.partitions).sort((x, y) => x - y));
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | false>, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(stepMs);
  }
}

/** Three members of `group` on `topic`, started together; resolves once each holds two of the six partitions. */
async function threeMembers(topic: string, group: string): Promise<{ members: LiveCli[]; assigned: number[][] }> {
  const members = [0, 1, 2].map((i) => h.spawn(`${group}-member-${i}`, ["consume", topic, "--group", group, "--from", "earliest", "--output", "json", "--session-timeout", SESSION], { maxLifeMs: 80_000 }));
  live.push(...members);
  const assigned = await until(`three members of ${group} with two partitions each`, 20_000, async () => {
    const a = assignments(await describeGroup(group), topic, 3);
    return a !== null && a.every((p) => p.length === 2) && new Set(a.flat()).size === 6 ? a : null;
  });
  return { members, assigned };
}

const keyedLines = (from: number, to: number) => `seq ${from} ${to} | awk '{ print "k" ($1 % 997) ":" $1 }'`;

describe("consumer groups through the CLI", () => {
  test("a: three members, 6 partitions, 60,000 records: exactly once, two partitions each, SIGINT leaves cleanly, lag 0", async () => {
    expect((await h.run(["topic", "create", "ga", "--partitions", "6"])).code).toBe(0);
    const { members, assigned } = await threeMembers("ga", "ga-g");
    const p = await h.sh(`${keyedLines(1, N)} | "$SB" produce ga -K :`, { timeoutMs: 30_000 });
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    const total = () => members.reduce((n, m) => n + m.lines.length, 0);
    await until("60,000 records printed", 30_000, async () => total() >= N, 25);
    await Bun.sleep(500); // room for any duplicate to show up before counting

    // Still the same three members, two partitions each, while they run.
    expect(assignments(await describeGroup("ga-g"), "ga", 3)?.sort()).toEqual(assigned.sort());
    const outputs = members.map((m) => parse(m.lines));
    const seen = new Map<number, number>();
    for (const r of outputs.flat()) seen.set(Number(r.value), (seen.get(Number(r.value)) ?? 0) + 1);
    expect(outputs.flat().length).toBe(N);
    expect(seen.size).toBe(N);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    // Each member printed exactly the two partitions the group gave one member.
    const printed = outputs.map((o) => [...new Set(o.map((r) => r.partition))].sort((x, y) => x - y));
    expect(printed.map((x) => x.join(",")).sort()).toEqual(assigned.map((x) => x.join(",")).sort());
    console.log(`a: ${N} records, per member ${outputs.map((o) => o.length).join(" / ")}, partitions ${printed.map((x) => `[${x}]`).join(" ")}`);

    const codes = await Promise.all(members.map((m) => m.stop("SIGINT")));
    expect(codes).toEqual([0, 0, 0]);
    for (const m of members) expect(m.stderr).toBe("");
    const d = (await describeGroup("ga-g"))!;
    expect(d.members).toEqual([]);
    expect(d.state).toBe("Empty");
    expect(d.totalLag).toBe(0);
    expect(d.partitions).toHaveLength(6);
    expect(d.partitions.reduce((n, x) => n + x.committedOffset, 0)).toBe(N);
    for (const x of d.partitions) expect(x.committedOffset).toBe(x.logEndOffset);
  }, 60_000);

  test("b: kill -9 one of three mid-stream: its partitions move within session + rebalance; at least once; duplicates only its uncommitted tail", async () => {
    expect((await h.run(["topic", "create", "gb", "--partitions", "6"])).code).toBe(0);
    const { members, assigned } = await threeMembers("gb", "gb-g");
    // Paced production (20 chunks of 3,000, about 10 s) so the kill lands while records still arrive.
    const chunks = Array.from({ length: 20 }, (_, i) => `${keyedLines(i * 3000 + 1, i * 3000 + 3000)} | "$SB" produce gb -K : || exit 1; sleep 0.35`).join("\n");
    let produced = false;
    const producing = h.sh(chunks, { timeoutMs: 40_000 }).finally(() => (produced = true));
    const total = () => members.reduce((n, m) => n + m.lines.length, 0);
    // Kill after the members auto-committed (every 5 s) and a little more was printed: a real uncommitted tail.
    const committedBeforeKill = await until("an auto-commit on every partition", 20_000, async () => {
      const d = await describeGroup("gb-g");
      return d !== null && d.partitions.length === 6 && d.partitions.every((x) => x.committedOffset > 0) ? new Map(d.partitions.map((x) => [x.partition, x.committedOffset])) : null;
    });
    await Bun.sleep(1_000);
    expect(produced).toBe(false);
    expect(total()).toBeLessThan(N);
    const [victim, ...survivors] = members as [LiveCli, LiveCli, LiveCli];
    const survivorLinesAtKill = survivors.map((s) => s.lines.length);
    const killedAtTotal = total();
    const killedAt = performance.now();
    await victim.stop("SIGKILL");
    const victimParts = new Set(parse(victim.lines).map((r) => r.partition));
    expect(victimParts.size).toBe(2);
    expect(assigned.some((a) => a.every((p) => victimParts.has(p)))).toBe(true);

    // Time until a survivor prints a record of the victim's partitions, and until describe shows the new assignment.
    let firstTakeoverMs = -1;
    let reassignedMs = -1;
    await until("the victim's partitions reassigned and read by the survivors", 20_000, async () => {
      if (firstTakeoverMs < 0 && survivors.some((s, i) => s.lines.slice(survivorLinesAtKill[i]).some((l) => victimParts.has((JSON.parse(l) as JsonRecord).partition)))) {
        firstTakeoverMs = performance.now() - killedAt;
      }
      if (reassignedMs < 0) {
        const a = assignments(await describeGroup("gb-g"), "gb", 2);
        if (a !== null && new Set(a.flat()).size === 6) reassignedMs = performance.now() - killedAt;
      }
      return firstTakeoverMs >= 0 && reassignedMs >= 0;
    }, 50);
    const p = await producing;
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    const union = () => new Set([...members].flatMap((m) => parse(m.lines).map((r) => Number(r.value))));
    await until("every record printed at least once", 30_000, async () => union().size === N, 100);
    await Bun.sleep(500);

    const victimOut = parse(victim.lines);
    const survivorOut = survivors.flatMap((s) => parse(s.lines));
    // No process printed a record twice itself; survivors never read the victim's partitions before the kill.
    for (const out of [victimOut, ...survivors.map((s) => parse(s.lines))]) expect(new Set(out.map((r) => r.value)).size).toBe(out.length);
    survivors.forEach((s, i) => expect(parse(s.lines.slice(0, survivorLinesAtKill[i])).some((r) => victimParts.has(r.partition))).toBe(false));
    const count = new Map<string, number>();
    for (const r of [...victimOut, ...survivorOut]) count.set(`${r.partition}/${r.offset}`, (count.get(`${r.partition}/${r.offset}`) ?? 0) + 1);
    const dups = [...count].filter(([, c]) => c > 1).map(([k]) => k);
    // Duplicates: per victim partition, exactly the offsets from where the survivors resumed (the victim's last
    // commit) to the last one the victim printed; nothing else.
    let expectedDups = 0;
    const tails: string[] = [];
    for (const part of victimParts) {
      const vOffsets = victimOut.filter((r) => r.partition === part).map((r) => r.offset);
      const resumedAt = Math.min(...survivorOut.filter((r) => r.partition === part).map((r) => r.offset));
      const victimLast = Math.max(...vOffsets);
      expect(resumedAt).toBeLessThanOrEqual(victimLast + 1); // no gap
      expect(resumedAt).toBeGreaterThanOrEqual(committedBeforeKill.get(part)!); // the victim's commits were honoured
      const tail = Math.max(0, victimLast - resumedAt + 1);
      expect(vOffsets.filter((o) => o >= resumedAt)).toHaveLength(tail);
      expectedDups += tail;
      tails.push(`p${part}: ${tail} (victim printed to ${victimLast}, survivor resumed at ${resumedAt})`);
    }
    expect(dups.every((k) => victimParts.has(Number(k.split("/")[0])))).toBe(true);
    expect(dups.length).toBe(expectedDups);
    expect(union().size).toBe(N);
    // The session timeout (3 s) plus a rebalance, with room for a heartbeat round and a loaded machine.
    expect(reassignedMs).toBeLessThan(10_000);
    console.log(`b: ${N} records, ${victimOut.length + survivorOut.length} lines printed, ${dups.length} duplicates (${tails.join("; ")}); ` +
      `victim printed ${victimOut.length} (killed at ${killedAtTotal} of ${N} printed in all); reassigned in describe after ${Math.round(reassignedMs)} ms, first survivor record of a moved partition after ${Math.round(firstTakeoverMs)} ms`);

    expect(await Promise.all(survivors.map((s) => s.stop("SIGINT")))).toEqual([0, 0]);
    const d = (await describeGroup("gb-g"))!;
    expect(d.members).toEqual([]);
    expect(d.totalLag).toBe(0);
  }, 70_000);

  test("c: reset-offsets --to @TS lands on the first record at or after TS in each partition; the dry run changes nothing", async () => {
    expect((await h.run(["topic", "create", "gc", "--partitions", "6"])).code).toBe(0);
    // 6,000 records with timestamps T0 + i: one produce, so each partition holds large multi-record batches.
    const t0 = Date.now() - 600_000;
    const input = Array.from({ length: 6000 }, (_, i) => `${t0 + i}\tk${i % 60}\t${i}`).join("\n") + "\n";
    const p = await h.run(["produce", "gc", "--format", "%t\\t%k\\t%v\\n"], { stdin: input });
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    // The group reads everything and stops: committed offsets at the log end.
    const g = await h.run(["consume", "gc", "--group", "gc-g", "--from", "earliest", "--count", "6000", "--session-timeout", SESSION, "-f", "%o\\n"], { timeoutMs: 30_000 });
    expect(g.code).toBe(0);
    expect(lines(g.stdout)).toHaveLength(6000);
    const all = parse(lines((await h.run(["consume", "gc", "--from", "earliest", "-e", "-o", "json"])).stdout));
    expect(all).toHaveLength(6000);
    const byPart = new Map<number, JsonRecord[]>();
    for (const r of all) {
      if (!byPart.has(r.partition)) byPart.set(r.partition, []);
      byPart.get(r.partition)!.push(r);
    }
    const before = (await describeGroup("gc-g"))!;
    expect(before.state).toBe("Empty");
    const committedBefore = before.partitions.map((x) => [x.partition, x.committedOffset]);

    for (const ts of [t0 + 3001, t0 + 5990, t0 - 1, t0 + 6000]) {
      // Expected from the records themselves: first offset whose timestamp >= ts, else the log end.
      const expected = [0, 1, 2, 3, 4, 5].map((part) => {
        const rs = byPart.get(part) ?? [];
        return rs.find((r) => r.timestamp >= ts)?.offset ?? rs.length;
      });
      const dry = await h.run(["group", "reset-offsets", "gc-g", "--topic", "gc", "--to", `@${ts}`, "-o", "json"]);
      expect(dry.code).toBe(0);
      const plan = JSON.parse(dry.stdout) as { executed: boolean; partitions: { partition: number; currentOffset: number; newOffset: number }[] };
      expect(plan.executed).toBe(false);
      expect(plan.partitions.map((x) => x.newOffset)).toEqual(expected);
      expect((await describeGroup("gc-g"))!.partitions.map((x) => [x.partition, x.committedOffset])).toEqual(committedBefore);
      if (ts === t0 + 3001) {
        // Mid-log in every partition (so mid-batch, the case a batch-granular lookup gets wrong).
        expect(expected.every((o, part) => o > 0 && o < byPart.get(part)!.length)).toBe(true);
        // consume --from @TS (no client-side filtering any more) starts at the same offsets.
        const from = parse(lines((await h.run(["consume", "gc", "--from", `@${ts}`, "-e", "-o", "json"])).stdout));
        expect([0, 1, 2, 3, 4, 5].map((part) => Math.min(...from.filter((r) => r.partition === part).map((r) => r.offset)))).toEqual(expected);
        expect(from.length).toBe(all.filter((r) => r.offset >= expected[r.partition]!).length);
        console.log(`c: @${ts} (T0+3001) -> offsets ${expected.join(",")} of ${[0, 1, 2, 3, 4, 5].map((x) => byPart.get(x)!.length).join(",")}`);
      }
    }

    const ts = t0 + 3001;
    const expected = [0, 1, 2, 3, 4, 5].map((part) => byPart.get(part)!.find((r) => r.timestamp >= ts)!.offset);
    const run = await h.run(["group", "reset-offsets", "gc-g", "--topic", "gc", "--to", `@${ts}`, "--execute", "-o", "json"]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { executed: boolean }).executed).toBe(true);
    const after = (await describeGroup("gc-g"))!;
    expect(after.partitions.map((x) => x.committedOffset)).toEqual(expected);
    // The group resumes exactly there: the first record it prints per partition is the one at or after TS.
    const remaining = all.filter((r) => r.offset >= expected[r.partition]!);
    const resumed = parse(lines((await h.run(["consume", "gc", "--group", "gc-g", "--count", String(remaining.length), "--session-timeout", SESSION, "-o", "json"], { timeoutMs: 30_000 })).stdout));
    expect(resumed.map((r) => `${r.partition}/${r.offset}`).sort()).toEqual(remaining.map((r) => `${r.partition}/${r.offset}`).sort());
    for (const part of [0, 1, 2, 3, 4, 5]) {
      const first = resumed.find((r) => r.partition === part)!;
      expect(first.offset).toBe(expected[part]!);
      expect(first.timestamp).toBeGreaterThanOrEqual(ts);
      const prev = byPart.get(part)![first.offset - 1];
      if (prev) expect(prev.timestamp).toBeLessThan(ts);
    }
  }, 40_000);
});
