/**
 * Drives peers/sink-server.ts: sends `count` records of `size` bytes as raw bytes in 64 KiB writes (the
 * payload bytes of a produce run, without any protocol) and waits for the server's one-byte answer.
 * Usage: bun blast-gen.ts '{"port":N,"size":S,"count":C,"timeoutMs":T}'; handshake in gen/runner.ts.
 */
import type { Socket } from "bun";
import { cpuSince, deadline, readyAndWait } from "./common.ts";

const spec = JSON.parse(process.argv[2]!) as { port: number; size: number; count: number; timeoutMs: number };
const CHUNK_BYTES = 64 * 1024;
const totalBytes = spec.size * spec.count;
const chunk = new Uint8Array(CHUNK_BYTES).fill(120);
let sentBytes = 0;
let answered!: () => void;
const done = new Promise<void>((r) => (answered = r));

const socket: Socket<undefined> = await Bun.connect({
  hostname: "127.0.0.1", port: spec.port,
  socket: { data: () => answered(), drain: (s) => pump(s) },
});

/** Writes until the kernel pushes back; `drain` resumes. */
function pump(s: Socket<undefined>): void {
  while (sentBytes < totalBytes) {
    const want = Math.min(CHUNK_BYTES, totalBytes - sentBytes);
    const n = s.write(want === CHUNK_BYTES ? chunk : chunk.subarray(0, want));
    sentBytes += Math.max(0, n);
    if (n < want) return;
  }
}

await readyAndWait();
const c0 = process.cpuUsage();
const t0 = performance.now();
const header = new Uint8Array(8);
new DataView(header.buffer).setBigUint64(0, BigInt(totalBytes), true);
socket.write(header);
pump(socket);
await deadline(done, spec.timeoutMs, "blast");
const elapsedS = (performance.now() - t0) / 1000;
socket.end();
console.log(JSON.stringify({ records: spec.count, bytes: totalBytes, elapsedS, cpuS: cpuSince(c0) }));
process.exit(0);
