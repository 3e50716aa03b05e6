/**
 * Drives peers/sink-server.ts (the trivial append server and the TCP blast) with the same bytes the wire
 * producer (kafka-wire-gen.ts) sends a broker: pre-encoded Produce requests for `count` records of
 * `size` bytes, streamed back to back, then waits for the server's one-byte answer.
 * Usage: bun blast-gen.ts '{"port":N,"size":S,"count":C,"timeoutMs":T}'; handshake in gen/runner.ts.
 */
import type { Socket } from "bun";
import { cpuSince, deadline, readyAndWait } from "./common.ts";
import { produceFrames } from "./produce-frames.ts";

const spec = JSON.parse(process.argv[2]!) as { port: number; size: number; count: number; timeoutMs: number };
const { frames, recordsPerFrame } = produceFrames({ topic: "blast", size: spec.size, acks: 1, distinct: 16 });
const totalFrames = Math.ceil(spec.count / recordsPerFrame);
let totalBytes = 0;
for (let i = 0; i < totalFrames; i++) totalBytes += frames[i % frames.length]!.byteLength;
let framesQueued = 0;
/** The unsent rest of the frame being written. */
let head: Uint8Array | null = null;
let answered!: () => void;
const done = new Promise<void>((r) => (answered = r));

const socket: Socket<undefined> = await Bun.connect({
  hostname: "127.0.0.1", port: spec.port,
  socket: { data: () => answered(), drain: (s) => pump(s) },
});

/** Writes until the kernel pushes back; `drain` resumes. */
function pump(s: Socket<undefined>): void {
  for (;;) {
    if (!head) {
      if (framesQueued === totalFrames) return;
      head = frames[framesQueued++ % frames.length]!;
    }
    const n = s.write(head);
    if (n < head.byteLength) {
      head = head.subarray(Math.max(0, n));
      return;
    }
    head = null;
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
const records = totalFrames * recordsPerFrame;
console.log(JSON.stringify({ records, bytes: totalBytes, elapsedS, cpuS: cpuSince(c0) }));
process.exit(0);
