/**
 * The one seeded PRNG of tests, fuzzers and benchmarks (mulberry32): the same seed gives the same
 * sequence on every run, so a printed seed replays a failure. Not for cryptography, and never used by
 * the Raft core (which takes an injected RandomSource, raft/random.ts).
 *
 * @example
 * const next = seededRandom(42);
 * next(); // a float in [0, 1), the same on every run with seed 42
 */
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
