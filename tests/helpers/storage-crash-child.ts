/**
 * Crash-test child: opens the partition log in argv[2] (recovering it), prints "ready", then appends from
 * several concurrent writers under the fsync policy and prints "ack <baseOffset> <id>" for every
 * acknowledged batch, until it is killed. Env STREAMBUS_UNSAFE_LAZY_IO=1 selects the lazy (power-cut)
 * io; STREAMBUS_UNSAFE_ACK_BEFORE_FSYNC=1 is the negative control that acknowledges before the fsync.
 */
import { createStorageIO } from "../../storage/io.ts";
import { PartitionLog } from "../../storage/log.ts";
import { crashBatch } from "./storage-crash-batch.ts";

const dir = process.argv[2]!;
const round = Number(process.argv[3]!);
const writers = 8;
const io = await createStorageIO({ env: process.env });
const log = await PartitionLog.open({
  dir,
  io,
  clock: { nowMs: () => Date.now() },
  config: { segmentBytes: 256 * 1024, indexIntervalBytes: 1024, unsafeAckBeforeFsync: process.env.STREAMBUS_UNSAFE_ACK_BEFORE_FSYNC === "1" },
});
process.stdout.write(`ready ${log.logEndOffset}\n`);

async function writer(w: number): Promise<void> {
  for (let seq = 0; ; seq++) {
    const id = `r${round}w${w}s${seq}`;
    const r = await log.append(crashBatch(id));
    process.stdout.write(`ack ${r.baseOffset} ${id}\n`);
  }
}
await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
