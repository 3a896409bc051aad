// Independent dense references, written entry by entry in the plainest form and
// summed with Neumaier's compensation, so they are accurate enough to judge the
// kernels (which sum in a different order) to 1e-13.
import { normal, sample } from "./random.js";

/** Neumaier-compensated sum of terms produced by `term(r)` for r in [0, n). */
function compensatedSum(n: number, term: (r: number) => number): number {
  let sum = 0;
  let c = 0;
  for (let r = 0; r < n; r++) {
    const x = term(r);
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

export interface ReferenceOptions {
  weights?: Float64Array | undefined;
  centered?: boolean;
  reduction?: "sum" | "mean";
}

/** Weighted mean of the rows: Σ w s / Σ w. */
export function referenceMean(scores: Float64Array, d: number, weights?: Float64Array): Float64Array {
  const n = scores.length / d;
  const w = (r: number): number => (weights ? (weights[r] as number) : 1);
  const total = compensatedSum(n, w);
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = compensatedSum(n, (r) => w(r) * (scores[r * d + j] as number)) / total;
  return mean;
}

/** Packed 'U' Σ w (s − c)(s − c)ᵀ (c = the mean when centered), divided by Σ w for a mean. */
export function referenceFisher(scores: Float64Array, d: number, options: ReferenceOptions = {}): Float64Array {
  const n = scores.length / d;
  const { weights } = options;
  const w = (r: number): number => (weights ? (weights[r] as number) : 1);
  const center = options.centered ? referenceMean(scores, d, weights) : new Float64Array(d);
  const total = options.reduction === "mean" ? compensatedSum(n, w) : 1;
  const out = new Float64Array((d * (d + 1)) / 2);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i <= j; i++) {
      const s = compensatedSum(
        n,
        (r) =>
          w(r) *
          ((scores[r * d + i] as number) - (center[i] as number)) *
          ((scores[r * d + j] as number) - (center[j] as number)),
      );
      out[i + (j * (j + 1)) / 2] = s / total;
    }
  }
  return out;
}

/** Row-major nested lists (as the fixtures store matrices) → packed 'U'. */
export function packRows(rows: number[][]): Float64Array {
  const d = rows.length;
  const out = new Float64Array((d * (d + 1)) / 2);
  for (let j = 0; j < d; j++)
    for (let i = 0; i <= j; i++) out[i + (j * (j + 1)) / 2] = (rows[i] as number[])[j] as number;
  return out;
}

/** Row-major nested lists → flat row-major Float64Array. */
export function flatten(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

/** Dense row-major S Sᵀ / d + shift·I from a d × d standard-normal S: symmetric positive definite when shift > 0. */
export function randomSpd(d: number, seed: number, shift = 0.5): Float64Array {
  const s = sample(d * d, normal(seed));
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let t = 0; t < d; t++) v += (s[i * d + t] as number) * (s[j * d + t] as number);
      v = v / d + (i === j ? shift : 0);
      a[i * d + j] = v;
      a[j * d + i] = v;
    }
  }
  return a;
}

/** y = A x for a dense row-major d × d A. */
export function denseMatvec(a: Float64Array, d: number, x: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let v = 0;
    for (let j = 0; j < d; j++) v += (a[i * d + j] as number) * (x[j] as number);
    y[i] = v;
  }
  return y;
}
