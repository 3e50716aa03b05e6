/**
 * `npm run bench -- <name> [...]`: runs bench/<name>.ts (each exports `run(): Promise<object>`, prints
 * its own table and writes bench/results/<name>.json). With no name, lists the benchmarks.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = import.meta.dir;
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3));

const names = process.argv.slice(2).filter((a) => !a.startsWith("-"));
if (names.length === 0) {
  console.log(`usage: npm run bench -- <${available.join("|")}> [...]`);
  process.exit(2);
}
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(", ")}`);
    process.exit(2);
  }
  const mod = await import(join(dir, `${name}.ts`));
  await mod.run();
}
