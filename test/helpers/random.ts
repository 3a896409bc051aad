// Seeded random numbers, so every property test is reproducible.
import { mulberry32 } from "../../tools/seeded-random.js";

/** Uniform numbers on [0, 1) from a seed. */
export const uniform: (seed: number) => () => number = mulberry32;

/** Standard normal deviates by Box–Muller. */
export function normal(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** n values from `next`, as a Float64Array. */
export function sample(n: number, next: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = next();
  return out;
}
