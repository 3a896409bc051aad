// Benchmark shapes and their inputs. The shapes span small d with many rows (call and
// copy overhead dominate) to large d with few rows (the O(d²) tile sweep dominates).
import { mulberry32 } from "../tools/seeded-random.mjs";

/** [N, d]: N rows of d scores each, smallest d first. */
export const SHAPES = [
  [100000, 16],
  [20000, 64],
  [10000, 256],
  [2000, 1024],
  [500, 2048],
];

/** Flops of Σ s sᵀ over N rows in packed storage: d(d+1)/2 entries, a multiply and an add each per row. */
export function flops(rows, d) {
  return rows * d * (d + 1);
}

/**
 * Row-major rows × d scores, uniform on (-1, 1). Seeded per shape by default so the
 * inputs do not depend on which shapes a run selects.
 */
export function randomScores(rows, d, seed = rows * 4099 + d) {
  const next = mulberry32(seed);
  const out = new Float64Array(rows * d);
  for (let k = 0; k < out.length; k++) out[k] = 2 * next() - 1;
  return out;
}
