/** What the harness needs from each system under test: start it, name its workloads' generators, stop it. */
import type { Workload } from "../workloads.ts";

/** The systems (and variants) compared; ids appear as keys in compare.json. */
export type SystemId = "streambusDurable" | "streambusRelaxed" | "streambusDurableSdk" | "streambusRelaxedSdk" | "streambusRelaxedWire" | "nats" | "redisAlways" | "redisEverysec" | "appendServer" | "tcpBlast";

/** A started system. */
export interface RunningSystem {
  /** PID of the server process (RSS and CPU are read from /proc). */
  pid: number;
  /** Spawn to the first acknowledged write through a pre-started client (NaN if not measured). */
  coldStartMs: number;
  /** Creates the topic/stream a workload writes to (some systems create on first write). */
  prepare(w: Workload, name: string): Promise<void>;
  /** The command line of generator number `index` for a workload over topic/stream `name`. */
  generator(w: Workload, name: string, index: number, op: "produce" | "consume" | "latency"): string[];
  /** Around the untimed backlog fill: a system may switch to a faster write mode (reads are unaffected). */
  fillMode?(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** One system under test. */
export interface SystemDef {
  id: SystemId;
  label: string;
  /** Which client drives it (for the report). */
  client: string;
  /** Durability as configured, in words (for the report). */
  durability: string;
  /** Which workload kinds it runs. */
  runs: { produce: boolean; consume: boolean; latency: boolean };
  start(tmpDir: string, timeoutMs: number): Promise<RunningSystem>;
}
