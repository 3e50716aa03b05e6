/** Seeded PRNG for storage tests (mulberry32): the same seed replays the same kill schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from `env[name]` if set, else a fresh one; printed so a failure can be replayed. */
export function testSeed(name: string): number {
  const fromEnv = process.env[name];
  const seed = fromEnv ? Number(fromEnv) : (Date.now() ^ (process.pid << 8)) >>> 0;
  console.log(`${name}=${seed} (set it to replay this run)`);
  return seed;
}
