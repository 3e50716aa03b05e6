/**
 * Builds the Node build of the client SDK: `dist/sdk/index.js`, one ESM file bundled from sdk.ts with
 * `bun build --target=node`. Node 20 cannot run TypeScript, so package.json's "exports" points Node's
 * "node" condition here (Bun and Deno import the TypeScript sources directly).
 *
 * Every npm package stays external (`--packages=external`): the SDK's only ones are the napi-rs addons
 * @node-rs/crc32, lz4-napi and snappy, which load their prebuilt `.node` files from node_modules at run
 * time and cannot be inlined into a JS bundle. They are regular dependencies, so an install brings them.
 *
 * Usage: bun scripts/build-sdk.ts        (npm run build:sdk)
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const outdir = join(root, "dist", "sdk");
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const started = performance.now();
const proc = Bun.spawnSync({
  cmd: [
    process.execPath, "build", join(root, "sdk.ts"),
    "--target=node", "--format=esm", "--packages=external", "--sourcemap=linked",
    "--outdir", outdir, "--entry-naming", "index.[ext]",
  ],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
});
if (proc.exitCode !== 0) {
  console.error(`build-sdk failed with exit code ${proc.exitCode}`);
  process.exit(proc.exitCode ?? 1);
}
console.error(`built ${join(outdir, "index.js")} in ${Math.round(performance.now() - started)} ms`);
