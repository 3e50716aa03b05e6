/**
 * Transcript tests for the group coordinator (etcd-raft's datadriven style). Each file under
 * testdata/ holds cases:
 *
 *   <command line>
 *   ----
 *   <expected output>
 *   <blank line>
 *
 * Commands (group "g" unless `group=`; the clock starts at 0 and only `tick` moves it):
 *   join client=c1 [member=ID] [v=5] [session=10000] [rebalance=30000] [protocols=range:meta,rr:meta] [instance=I] [type=consumer]
 *   sync member=ID gen=N [assign=ID:text,ID:text] [instance=I]
 *   hb member=ID gen=N [instance=I]
 *   leave members=ID[/INSTANCE],...          (v3+ batch; "-" for an empty member id)
 *   tick MS                                  (advance the clock by MS, then tick)
 *   commit [member=ID] [gen=N] t/p=offset ...
 *   fetch [t/p ...]
 *   offset-delete t/p ...
 *   delete | describe | list
 *   config key=value ...                     (limits for the next `reset`; `reset` starts a fresh coordinator)
 *
 * Every command prints its response or parked ticket, then its effects, then the group's state.
 * Run with REWRITE=1 to rewrite the expected output in place; review the diff like code.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join as joinPath } from "node:path";
import { errorCodeFromKafka } from "../../protocol/errors.ts";
import { GroupCoordinator } from "./coordinator.ts";
import type { GroupLimits } from "./limits.ts";
import { decodeGroupValue, decodeKey, decodeOffsetValue } from "./records.ts";
import type { Effect, JoinReply, Outcome, SyncReply } from "./types.ts";

const DIR = joinPath(import.meta.dir, "testdata");
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const codeName = (n: number): string => (n === 0 ? "ok" : (errorCodeFromKafka(n) ?? "ok"));

class Harness {
  nowMs = 0;
  limits: Partial<GroupLimits> = { initialRebalanceDelayMs: 0 };
  ids = 0;
  c = this.#fresh();

  #fresh(): GroupCoordinator {
    this.ids = 0;
    return new GroupCoordinator({ nowMs: this.nowMs, limits: this.limits, newMemberId: (p) => `${p}-${++this.ids}` });
  }

  run(line: string): string {
    const [cmd, ...rest] = line.trim().split(/\s+/);
    const kv = new Map<string, string>();
    const pos: string[] = [];
    for (const a of rest) {
      const eq = a.indexOf("=");
      if (eq > 0 && !a.slice(0, eq).includes("/")) kv.set(a.slice(0, eq), a.slice(eq + 1));
      else pos.push(a);
    }
    const groupId = kv.get("group") ?? "g";
    const out: string[] = [];
    const num = (k: string, d: number) => (kv.has(k) ? Number(kv.get(k)) : d);
    const member = kv.get("member") ?? "";
    const instance = kv.get("instance") ?? null;
    switch (cmd) {
      case "reset":
        this.nowMs = 0;
        this.c = this.#fresh();
        return "ok";
      case "config":
        for (const [k, v] of kv) (this.limits as Record<string, number>)[k] = Number(v);
        return "ok";
      case "join": {
        const protocols = (kv.get("protocols") ?? "range:m").split(",").map((p) => {
          const [name, meta] = p.split(":");
          return { name: name!, metadata: bytes(meta ?? "") };
        });
        const o = this.c.handleJoin(
          { groupId, sessionTimeoutMs: num("session", 10000), rebalanceTimeoutMs: num("rebalance", 30000), memberId: member, groupInstanceId: instance, protocolType: kv.get("type") ?? "consumer", protocols },
          { apiVersion: num("v", 5), clientId: kv.get("client") ?? "c", clientHost: "/127.0.0.1" },
          this.nowMs,
        );
        this.#outcome(out, o, (r) => fmtJoin(r));
        break;
      }
      case "sync": {
        const assignments = (kv.get("assign") ?? "").split(",").filter((s) => s !== "").map((a) => {
          const [id, t] = a.split(":");
          return { memberId: id!, assignment: bytes(t ?? "") };
        });
        const o = this.c.handleSync({ groupId, generationId: num("gen", -1), memberId: member, groupInstanceId: instance, protocolType: null, protocolName: null, assignments }, this.nowMs);
        this.#outcome(out, o, fmtSync);
        break;
      }
      case "hb": {
        const o = this.c.handleHeartbeat({ groupId, generationId: num("gen", -1), memberId: member, groupInstanceId: instance }, this.nowMs);
        this.#outcome(out, o, (r) => codeName(r.errorCode));
        break;
      }
      case "leave": {
        const members = (kv.get("members") ?? "").split(",").map((m) => {
          const [id, inst] = m.split("/");
          return { memberId: id === "-" ? "" : id!, groupInstanceId: inst ?? null };
        });
        const o = this.c.handleLeave({ groupId, members }, this.nowMs);
        this.#outcome(out, o, (r) => `${codeName(r.errorCode)} ${r.members.map((m) => `${m.memberId || "-"}=${codeName(m.errorCode)}`).join(" ")}`);
        break;
      }
      case "tick":
        this.nowMs += Number(pos[0] ?? 0);
        out.push(`now=${this.nowMs}`);
        for (const e of this.c.tick(this.nowMs).effects) out.push(`  ${fmtEffect(e)}`);
        break;
      case "commit": {
        const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
        for (const p of pos) {
          const [tp, off] = p.split("=");
          const [t, part] = tp!.split("/");
          if (!byTopic.has(t!)) byTopic.set(t!, []);
          byTopic.get(t!)!.push({ partitionIndex: Number(part), committedOffset: BigInt(off!), committedLeaderEpoch: -1, committedMetadata: kv.get("meta") ?? null });
        }
        const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
        const o = this.c.handleCommit({ groupId, generationIdOrMemberEpoch: num("gen", -1), memberId: member, groupInstanceId: instance, topics }, this.nowMs);
        this.#outcome(out, o, fmtPartitionErrors);
        break;
      }
      case "fetch": {
        const topics = pos.length === 0 ? null : pos.map((tp) => { const [name, p] = tp.split("/"); return { name: name!, partitionIndexes: [Number(p)] }; });
        const o = this.c.handleFetch({ groupId, topics }, this.nowMs);
        this.#outcome(out, o, (r) => `${codeName(r.errorCode)} ${r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}/${p.partitionIndex}=${p.committedOffset}`)).join(" ")}`.trim());
        break;
      }
      case "offset-delete": {
        const topics = pos.map((tp) => { const [name, p] = tp.split("/"); return { name: name!, partitions: [{ partitionIndex: Number(p) }] }; });
        const o = this.c.handleOffsetDelete({ groupId, topics }, this.nowMs);
        this.#outcome(out, o, (r) => `${codeName(r.errorCode)} ${fmtPartitionErrors(r)}`.trim());
        break;
      }
      case "delete": {
        const o = this.c.handleDeleteGroups([groupId], this.nowMs);
        this.#outcome(out, o, (r) => r.map((g) => `${g.groupId}=${codeName(g.errorCode)}`).join(" "));
        break;
      }
      case "describe":
        for (const d of this.c.describeGroups([groupId])) {
          out.push(`${d.groupId}: ${codeName(d.errorCode)} ${d.groupState} type=${d.protocolType} proto=${d.protocolData}`);
          for (const m of d.members) out.push(`  ${m.memberId} instance=${m.groupInstanceId} client=${m.clientId} meta=${text(m.memberMetadata)} assign=${text(m.memberAssignment)}`);
        }
        return out.join("\n");
      case "list":
        return this.c.listGroups().map((g) => `${g.groupId} ${g.groupState} ${g.protocolType} ${g.groupType}`).join("\n") || "(none)";
      default:
        throw new Error(`unknown command ${cmd}`);
    }
    this.c.checkInvariants();
    const g = this.c.group(groupId);
    out.push(g === undefined ? `${groupId}: (none)` : `${groupId}: ${g.state} gen=${g.generationId} leader=${g.leaderId ?? "-"} members=${[...g.members.keys()].join(",") || "-"}${g.pendingMembers.size ? ` pending=${[...g.pendingMembers.keys()].join(",")}` : ""}`);
    return out.join("\n");
  }

  #outcome<R>(out: string[], o: Outcome<R>, fmt: (r: R) => string): void {
    out.push(o.response !== undefined ? `-> ${fmt(o.response)}` : `-> parked #${o.parked}`);
    for (const e of o.effects) out.push(`  ${fmtEffect(e)}`);
  }
}

function fmtJoin(r: JoinReply): string {
  if (r.errorCode !== 0) return `${codeName(r.errorCode)} member=${r.memberId || "-"}`;
  const members = r.members.map((m) => `${m.memberId}${m.groupInstanceId ? `/${m.groupInstanceId}` : ""}:${text(m.metadata)}`).join(",");
  return `ok gen=${r.generationId} proto=${r.protocolName} leader=${r.leader} member=${r.memberId}${r.skipAssignment ? " skip-assignment" : ""} members=[${members}]`;
}

function fmtSync(r: SyncReply): string {
  return r.errorCode !== 0 ? codeName(r.errorCode) : `ok assignment=${text(r.assignment)}`;
}

function fmtPartitionErrors(r: { topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] }): string {
  return r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}/${p.partitionIndex}=${codeName(p.errorCode)}`)).join(" ");
}

function fmtEffect(e: Effect): string {
  if (e.type === "join-reply") return `join-reply #${e.ticket}: ${fmtJoin(e.reply)}`;
  if (e.type === "sync-reply") return `sync-reply #${e.ticket}: ${fmtSync(e.reply)}`;
  return `persist ${e.groupId}: ` + e.records.map((rec) => {
    const k = decodeKey(rec.key);
    if (k.kind === "offset") return rec.value === null ? `tombstone ${k.topic}/${k.partition}` : `${k.topic}/${k.partition}=${decodeOffsetValue(rec.value).offset}`;
    if (k.kind !== "group") return "other";
    if (rec.value === null) return "tombstone group";
    const v = decodeGroupValue(rec.value);
    return `group gen=${v.generation} proto=${v.protocol} leader=${v.leader} members=[${v.members.map((m) => `${m.memberId}:${text(m.assignment)}`).join(",")}]`;
  }).join(" ");
}

/** Runs one transcript; returns the file with actual outputs in place of the expected ones. */
function runFile(content: string): { actual: string; cases: { cmd: string; expected: string; got: string }[] } {
  const h = new Harness();
  const blocks = content.split(/\n\n+/).filter((b) => b.trim() !== "");
  const cases: { cmd: string; expected: string; got: string }[] = [];
  const rewritten: string[] = [];
  for (const block of blocks) {
    const lines = block.split("\n");
    const sep = lines.indexOf("----");
    const head = sep < 0 ? lines : lines.slice(0, sep);
    const comments = head.filter((l) => l.startsWith("#"));
    const cmd = head.filter((l) => !l.startsWith("#")).join(" ").trim();
    if (cmd === "") { rewritten.push(comments.join("\n")); continue; }
    const expected = sep < 0 ? "" : lines.slice(sep + 1).join("\n").trimEnd();
    const got = h.run(cmd);
    cases.push({ cmd, expected, got });
    rewritten.push([...comments, cmd, "----", got].join("\n"));
  }
  return { actual: rewritten.join("\n\n") + "\n", cases };
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith(".txt")).sort()) {
  test(`transcript ${file}`, () => {
    const path = joinPath(DIR, file);
    const { actual, cases } = runFile(readFileSync(path, "utf8"));
    if (process.env.REWRITE === "1") {
      writeFileSync(path, actual);
      return;
    }
    for (const c of cases) expect(`${c.cmd}\n${c.got}`).toBe(`${c.cmd}\n${c.expected}`);
  });
}
