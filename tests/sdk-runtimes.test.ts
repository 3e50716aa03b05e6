/**
 * The SDK is runtime-neutral (DESIGN.md section 2): the same round-trip script (helpers/sdk-runtime-roundtrip.ts,
 * which imports only `streambus`) runs as a child process under Bun, Node 20+ and Deno 2 against one embedded
 * broker started in this process, and each must read back every one of its keyed records, gzip and uncompressed.
 *
 * - Bun runs the TypeScript and resolves `streambus` to mod.ts (package.json "exports", condition "bun").
 * - Node cannot run TypeScript: beforeAll builds dist/sdk/index.js (scripts/build-sdk.ts) and bundles the
 *   script to .mjs in a temp "application" whose node_modules/streambus links to this repo, so Node resolves
 *   `streambus` exactly as an installed package ("exports", condition "node").
 * - Deno runs the TypeScript with the root deno.json (`streambus` mapped to mod.ts, npm packages from
 *   node_modules). The binary comes from the optional dependency `@deno/linux-x64-glibc` (the registry here
 *   serves only that platform build, so the `deno` wrapper package, which lists every platform, cannot be locked).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type EmbeddedBroker } from "../broker/embedded.ts";

const root = join(import.meta.dir, "..");
const script = join(root, "tests", "helpers", "sdk-runtime-roundtrip.ts");
const RECORDS = 1_000;
const CHILD_TIMEOUT_MS = 30_000;

const nodeBin = Bun.which("node");
const nodeMajor = nodeBin ? Number(Bun.spawnSync({ cmd: [nodeBin, "-p", "process.versions.node.split('.')[0]"] }).stdout.toString().trim()) : 0;
const denoBin = join(root, "node_modules", "@deno", "linux-x64-glibc", "deno");
const hasDeno = existsSync(denoBin);

const work = mkdtempSync(join(tmpdir(), "sb-sdk-runtimes-"));
let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startBroker({ dataDir: join(work, "data") });
  if (nodeMajor >= 20) {
    const build = Bun.spawnSync({ cmd: [process.execPath, join(root, "scripts", "build-sdk.ts")], cwd: root, stdout: "pipe", stderr: "pipe" });
    if (build.exitCode !== 0) throw new Error(`build-sdk failed:\n${build.stderr.toString()}`);
    const app = join(work, "node-app");
    mkdirSync(join(app, "node_modules"), { recursive: true });
    symlinkSync(root, join(app, "node_modules", "streambus"), "dir");
    const out = await Bun.build({ entrypoints: [script], target: "node", format: "esm", packages: "external", outdir: app, naming: "roundtrip.mjs" });
    if (!out.success) throw new Error(`bundling the round trip for Node failed: ${out.logs.join("\n")}`);
  }
}, 30_000);

afterAll(async () => {
  await broker?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Summary {
  runtime: string;
  version: string;
  ok: boolean;
  results: Record<string, { produced: number; consumed: number; distinctKeys: number; wrongValue: number; wrongPartition: number }>;
  zstd: string;
  ms: number;
}

/** Runs one child to completion (killed after CHILD_TIMEOUT_MS) and parses its `RESULT {json}` line. */
async function runRoundTrip(cmd: string[], cwd: string): Promise<Summary> {
  const child = Bun.spawn({ cmd, cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } });
  const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (!line) throw new Error(`${cmd.join(" ")} exited ${code}${child.signalCode ? ` (${child.signalCode})` : ""} without a RESULT line\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    const summary = JSON.parse(line.slice("RESULT ".length)) as Summary;
    if (code !== 0 && summary.ok) throw new Error(`exit code ${code} despite ok\nstderr:\n${stderr}`);
    return summary;
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

function expectFullRoundTrip(s: Summary, runtime: string): void {
  console.error(`sdk-runtimes: ${runtime} ${s.version}: ${JSON.stringify(s.results)} zstd=${s.zstd} (${s.ms} ms)`);
  expect(s.runtime).toBe(runtime);
  for (const codec of ["gzip", "none"]) {
    expect({ codec, ...s.results[codec] }).toEqual({ codec, produced: RECORDS, consumed: RECORDS, distinctKeys: RECORDS, wrongValue: 0, wrongPartition: 0 });
  }
  expect(s.ok).toBe(true);
}

test("Bun: the SDK round trip (import from \"streambus\" -> mod.ts)", async () => {
  const s = await runRoundTrip([process.execPath, script, broker.bootstrap, "rt-bun"], root);
  expectFullRoundTrip(s, "bun");
  expect(s.zstd).toBe("ok");
}, 35_000);

test.skipIf(nodeMajor < 20)(`Node ${nodeMajor || "(none found)"}: the bundled SDK round trip (dist/sdk/index.js via "exports")`, async () => {
  const s = await runRoundTrip([nodeBin!, join(work, "node-app", "roundtrip.mjs"), broker.bootstrap, "rt-node"], join(work, "node-app"));
  expectFullRoundTrip(s, "node");
  // node:zlib has zstd from Node 22.15; before that the script skips zstd and says so.
  if (s.zstd !== "ok") {
    console.error(`sdk-runtimes: zstd skipped under Node ${s.version}: ${s.zstd}`);
    expect(s.zstd).toStartWith("unavailable:");
  }
}, 35_000);

test.skipIf(!hasDeno)("Deno: the SDK round trip (deno.json maps \"streambus\" -> mod.ts)", async () => {
  const s = await runRoundTrip([denoBin, "run", "-A", "--config", join(root, "deno.json"), script, broker.bootstrap, "rt-deno"], root);
  expectFullRoundTrip(s, "deno");
  expect(s.zstd).toBe("ok");
}, 35_000);
