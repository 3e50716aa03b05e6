/**
 * Mutation tests: each deliberate bug in the core must make the CI batch fail. If one passes, the
 * simulator or its checkers have gone blind.
 */
import { expect, test } from "bun:test";
import type { RaftMutation } from "../raft/options.ts";
import { CI_BATCH, runBatch } from "../raft/sim/batch.ts";

const MUTATIONS: RaftMutation[] = ["commitAnyTerm", "voteIgnoresLog"];

for (const mutation of MUTATIONS) {
  test(`raft mutation ${mutation} is caught by the CI batch`, () => {
    const r = runBatch({ ...CI_BATCH, mutation, stopAtFirstFailure: true });
    const f = r.failures[0];
    if (f) console.log(`mutation ${mutation} caught at seed ${f.seed}: ${f.failure}\n  reproduce: ${f.reproduce}`);
    else console.error(`mutation ${mutation} NOT caught in ${r.runs} seeds: the checkers are blind`);
    expect(f?.failure ?? "").toMatch(/InvariantViolation|liveness|assertion/);
  }, 120_000);
}
