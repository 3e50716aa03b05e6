/**
 * Compaction crash child: compacts the log in argv[2]; prints each swap step. With env
 * COMPACT_KILL_AT_STEP=<step> it SIGKILLs itself the moment that step is reached.
 */
import { compactLog } from "../../storage/compactor.ts";
import { RealIO } from "../../storage/io.ts";
import { PartitionLog } from "../../storage/log.ts";
import { COMPACT_CONFIG } from "./storage-compact-fixture.ts";

const killAt = process.env.COMPACT_KILL_AT_STEP;
const log = await PartitionLog.open({ dir: process.argv[2]!, io: new RealIO(), clock: { nowMs: () => 1_700_000_000_000 }, config: COMPACT_CONFIG });
process.stdout.write("ready\n");
let n = 0;
await compactLog(log, {
  nowMs: 1_700_000_000_000,
  onStep: (step) => {
    process.stdout.write(`step ${step}\n`);
    if (step === killAt && ++n === 3) process.kill(process.pid, "SIGKILL"); // mid-way, with segments already swapped
  },
});
process.stdout.write("done\n");
await new Promise(() => {}); // wait to be killed: the log is never closed cleanly
