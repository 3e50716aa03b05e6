export { seededRandom } from "../../protocol/seeded-random.ts";

/** The seed from `env[name]` if set, else a fresh one; printed so a failure can be replayed. */
export function testSeed(name: string): number {
  const fromEnv = process.env[name];
  const seed = fromEnv ? Number(fromEnv) : (Date.now() ^ (process.pid << 8)) >>> 0;
  console.log(`${name}=${seed} (set it to replay this run)`);
  return seed;
}
