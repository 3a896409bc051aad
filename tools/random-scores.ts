// Seeded random score batches: the same numbers in every run and on every machine.
import { mulberry32 } from "./seeded-random.js";

/** Row-major rows × d scores, uniform on [−1, 1), from `seed`. */
export function randomScores(rows: number, d: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const out = new Float64Array(rows * d);
  for (let k = 0; k < out.length; k++) out[k] = 2 * next() - 1;
  return out;
}
