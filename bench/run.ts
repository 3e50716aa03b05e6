/**
 * `npm run bench -- <name> [options]`: runs bench/<name>.ts (each exports `run(): Promise<object>`, prints
 * its own table and writes bench/results/<name>.json, and reads its own options from argv). With no name,
 * lists the benchmarks.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = import.meta.dir;
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3));

// Only the first argument names the benchmark: the rest are its options, values included (`--out DIR`).
const name = process.argv[2];
if (name === undefined || name.startsWith("-")) {
  console.log(`usage: npm run bench -- <${available.join("|")}> [options]`);
  process.exit(2);
}
if (!available.includes(name)) {
  console.error(`unknown benchmark "${name}"; available: ${available.join(", ")}`);
  process.exit(2);
}
const mod = await import(join(dir, `${name}.ts`));
await mod.run();
