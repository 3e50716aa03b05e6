/**
 * Re-creates the real-client golden fixtures under protocol/testdata/:
 *   node_modules/.bin/bun tests/helpers/protocol-capture.ts
 * Runs kcat, kafka-python and kafkajs against the recording listener and writes the first frame of
 * every (client, api, version) as protocol/testdata/kafka-<client>-<api>-v<N>.hex (frame after the
 * length prefix, hex, 64 bytes per line). Review the diff like code: a changed fixture means a client
 * or our codec changed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { apiByKey } from "../../protocol/apis.ts";
import { startRecordingListener, type RecordedFrame } from "./protocol-recording-listener.ts";

const TESTDATA_DIR = join(import.meta.dir, "..", "..", "protocol", "testdata");
const CLIENT_TIMEOUT_MS = 15_000;

/** Kebab-case API name for file names ("ApiVersions" -> "api-versions"). */
export function apiFileName(apiKey: number): string {
  const name = apiByKey(apiKey)?.name ?? `api${apiKey}`;
  return name.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
}

/** Hex with 64 bytes per line, so diffs stay readable. */
export function toHex(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return (hex.match(/.{1,128}/g) ?? []).join("\n") + "\n";
}

async function run(cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill(), CLIENT_TIMEOUT_MS);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const KAFKA_PYTHON_SCRIPT = `
import sys
from kafka import KafkaAdminClient
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id="kafka-python-capture", request_timeout_ms=5000, api_version_auto_timeout_ms=5000)
print(admin.list_topics())
admin.close()
`;

/** Runs one client against a fresh listener and returns what it sent. */
export async function captureClient(client: "kcat" | "kafka-python" | "kafkajs"): Promise<RecordedFrame[]> {
  const rec = await startRecordingListener();
  const bootstrap = `127.0.0.1:${rec.port}`;
  try {
    if (client === "kcat") {
      const r = await run(["kcat", "-b", bootstrap, "-L", "-m", "5"]);
      if (r.code !== 0) throw new Error(`kcat failed (${r.code}): ${r.stderr}`);
    } else if (client === "kafka-python") {
      const r = await run(["/usr/bin/python3", "-c", KAFKA_PYTHON_SCRIPT, bootstrap]);
      if (r.code !== 0) throw new Error(`kafka-python failed (${r.code}): ${r.stderr}`);
    } else {
      const kafka = new Kafka({ clientId: "kafkajs-capture", brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
      const admin = kafka.admin();
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [] });
      await admin.disconnect();
    }
    if (rec.errors.length > 0) throw new Error(`listener could not decode a ${client} frame: ${String(rec.errors[0])}`);
    return rec.frames;
  } finally {
    await rec.close();
  }
}

/** Fixture file name for a recorded frame. */
export function fixtureName(client: string, f: RecordedFrame): string {
  return `kafka-${client}-${apiFileName(f.apiKey)}-v${f.apiVersion}.hex`;
}

if (import.meta.main) {
  mkdirSync(TESTDATA_DIR, { recursive: true });
  for (const client of ["kcat", "kafka-python", "kafkajs"] as const) {
    const frames = await captureClient(client);
    const seen = new Set<string>();
    for (const f of frames) {
      const name = fixtureName(client, f);
      if (seen.has(name)) continue;
      seen.add(name);
      writeFileSync(join(TESTDATA_DIR, name), toHex(f.frame));
      console.log(`wrote ${name} (${f.frame.length} bytes)`);
    }
  }
}
