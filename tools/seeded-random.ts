// The seeded generator lives in the library (src/base/seeded-random.ts), where the Hutchinson
// estimators draw their probes; tools, tests and benchmarks import it from here.
export { mulberry32 } from "../src/base/seeded-random.js";

/** Fisher–Yates shuffle of `values` in place, drawing from `next`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, next: () => number): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return values;
}
