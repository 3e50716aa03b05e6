/**
 * The only source of randomness the Raft core sees: an injected, seedable generator, so a simulator run
 * replays exactly from its seed.
 */

/** Uniform integers in [0, bound). */
export interface RandomSource {
  intBelow(bound: number): number;
}

/**
 * A small seeded generator (SplitMix32-style mixing of a Weyl sequence). Fast, deterministic, and good
 * enough for timeouts and fault injection; not for cryptography.
 *
 * @example
 * const rng = new SeededRandom(42);
 * rng.intBelow(10); // same value on every run with seed 42
 */
export class SeededRandom implements RandomSource {
  #state: number;

  constructor(seed: number) {
    this.#state = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  intBelow(bound: number): number {
    if (!(bound > 0 && Number.isInteger(bound))) throw new Error(`intBelow needs a positive integer bound, got ${bound}`);
    return Math.floor(this.nextFloat() * bound);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.nextFloat() < p;
  }
}
