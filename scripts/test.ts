/**
 * `npm test`: typecheck, then every unit, integration and end-to-end test under `bun test`, then one
 * honest closing line `N passed, N failed, N skipped` computed from bun's own console summary
 * (its JUnit report omits files that fail at import, DEPENDENCIES.md). The typecheck counts as one test.
 * Exit code: non-zero when the typecheck or any test failed, or when no test ran.
 *
 * Usage: bun scripts/test.ts [bun test args...]   (e.g. a path filter)
 */
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const extraArgs = process.argv.slice(2);

async function pipeAndCapture(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    out.write(chunk);
    text += decoder.decode(chunk, { stream: true });
    // Keep only the tail: the summary is at the end, and a long run must not grow memory without bound.
    if (text.length > 1_000_000) text = text.slice(-200_000);
  }
  return text;
}

function count(summary: string, word: string): number {
  const matches = [...summary.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\s*$`, "gm"))];
  return matches.length ? Number(matches[matches.length - 1]![1]) : 0;
}

let passed = 0;
let failed = 0;
let skipped = 0;

if (!process.env.STREAMBUS_SKIP_TYPECHECK) {
  console.error("== typecheck (tsc --noEmit)");
  const tsc = Bun.spawn({ cmd: [join(root, "node_modules", ".bin", "tsc"), "--noEmit", "-p", root], cwd: root, stdout: "inherit", stderr: "inherit" });
  if ((await tsc.exited) === 0) passed++;
  else {
    failed++;
    console.error("typecheck FAILED");
  }
}

console.error("== bun test");
const bun = Bun.spawn({
  cmd: [process.execPath, "test", "--timeout", "60000", ...extraArgs],
  cwd: root,
  stdout: "pipe",
  stderr: "pipe",
  env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
});
const [outText, errText] = await Promise.all([pipeAndCapture(bun.stdout, process.stdout), pipeAndCapture(bun.stderr, process.stderr)]);
const bunExit = await bun.exited;
const summary = outText + "\n" + errText;

const testPass = count(summary, "pass");
const testFail = count(summary, "fail");
const testSkip = count(summary, "skip") + count(summary, "todo");
const testErrors = count(summary, "errors?");
passed += testPass;
failed += testFail + testErrors;
skipped += testSkip;

let exitCode = bunExit === 0 ? 0 : 1;
if (testPass + testFail === 0) {
  console.error("no test ran");
  exitCode = 1;
}
if (bunExit !== 0 && testFail + testErrors === 0) {
  // bun failed for a reason its summary does not count (a crash, a file that failed to load): count it.
  failed++;
}
if (failed > 0) exitCode = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode);
