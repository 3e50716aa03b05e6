/**
 * Child process of tests/raft-kill.test.ts: opens a one-voter quorum on argv[2], prints the digest of the
 * recovered image, waits for "go <from> <to>" on stdin, then proposes records from..to with a window of
 * concurrent proposals, printing "ack <seq>" for each acknowledged one, and "done" at the end.
 * The parent kills it with SIGKILL at random points; STREAMBUS_UNSAFE_LAZY_IO=1 makes that a power cut.
 */
import { Quorum } from "../../raft/quorum.ts";
import { imageDigest, recordAt } from "./raft-records.ts";

const WINDOW = 64;
const dir = process.argv[2]!;
const q = await Quorum.open({ dataDir: dir, nodeId: 1, voters: [1], tickMs: 20, snapshotEveryEntries: Number(process.argv[3] ?? 1000) });
process.stdout.write(`image ${imageDigest(q.image())}\n`);

let input = "";
for await (const chunk of process.stdin) {
  input += Buffer.from(chunk).toString();
  if (input.includes("\n")) break;
}
const [, fromText, toText] = input.trim().split(" ");
const from = Number(fromText);
const to = Number(toText);
let next = from;
let out = "";
let flushQueued = false;
function emit(line: string): void {
  out += line + "\n";
  if (flushQueued) return;
  flushQueued = true;
  queueMicrotask(() => {
    process.stdout.write(out);
    out = "";
    flushQueued = false;
  });
}

async function worker(): Promise<void> {
  while (next <= to) {
    const seq = next++;
    await q.propose(recordAt(seq));
    emit(`ack ${seq}`);
  }
}
await Promise.all(Array.from({ length: WINDOW }, worker));
emit("done");
await q.close();
process.stdout.write(out);
process.exit(0);
