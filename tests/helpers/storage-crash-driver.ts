/**
 * Runs crash rounds against tests/helpers/storage-crash-child.ts and checks the log after each SIGKILL:
 * every acknowledged batch is present at its offset with identical bytes, offsets are contiguous, and
 * every batch in the log is a complete batch some writer produced (nothing half-present).
 */
import { join } from "node:path";
import { validateBatches } from "../../protocol/batch-header.ts";
import { RealIO } from "../../storage/io.ts";
import { PartitionLog } from "../../storage/log.ts";
import { readRecords } from "../../storage/record-keys.ts";
import { storedCrashBatch } from "./storage-crash-batch.ts";

const CHILD = join(import.meta.dir, "storage-crash-child.ts");

export interface RoundResult {
  acked: Map<bigint, string>;
  /** Acknowledged batches missing or different after the crash. */
  lost: string[];
  /** Problems with what is in the log (gaps, garbled or unknown batches). */
  broken: string[];
  ackCount: number;
}

/** Starts the child, lets it append for `runMs` after it is ready, SIGKILLs it, returns its acks. */
export async function crashRound(dir: string, round: number, runMs: number, env: Record<string, string>): Promise<Map<bigint, string>> {
  const proc = Bun.spawn([process.execPath, CHILD, dir, String(round)], { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const acks = new Map<bigint, string>();
  const reader = proc.stdout.getReader();
  let text = "";
  let ready = false;
  const decoder = new TextDecoder();
  const consume = (final: boolean) => {
    const lines = text.split("\n");
    text = final ? "" : lines.pop()!;
    for (const line of lines) {
      const [kind, a, b] = line.split(" ");
      if (kind === "ready") ready = true;
      else if (kind === "ack") acks.set(BigInt(a!), b!);
    }
  };
  const startupDeadline = Date.now() + 10_000;
  try {
    while (!ready) {
      if (Date.now() > startupDeadline) throw new Error("crash child did not become ready in 10 s");
      const { value, done } = await reader.read();
      if (done) throw new Error(`crash child exited early: ${await new Response(proc.stderr).text()}`);
      text += decoder.decode(value, { stream: true });
      consume(false);
    }
    await Bun.sleep(runMs);
  } finally {
    proc.kill("SIGKILL");
    await proc.exited;
  }
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  consume(false); // a partial last line is an ack the child had not finished printing: ignore it
  return acks;
}

/** Opens the log with real io (recovering it) and checks it against every acknowledgement so far. */
export async function checkLog(dir: string, ackedSoFar: Map<bigint, string>): Promise<{ lost: string[]; broken: string[] }> {
  const log = await PartitionLog.open({ dir, io: new RealIO(), clock: { nowMs: () => Date.now() } });
  const found = new Map<bigint, Buffer>();
  const broken: string[] = [];
  try {
    let at = log.logStartOffset;
    while (at < log.highWatermark) {
      const r = await log.read(at, 1 << 20);
      if (r.bytes.byteLength === 0) break;
      let pos = 0;
      for (const h of validateBatches(r.bytes, { maxBatchBytes: 1 << 26 })) {
        if (h.baseOffset !== at) broken.push(`gap or overlap: expected offset ${at}, found ${h.baseOffset}`);
        const bytes = Buffer.from(r.bytes.subarray(pos, pos + h.sizeBytes));
        const key = readRecords(bytes)[0]?.key;
        const id = key ? Buffer.from(key).toString() : "";
        if (!id || !bytes.equals(storedCrashBatch(id, h.baseOffset))) broken.push(`batch at ${h.baseOffset} is not a batch any writer produced`);
        found.set(h.baseOffset, bytes);
        at = h.baseOffset + BigInt(h.lastOffsetDelta) + 1n;
        pos += h.sizeBytes;
      }
    }
  } finally {
    await log.close();
  }
  const lost: string[] = [];
  for (const [offset, id] of ackedSoFar) {
    const bytes = found.get(offset);
    if (!bytes || !bytes.equals(storedCrashBatch(id, offset))) lost.push(`${id}@${offset}`);
  }
  return { lost, broken };
}
