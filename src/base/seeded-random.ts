// mulberry32: a small, fast, seedable uniform generator on [0, 1). The library draws its seeded
// probes (Hutchinson's Rademacher vectors, Lanczos's start vector) from it; tests, benchmarks,
// the examples, the demo and the command line use it so that every run sees the same numbers.

/** A generator of uniform numbers on [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `out` with independent Rademacher signs (±1, each with probability ½) drawn from `next`. */
export function fillRademacher(out: Float64Array, next: () => number): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = next() < 0.5 ? -1 : 1;
  return out;
}
