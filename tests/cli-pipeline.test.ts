/**
 * The compiled CLI in real shell pipelines against a broker process: 200,000 keyed lines through
 * `produce -K`, back out through `consume --output json` exactly once, in per-partition order, each key in
 * one partition; the topic verbs, cluster info, profiles, completion, --from forms, binary-safe JSON,
 * and `| head` closing the pipe.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CliHarness, startCliHarness } from "./helpers/cli-harness.ts";

let h: CliHarness;

beforeAll(async () => {
  h = await startCliHarness();
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

interface JsonRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  keyEncoding?: string;
  valueEncoding?: string;
  headers: { key: string; value: string | null; valueEncoding?: string }[];
}

const lines = (s: string) => s.split("\n").filter(Boolean);

describe("streambus CLI pipelines", () => {
  test("200,000 keyed lines: produce -K, consume --output json: exactly once, ordered per partition, key -> one partition", async () => {
    expect((await h.run(["topic", "create", "pipe", "--partitions", "3"])).code).toBe(0);
    const p = await h.sh(`seq 1 200000 | awk '{ print "k" ($1 % 1000) ":" $1 }' | "$SB" produce pipe --key-separator :`, { timeoutMs: 60_000 });
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    const c = await h.run(["consume", "pipe", "--from", "earliest", "--exit-at-end", "--output", "json"], { timeoutMs: 60_000 });
    expect(c.code).toBe(0);
    const records = lines(c.stdout).map((l) => JSON.parse(l) as JsonRecord);
    expect(records.length).toBe(200_000);
    const seen = new Set<number>();
    const lastOffset = new Map<number, number>();
    const lastValue = new Map<number, number>();
    const partitionOfKey = new Map<string, number>();
    for (const r of records) {
      const v = Number(r.value);
      expect(seen.has(v)).toBe(false);
      seen.add(v);
      expect(r.key).toBe(`k${v % 1000}`);
      // Offsets and the producer's order both increase within a partition.
      expect(r.offset).toBeGreaterThan(lastOffset.get(r.partition) ?? -1);
      expect(v).toBeGreaterThan(lastValue.get(r.partition) ?? 0);
      lastOffset.set(r.partition, r.offset);
      lastValue.set(r.partition, v);
      const kp = partitionOfKey.get(r.key!);
      if (kp !== undefined) expect(r.partition).toBe(kp);
      partitionOfKey.set(r.key!, r.partition);
    }
    expect(new Set(records.map((r) => r.partition)).size).toBe(3);
  }, 90_000);

  test("topic list, describe, alter-config and delete; json, yaml and table output", async () => {
    expect((await h.run(["topic", "create", "admin-t", "-p", "2", "-c", "retention.ms=86400000"])).code).toBe(0);
    const list = await h.run(["topic", "list", "-o", "json"]);
    expect(JSON.parse(list.stdout)).toContainEqual({ name: "admin-t", partitions: 2, replicationFactor: 1, internal: false });
    const table = await h.run(["topic", "list", "-o", "table"]);
    expect(table.stdout).toMatch(/^NAME\s+PARTITIONS\s+REPLICAS\n/);
    expect(table.stdout).toMatch(/admin-t\s+2\s+1/);
    expect(table.stdout).not.toContain("\x1b["); // no colour codes in a pipe
    const alter = await h.run(["topic", "alter-config", "admin-t", "-c", "retention.ms=3600000", "-o", "json"]);
    expect(alter.code).toBe(0);
    const yaml = await h.run(["topic", "describe", "admin-t", "-o", "yaml"]);
    expect(yaml.stdout).toContain("retention.ms: \"3600000\"");
    const d = JSON.parse((await h.run(["topic", "describe", "admin-t"])).stdout);
    expect(d.partitions.map((p: { partition: number }) => p.partition)).toEqual([0, 1]);
    expect((await h.run(["topic", "delete", "admin-t"])).code).toBe(0);
    expect((await h.run(["topic", "describe", "admin-t"])).code).toBe(3);
  }, 30_000);

  test("cluster info names the broker", async () => {
    const r = await h.run(["cluster", "info", "-o", "json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.brokers).toHaveLength(1);
    expect(`${info.brokers[0].host}:${info.brokers[0].port}`).toBe(h.broker.bootstrap);
  });

  test("profiles: create/use/list in $XDG_CONFIG_HOME; brokers come from the current profile when nothing else says", async () => {
    const xdg = join(h.home, "xdg");
    const env = { XDG_CONFIG_HOME: xdg, STREAMBUS_BROKERS: "" };
    expect((await h.run(["profile", "create", "dead", "-b", "127.0.0.1:1"], { env })).code).toBe(0);
    expect((await h.run(["profile", "create", "local", "-b", h.broker.bootstrap], { env })).code).toBe(0);
    expect(readFileSync(join(xdg, "streambus", "config.yaml"), "utf8")).toContain("current: dead");
    // The first profile became current: it points nowhere, so this fails as unreachable.
    expect((await h.run(["cluster", "info", "--timeout", "500ms"], { env })).code).toBe(5);
    expect((await h.run(["profile", "use", "local"], { env })).code).toBe(0);
    expect((await h.run(["cluster", "info"], { env })).code).toBe(0);
    const list = JSON.parse((await h.run(["profile", "list", "-o", "json"], { env })).stdout);
    expect(list).toEqual([{ name: "dead", brokers: ["127.0.0.1:1"], current: false }, { name: "local", brokers: [h.broker.bootstrap], current: true }]);
    // --brokers beats the profile; --profile picks one explicitly.
    expect((await h.run(["cluster", "info", "--timeout", "500ms", "-b", "127.0.0.1:1"], { env })).code).toBe(5);
    expect((await h.run(["cluster", "info", "--timeout", "500ms", "--profile", "dead"], { env })).code).toBe(5);
    expect((await h.run(["profile", "use", "nope"], { env })).code).toBe(3);
  }, 30_000);

  test("--format, --from forms, --count, --partition, headers and | head", async () => {
    expect((await h.run(["topic", "create", "fmt", "-p", "1"])).code).toBe(0);
    const before = Date.now();
    const input = Array.from({ length: 20 }, (_, i) => `${before + i}\tk${i}\tv${i}`).join("\n") + "\n";
    const p = await h.run(["produce", "fmt", "--format", "%t\\t%k\\t%v\\n", "--header", "src=test", "--header", "n=1"], { stdin: input });
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    const all = await h.run(["consume", "fmt", "--from", "earliest", "-e", "-f", "%t %p %o %k %v %T %h\\n"]);
    expect(lines(all.stdout)[3]).toBe(`fmt 0 3 k3 v3 ${before + 3} src=test,n=1`);
    const at = await h.run(["consume", "fmt", "--from", "15", "-e", "-f", "%o\\n"]);
    expect(lines(at.stdout)).toEqual(["15", "16", "17", "18", "19"]);
    const last = await h.run(["consume", "fmt", "--from", "-2", "-e", "-f", "%v\\n"]);
    expect(lines(last.stdout)).toEqual(["v18", "v19"]);
    const byTime = await h.run(["consume", "fmt", "--from", `@${before + 17}`, "-e", "-f", "%v\\n"]);
    expect(lines(byTime.stdout)).toEqual(["v17", "v18", "v19"]);
    const ago = await h.run(["consume", "fmt", "--from", "-1h", "-e", "-f", "%v\\n"]);
    expect(lines(ago.stdout)).toHaveLength(20);
    const counted = await h.run(["consume", "fmt", "--from", "earliest", "--count", "4", "--partition", "0"]);
    expect(counted.code).toBe(0);
    expect(lines(counted.stdout)).toEqual(["v0", "v1", "v2", "v3"]);
  }, 60_000);

  test("| head -5 closes the pipe: consume (no -e) ends quietly with exit code 0", async () => {
    expect((await h.run(["topic", "create", "headt", "-p", "1"])).code).toBe(0);
    expect((await h.sh(`seq 1 50000 | "$SB" produce headt`)).code).toBe(0);
    // 50,000 lines overflow the pipe after head has gone, so consume's next write meets EPIPE.
    const head = await h.sh(`"$SB" consume headt --from earliest | head -5; echo "exit=\${PIPESTATUS[0]}" >&2`, { timeoutMs: 20_000 });
    expect(lines(head.stdout)).toEqual(["1", "2", "3", "4", "5"]);
    expect(head.stderr).toBe("exit=0\n");
  }, 30_000);

  test("binary values: raw bytes in text mode, base64 with valueEncoding in JSON", async () => {
    expect((await h.run(["topic", "create", "bin", "-p", "1"])).code).toBe(0);
    const bytes = new Uint8Array([0xff, 0xfe, 0x3a, 0x00, 0x80, 0x0a]); // key \xff\xfe, separator ':', value 00 80
    expect((await h.run(["produce", "bin", "-K", ":"], { stdin: bytes })).code).toBe(0);
    const j = JSON.parse((await h.run(["consume", "bin", "--from", "earliest", "-e", "-o", "json"])).stdout) as JsonRecord;
    expect(j).toMatchObject({ key: Buffer.from([0xff, 0xfe]).toString("base64"), keyEncoding: "base64", value: Buffer.from([0x00, 0x80]).toString("base64"), valueEncoding: "base64" });
    const raw = await h.sh(`"$SB" consume bin --from earliest -e -f '%v' | od -An -tx1`);
    expect(raw.stdout.trim()).toBe("00 80");
  }, 30_000);

  test("consume --group: a second member resumes where the first one's committed offsets left off", async () => {
    expect((await h.run(["topic", "create", "grp", "-p", "3"])).code).toBe(0);
    expect((await h.sh(`seq 1 300 | awk '{ print "k" $1 ":" $1 }' | "$SB" produce grp -K :`)).code).toBe(0);
    const first = await h.run(["consume", "grp", "--group", "cli-g", "--from", "earliest", "--count", "120"], { timeoutMs: 30_000 });
    expect(first.code).toBe(0);
    // --from earliest again: a partition the first member never committed must not start at the end.
    const second = await h.run(["consume", "grp", "--group", "cli-g", "--from", "earliest", "--count", "180"], { timeoutMs: 30_000 });
    expect(second.code).toBe(0);
    const a = lines(first.stdout).map(Number);
    const b = lines(second.stdout).map(Number);
    expect(a.length).toBe(120);
    expect(b.length).toBe(180);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  }, 60_000);

  test("completion: scripts for each shell and the hidden __complete route", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const r = await h.run(["completion", shell]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("streambus __complete");
    }
    expect(lines((await h.run(["__complete", "top"])).stdout)).toEqual(["topic"]);
    expect(lines((await h.run(["__complete", "topic", ""])).stdout)).toEqual(["create", "list", "describe", "alter-config", "delete"]);
    expect(lines((await h.run(["__complete", "consume", "t", "--exit"])).stdout)).toEqual(["--exit-at-end"]);
    // bash runs the script and completes a partial noun through the binary.
    const bash = await h.sh(`source <("$SB" completion bash); COMP_WORDS=(streambus pro); COMP_CWORD=1; streambus() { "$SB" "$@"; }; _streambus_complete; printf '%s\\n' "\${COMPREPLY[@]}"`);
    expect(lines(bash.stdout)).toEqual(["produce", "profile"]);
  }, 30_000);
});
