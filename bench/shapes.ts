// Benchmark shapes of the fisher suite and their inputs. The shapes span small d with many
// rows (call and copy overhead dominate) to large d with few rows (the O(d²) tile sweep dominates).
import { randomScores } from "../tools/random-scores.js";

/** [N, d]: N rows of d scores each, smallest d first. */
export const SHAPES: readonly (readonly [rows: number, d: number])[] = [
  [100000, 16],
  [20000, 64],
  [10000, 256],
  [2000, 1024],
  [500, 2048],
];

/** The scores of a shape, seeded by the shape so the inputs do not depend on which shapes a run selects. */
export function shapeScores(rows: number, d: number): Float64Array {
  return randomScores(rows, d, rows * 4099 + d);
}
