/**
 * Injected randomness. The core's only random choice is the election timeout; making the source
 * explicit is what lets a simulation replay a run exactly from its seed.
 */
export interface Rng {
  /** Uniform integer in [0, n). */
  intn(n: number): number;
}

/**
 * Small, fast, seedable PRNG (mulberry32 over a splitmix32-scrambled seed). Not cryptographic;
 * good enough to spread election timeouts and drive simulations.
 */
export class SeededRng implements Rng {
  private state: number;

  constructor(seed: number) {
    // splitmix32 scramble so that nearby seeds (1, 2, 3...) give unrelated streams.
    let z = (seed + 0x9e3779b9) | 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    this.state = (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  intn(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.intn(xs.length)];
  }

  /** Derives an independent stream (e.g. one per simulated node). */
  fork(): SeededRng {
    return new SeededRng(this.intn(0x7fffffff));
  }
}
