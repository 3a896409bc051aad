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

/** Seeded SPD matrix B Bᵀ / d + I (B uniform on (−1, 1)): a Fisher-like spread of eigenvalues. */
export function fisherLikeSpd(d: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const b = Float64Array.from({ length: d * d }, () => 2 * next() - 1);
  const dense = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += b[i * d + k] * b[j * d + k];
      const v = sum / d + (i === j ? 1 : 0);
      dense[i * d + j] = v;
      dense[j * d + i] = v;
    }
  }
  return dense;
}
