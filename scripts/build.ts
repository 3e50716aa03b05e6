/**
 * Builds the single executable `dist/streambus` with `bun build --compile`.
 * Native addons (CRC32C, lz4, snappy) are embedded and unpacked into $TMPDIR at start-up.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const outfile = join(root, "dist", "streambus");
mkdirSync(join(root, "dist"), { recursive: true });

const started = performance.now();
const proc = Bun.spawnSync({
  cmd: [process.execPath, "build", "--compile", "--minify-syntax", "--minify-whitespace", join(root, "cli", "main.ts"), "--outfile", outfile],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
});
if (proc.exitCode !== 0) {
  console.error(`build failed with exit code ${proc.exitCode}`);
  process.exit(proc.exitCode ?? 1);
}
console.error(`built ${outfile} in ${Math.round(performance.now() - started)} ms`);
