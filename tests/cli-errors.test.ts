/**
 * The compiled CLI's failures: one line `streambus: CODE: message` on stderr and the exit code from the
 * error table (docs/errors.md): unknown topic (3), already exists (4), unreachable broker (5, within
 * --timeout), usage errors (2, naming the flag), and one record over the
 * topic's max.message.bytes (11: the others are delivered and counted).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { ExitCode } from "../protocol/errors.ts";
import { type CliHarness, startCliHarness } from "./helpers/cli-harness.ts";

let h: CliHarness;
let silent: Server;
let silentPort = 0;

beforeAll(async () => {
  h = await startCliHarness();
  // Accepts connections and never answers: the worst kind of unreachable.
  silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentPort = (silent.address() as { port: number }).port;
}, 60_000);

afterAll(async () => {
  silent?.close();
  await h?.stop();
});

describe("CLI errors and exit codes", () => {
  test("unknown topic: UNKNOWN_TOPIC_OR_PARTITION, exit code 3, for produce, consume and describe", async () => {
    for (const args of [["produce", "nope"], ["consume", "nope", "-e"], ["topic", "describe", "nope"]]) {
      const r = await h.run(args, { stdin: "x\n" });
      expect(r.code).toBe(ExitCode.NOT_FOUND);
      expect(r.stderr).toBe('streambus: UNKNOWN_TOPIC_OR_PARTITION: topic "nope" does not exist (create it with: streambus topic create nope)\n');
    }
  }, 30_000);

  test("creating an existing topic: TOPIC_ALREADY_EXISTS, exit code 4; --output json gives a JSON error", async () => {
    expect((await h.run(["topic", "create", "twice"])).code).toBe(0);
    const r = await h.run(["topic", "create", "twice", "-o", "json"]);
    expect(r.code).toBe(ExitCode.ALREADY_EXISTS);
    expect(JSON.parse(r.stderr).error.code).toBe("TOPIC_ALREADY_EXISTS");
  });

  test("unreachable broker: exit code 5 within --timeout, both refused and silent", async () => {
    for (const broker of ["127.0.0.1:1", `127.0.0.1:${silentPort}`]) {
      const r = await h.run(["topic", "list", "-b", broker, "--timeout", "1500ms"], { timeoutMs: 15_000 });
      expect(r.code).toBe(ExitCode.UNREACHABLE);
      expect(r.stderr).toStartWith(`streambus: UNAVAILABLE: no broker answered within 1500 ms at ${broker} (from --brokers)`);
      expect(r.ms).toBeLessThan(1500 + 1500); // the timeout plus process start-up
    }
    const env = await h.run(["produce", "t", "--timeout", "1s"], { stdin: "x\n", env: { STREAMBUS_BROKERS: "127.0.0.1:1" } });
    expect(env.code).toBe(ExitCode.UNREACHABLE);
    expect(env.stderr).toContain("(from $STREAMBUS_BROKERS)");
  }, 30_000);

  test("usage errors: exit code 2 and the flag named", async () => {
    const cases: [string[], string][] = [
      [["topic", "create", "x", "--partitions", "abc"], "partitions"],
      [["topic", "create", "x", "--no-such-flag"], "no-such-flag"],
      [["produce", "x", "--acks", "2"], "acks"],
      [["consume", "x", "--from", "yesterday"], "--from"],
      [["consume", "x", "--format", "%q"], "--format"],
      [["produce", "x", "--format", "%k%v"], "--format"],
      [["topic", "list", "--timeout", "soon"], "--timeout"],
      [["produce", "x", "--header", "novalue"], "--header"],
    ];
    for (const [args, flag] of cases) {
      const r = await h.run(args, { stdin: "" });
      expect({ args, code: r.code }).toEqual({ args, code: ExitCode.USAGE });
      expect(r.stderr).toContain(flag);
    }
  }, 30_000);

  test("consume --group with flags that contradict a group's assignment: usage errors (exit code 2)", async () => {
    for (const extra of [["--exit-at-end"], ["--partition", "0"], ["--from", "42"]]) {
      const r = await h.run(["consume", "t", "--group", "g", ...extra]);
      expect(r.code).toBe(ExitCode.USAGE);
      expect(r.stderr).toStartWith("streambus: USAGE:");
    }
  });

  test("a record over max.message.bytes fails alone with MESSAGE_TOO_LARGE; the rest are delivered and counted (exit 11)", async () => {
    expect((await h.run(["topic", "create", "small", "-p", "1", "-c", "max.message.bytes=10000"])).code).toBe(0);
    const lines = Array.from({ length: 1000 }, (_, i) => (i === 500 ? "x".repeat(20_000) : `v${i}`));
    const r = await h.run(["produce", "small"], { stdin: lines.join("\n") + "\n" });
    expect(r.code).toBe(ExitCode.PARTIAL_FAILURE);
    const err = r.stderr.trim().split("\n");
    expect(err[0]).toStartWith("streambus: MESSAGE_TOO_LARGE: line 501: ");
    expect(err.at(-1)).toBe("streambus: PARTIAL_FAILURE: 1 of 1000 records failed (1 MESSAGE_TOO_LARGE); 999 delivered");
    const c = await h.run(["consume", "small", "--from", "earliest", "-e"]);
    const got = c.stdout.trim().split("\n");
    expect(got).toEqual(lines.filter((_, i) => i !== 500));
  }, 30_000);
});
