// The seeded SPD matrices the linear-algebra suites time, dense row-major.
import { mulberry32 } from "../../tools/seeded-random.js";

/** A well-conditioned SPD matrix: random symmetric off-diagonal entries of size 1/d, diagonal in [1, 2). */
export function diagonallyDominantSpd(d: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const dense = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const v = (2 * next() - 1) / d;
      dense[i * d + j] = v;
      dense[j * d + i] = v;
    }
    dense[i * d + i] = 1 + next();
  }
  return dense;
}
