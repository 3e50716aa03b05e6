/**
 * The Raft core, the simulator and the metadata image must stay pure: no file or network I/O, no timers,
 * no wall clock, no ambient randomness. This reads every module reachable from their entry points (the
 * import graph, relative imports) and fails on any forbidden use.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const ENTRIES = ["raft/core.ts", "raft/metadata/apply.ts", "raft/metadata/snapshot.ts", "raft/metadata/codec.ts", "raft/sim/sim.ts", "raft/sim/batch.ts"];
const FORBIDDEN: [RegExp, string][] = [
  [/["']node:fs(\/promises)?["']|["']fs["']/, "node:fs"],
  [/["']node:net["']|["']net["']/, "node:net"],
  [/["']node:timers/, "node:timers"],
  [/\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|\bqueueMicrotask\b/, "timers"],
  [/\bDate\b/, "Date"],
  [/Math\.random/, "Math.random"],
  [/performance\.now/, "performance.now"],
  [/\bBun\./, "Bun globals"],
  [/\bprocess\./, "process"],
];

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

function graph(): string[] {
  const seen = new Set<string>();
  const todo = ENTRIES.map((e) => join(ROOT, e));
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(file, "utf8");
    for (const m of src.matchAll(/(?:import|export)[^"']*?from\s*["']([^"']+)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) todo.push(resolve(dirname(file), spec));
      else if (!spec.startsWith("bun:test")) throw new Error(`${relative(ROOT, file)} imports package "${spec}"; pure modules import only relative files`);
    }
  }
  return [...seen].sort();
}

test("raft core, simulator and metadata modules import nothing impure", () => {
  const files = graph();
  expect(files.length).toBeGreaterThan(15);
  const problems: string[] = [];
  for (const f of files) {
    const src = stripComments(readFileSync(f, "utf8"));
    for (const [re, what] of FORBIDDEN) if (re.test(src)) problems.push(`${relative(ROOT, f)}: uses ${what}`);
  }
  expect(problems).toEqual([]);
});

test("the tidy check itself can fail", () => {
  const bad = stripComments(`// Date is fine in a comment\nconst t = Date.now();`);
  expect(FORBIDDEN.some(([re]) => re.test(bad))).toBe(true);
});
