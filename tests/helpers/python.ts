/** Runs a Python snippet with Debian's interpreter (which sees python3-confluent-kafka / python3-kafka). */
export const PYTHON = "/usr/bin/python3";

export interface PyResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `code` with args available as sys.argv[1:]; kills it after `timeoutMs`. */
export async function runPython(code: string, args: string[] = [], timeoutMs = 60_000, stdin?: string): Promise<PyResult> {
  const proc = Bun.spawn({ cmd: [PYTHON, "-c", code, ...args], stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code_] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code: code_, stdout, stderr };
}

/** Creates a topic through librdkafka's AdminClient (an independent client, so tests do not lean on ours). */
export async function createTopicWithLibrdkafka(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const r = await runPython(
    `
import sys
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({"bootstrap.servers": sys.argv[1]})
fs = a.create_topics([NewTopic(sys.argv[2], num_partitions=int(sys.argv[3]), replication_factor=1)], operation_timeout=10)
for t, f in fs.items():
    f.result(timeout=15)
print("ok")
`,
    [bootstrap, topic, String(partitions)],
    30_000,
  );
  if (r.code !== 0 || !r.stdout.includes("ok")) throw new Error(`create topic ${topic} failed: ${r.stderr}${r.stdout}`);
}

/** Runs a command with a timeout; returns its output. */
export async function runCmd(cmd: string[], opts: { stdin?: string | Uint8Array; timeoutMs?: number } = {}): Promise<PyResult> {
  const proc = Bun.spawn({
    cmd,
    stdin: opts.stdin === undefined ? "ignore" : typeof opts.stdin === "string" ? new TextEncoder().encode(opts.stdin) : opts.stdin,
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
