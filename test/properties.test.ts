// Seeded properties against the dense reference, across sizes that hit every SIMD
// tail (d mod 4, odd d, one row, exactly one chunk, one row past a chunk, several chunks).
import { beforeAll, describe, it } from "vitest";
import { empiricalFisher, FisherAccumulator, init } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample, uniform } from "./helpers/random.js";
import { referenceFisher } from "./helpers/reference.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 64, 129, 257];
const rowsFor = (d: number): number[] => (d <= 33 ? [1, 2, 255, 256, 257, 700] : [1, 3, 256, 257, 600]);

interface Case {
  d: number;
  n: number;
  scores: Float64Array;
  weights: Float64Array;
}

function makeCase(d: number, n: number): Case {
  const rnd = normal(1000 * d + n);
  // A non-zero mean makes the centered and uncentered results differ.
  const scores = sample(n * d, () => rnd() + 0.5);
  const u = uniform(7 * d + n);
  const weights = sample(n, () => (u() < 0.1 ? 0 : 0.05 + 2 * u()));
  weights[0] = 1.5; // at least one row of positive weight, so means exist
  return { d, n, scores, weights };
}

const cases = DIMS.flatMap((d) => rowsFor(d).map((n) => makeCase(d, n)));
const references = new Map<Case, Record<string, Float64Array>>();
function reference(c: Case): Record<string, Float64Array> {
  let refs = references.get(c);
  if (!refs) {
    refs = {
      mean: referenceFisher(c.scores, c.d, { reduction: "mean" }),
      weightedSum: referenceFisher(c.scores, c.d, { weights: c.weights, reduction: "sum" }),
      centeredWeightedMean: referenceFisher(c.scores, c.d, { weights: c.weights, centered: true, reduction: "mean" }),
    };
    references.set(c, refs);
  }
  return refs;
}

describe.each(BACKENDS)("properties on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it.each(cases.map((c) => [`d=${c.d} N=${c.n}`, c] as const))("%s: empiricalFisher", (label, c) => {
    const ref = reference(c);
    expectClose(empiricalFisher(c.scores, c.d).packed, ref.mean as Float64Array, 1e-12, `${label} mean`);
    expectClose(
      empiricalFisher(c.scores, c.d, { weights: c.weights, reduction: "sum" }).packed,
      ref.weightedSum as Float64Array,
      1e-12,
      `${label} weighted sum`,
    );
    if (c.n > 1) {
      expectClose(
        empiricalFisher(c.scores, c.d, { weights: c.weights, centered: true }).packed,
        ref.centeredWeightedMean as Float64Array,
        1e-12,
        `${label} centered weighted mean`,
      );
    }
  });

  it.each(cases.map((c) => [`d=${c.d} N=${c.n}`, c] as const))("%s: accumulator in random splits", (label, c) => {
    const ref = reference(c);
    const split = uniform(c.d * 31 + c.n);
    const parts: FisherAccumulator[] = [];
    let acc = new FisherAccumulator(c.d);
    for (let lo = 0; lo < c.n; ) {
      const hi = Math.min(c.n, lo + 1 + Math.floor(split() * 300));
      acc.add(c.scores.subarray(lo * c.d, hi * c.d), { weights: c.weights.subarray(lo, hi) });
      if (split() < 0.4) {
        parts.push(acc);
        acc = new FisherAccumulator(c.d);
      }
      lo = hi;
    }
    for (const part of parts) {
      acc.merge(part);
      part.dispose();
    }
    expectClose(acc.sum().packed, ref.weightedSum as Float64Array, 1e-12, `${label} weighted sum`);
    if (c.n > 1) expectClose(acc.covariance().packed, ref.centeredWeightedMean as Float64Array, 1e-12, `${label} cov`);
    acc.dispose();
  });
});
