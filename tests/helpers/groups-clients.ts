/**
 * Helpers for the consumer-group acceptance tests: long-running client processes whose output is
 * watched line by line (kcat, a confluent-kafka consumer script), and raw OffsetFetch/DescribeGroups
 * through RawConn so group state is checked by a path independent of the clients under test.
 * Every wait is bounded; every process has a hard kill.
 */
import type { Subprocess } from "bun";
import { PYTHON, runCmd } from "./python.ts";
import { RawConn } from "./raw-kafka.ts";

/** A child process whose stdout lines and stderr text are collected as they arrive. */
export class WatchedProcess {
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<number>;
  readonly #proc: Subprocess<"ignore", "pipe", "pipe">;
  #hardKill: ReturnType<typeof setTimeout>;

  /** Starts `cmd`; it is SIGKILLed after `maxLifeMs` whatever happens. */
  constructor(readonly name: string, cmd: string[], maxLifeMs = 90_000) {
    const proc = Bun.spawn({ cmd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    this.#proc = proc;
    this.#hardKill = setTimeout(() => proc.kill("SIGKILL"), maxLifeMs);
    const decoder = new TextDecoder();
    const out = (async () => {
      let partial = "";
      for await (const chunk of proc.stdout) {
        partial += decoder.decode(chunk, { stream: true });
        const parts = partial.split("\n");
        partial = parts.pop()!;
        this.lines.push(...parts);
      }
      if (partial !== "") this.lines.push(partial);
    })();
    const err = (async () => {
      const d = new TextDecoder();
      for await (const chunk of proc.stderr) this.stderr += d.decode(chunk, { stream: true });
    })();
    this.exited = Promise.all([proc.exited, out, err]).then(([code]) => {
      clearTimeout(this.#hardKill);
      return code;
    });
  }

  get pid(): number {
    return this.#proc.pid;
  }

  /** Polls `pred` every 50 ms until true; throws with the process's output after `timeoutMs`. */
  async waitFor(what: string, pred: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`${this.name}: timed out waiting for ${what}\nstdout:\n${this.lines.slice(-30).join("\n")}\nstderr:\n${this.stderr.slice(-3000)}`);
      await Bun.sleep(50);
    }
  }

  /** Sends `signal` and waits for the exit, SIGKILLing after `graceMs`. Returns the exit code. */
  async stop(signal: "SIGINT" | "SIGTERM" | "SIGKILL" = "SIGTERM", graceMs = 15_000): Promise<number> {
    this.#proc.kill(signal);
    const t = setTimeout(() => this.#proc.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }
}

/** Polls `pred` until true or throws after `timeoutMs`. */
export async function waitUntil(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 30_000, stepMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(stepMs);
  }
}

/** `kcat -G group topic` printing `partition offset value` lines; assignments are reported on stderr. */
export function kcatGroupConsumer(bootstrap: string, group: string, topic: string, name = `kcat-${group}`): WatchedProcess {
  return new WatchedProcess(name, [
    "kcat", "-b", bootstrap, "-G", group,
    "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500", "-X", "auto.offset.reset=earliest",
    "-u", "-f", "%p %o %s\\n", topic,
  ]);
}

/** Produces `values` to `topic` with kcat, acks=all: to `partition`, or spread by librdkafka's partitioner (no keys). */
export async function produceWithKcat(bootstrap: string, topic: string, values: readonly string[], partition?: number): Promise<void> {
  const cmd = ["kcat", "-b", bootstrap, "-P", "-t", topic, "-X", "acks=all", ...(partition === undefined ? [] : ["-p", String(partition)])];
  const r = await runCmd(cmd, { stdin: values.join("\n") + "\n", timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`kcat -P failed (${r.code}): ${r.stderr}`);
}

/** Produces `values` round-robin over `partitions` (value i to partitions[i % n]), so every partition gets records. */
export async function produceSpread(bootstrap: string, topic: string, values: readonly string[], partitions: readonly number[]): Promise<void> {
  for (const [i, p] of partitions.entries()) {
    const mine = values.filter((_, j) => j % partitions.length === i);
    if (mine.length > 0) await produceWithKcat(bootstrap, topic, mine, p);
  }
}

/**
 * A confluent-kafka (librdkafka) subscribe() consumer printing one JSON object per line:
 * {ev:"assign"|"revoke", parts:[...]}, {ev:"msg", p, o, v}, {ev:"error", err}, {ev:"closed"}.
 * SIGTERM/SIGINT end the poll loop; close() then commits (auto commit, long interval) and leaves.
 * argv: bootstrap group topic [extra config as JSON].
 */
export const CONFLUENT_CONSUMER_PY = `
import sys, json, signal
from confluent_kafka import Consumer
bootstrap, group, topic = sys.argv[1], sys.argv[2], sys.argv[3]
extra = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
stop = False
def on_signal(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)
def out(**kw):
    print(json.dumps(kw), flush=True)
conf = {"bootstrap.servers": bootstrap, "group.id": group, "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
        "auto.offset.reset": "earliest", "enable.auto.commit": True, "auto.commit.interval.ms": 600000}
conf.update(extra)
c = Consumer(conf)
c.subscribe([topic],
            on_assign=lambda _c, parts: out(ev="assign", parts=sorted(p.partition for p in parts)),
            on_revoke=lambda _c, parts: out(ev="revoke", parts=sorted(p.partition for p in parts)))
while not stop:
    m = c.poll(0.1)
    if m is None:
        continue
    if m.error():
        out(ev="error", err=str(m.error()))
        continue
    out(ev="msg", p=m.partition(), o=m.offset(), v=m.value().decode())
c.close()
out(ev="closed")
`;

export interface ConsumerEvent {
  ev: "assign" | "revoke" | "msg" | "error" | "closed";
  parts?: number[];
  p?: number;
  o?: number;
  v?: string;
  err?: string;
}

/** Starts the confluent-kafka consumer script. */
export function confluentConsumer(bootstrap: string, group: string, topic: string, extra: Record<string, unknown> = {}, name = `ck-${group}`): WatchedProcess {
  return new WatchedProcess(name, [PYTHON, "-u", "-c", CONFLUENT_CONSUMER_PY, bootstrap, group, topic, JSON.stringify(extra)]);
}

/** The JSON events a confluent consumer printed so far (non-JSON lines are skipped). */
export function eventsOf(p: WatchedProcess): ConsumerEvent[] {
  const out: ConsumerEvent[] = [];
  for (const l of p.lines) {
    if (!l.startsWith("{")) continue;
    try {
      out.push(JSON.parse(l) as ConsumerEvent);
    } catch {
      // a half-written line; the next poll sees it whole
    }
  }
  return out;
}

/** Committed offsets of `partitions` of `topic` for `group`, through a raw OffsetFetch v5 (-1 = none). */
export async function fetchCommitted(port: number, group: string, topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
  const c = await RawConn.open(port);
  try {
    const r = await c.request(9, 5, { groupId: group, topics: [{ name: topic, partitionIndexes: [...partitions] }], requireStable: false });
    if (r.errorCode !== 0) throw new Error(`OffsetFetch error ${r.errorCode}`);
    const out = new Map<number, bigint>();
    for (const t of r.topics as { name: string; partitions: { partitionIndex: number; committedOffset: bigint; errorCode: number }[] }[]) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new Error(`OffsetFetch ${t.name}[${p.partitionIndex}] error ${p.errorCode}`);
        out.set(p.partitionIndex, p.committedOffset);
      }
    }
    return out;
  } finally {
    c.close();
  }
}

export interface DescribedGroupView {
  errorCode: number;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string }[];
}

/** DescribeGroups v4 (has group instance ids) for one group. */
export async function describeGroup(port: number, group: string): Promise<DescribedGroupView> {
  const c = await RawConn.open(port);
  try {
    const r = await c.request(15, 4, { groups: [group], includeAuthorizedOperations: false });
    return (r.groups as DescribedGroupView[])[0]!;
  } finally {
    c.close();
  }
}

/** Log-end offsets of a topic's partitions, via raw ListOffsets v1 (timestamp -1). */
export async function endOffsets(port: number, topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
  const c = await RawConn.open(port);
  try {
    const r = await c.request(2, 1, { replicaId: -1, topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, timestamp: -1n })) }] });
    const out = new Map<number, bigint>();
    for (const t of r.topics as { partitions: { partitionIndex: number; offset: bigint; errorCode: number }[] }[]) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new Error(`ListOffsets ${topic}[${p.partitionIndex}] error ${p.errorCode}`);
        out.set(p.partitionIndex, p.offset);
      }
    }
    return out;
  } finally {
    c.close();
  }
}
