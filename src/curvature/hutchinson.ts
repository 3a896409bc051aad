// Hutchinson's estimators of the trace and the diagonal of any operator from its matvecs with
// seeded Rademacher probes z (entries ±1): E[zᵀCz] = tr C and E[z ⊙ Cz] = diag C.
import { fillRademacher, mulberry32 } from "../base/seeded-random.js";
import { assertOptions, describeValue, OPTION, type OptionSpec } from "../base/validate.js";
import { applyOperator, assertOperator, type CurvatureOperator } from "./operator.js";

/**
 * Options of estimateTrace() and estimateDiagonal().
 * @category Curvature
 */
export interface HutchinsonOptions {
  /** The number of Rademacher probes, each one matvec: an integer ≥ 2 (the standard error needs two). */
  samples: number;
  /** Seed of the probes (an integer); the same seed gives the same estimate. Default 1. */
  seed?: number;
}

/**
 * What estimateTrace() returns.
 * @category Curvature
 */
export interface TraceEstimate {
  /** The mean of zᵀCz over the probes: an unbiased estimate of tr C. */
  estimate: number;
  /** Its standard error: the probes' sample standard deviation / √samples. */
  standardError: number;
}

/**
 * What estimateDiagonal() returns.
 * @category Curvature
 */
export interface DiagonalEstimate {
  /** The mean of z ⊙ Cz over the probes: an unbiased estimate of diag C, length dim. */
  estimate: Float64Array;
  /** The standard error of each entry: the probes' sample standard deviation / √samples. */
  standardError: Float64Array;
}

const HUTCHINSON_OPTIONS: OptionSpec<HutchinsonOptions> = { samples: OPTION.number, seed: OPTION.number };

function settingsOf(options: HutchinsonOptions): { samples: number; seed: number } {
  if (options === undefined) {
    throw new TypeError("`options` must be an object { samples, seed? }; received undefined.");
  }
  assertOptions("options", options, HUTCHINSON_OPTIONS);
  const { samples, seed = 1 } = options;
  if (typeof samples !== "number" || !Number.isInteger(samples) || samples < 2) {
    throw new RangeError(
      `\`options.samples\` must be an integer ≥ 2 (the standard error needs two probes); received ${describeValue(samples)}.`,
    );
  }
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new RangeError(`\`options.seed\` must be an integer; received ${describeValue(seed)}.`);
  }
  return { samples, seed };
}

/**
 * Walks the probes: for each Rademacher z, calls `visit(z, Cz)`. The operator's results are checked.
 */
function probe(
  operator: CurvatureOperator,
  samples: number,
  seed: number,
  visit: (z: Float64Array, y: Float64Array) => void,
): void {
  const next = mulberry32(seed);
  for (let s = 0; s < samples; s++) {
    const z = fillRademacher(new Float64Array(operator.dim), next);
    // The operator gets its own copy, so a matvec that writes into its argument cannot alter z.
    visit(z, applyOperator("operator", operator, z.slice()));
  }
}

/**
 * Hutchinson's estimate of tr C with `samples` seeded Rademacher probes z: the mean of zᵀCz, and
 * its standard error (sample standard deviation / √samples). Unbiased; its variance is
 * 2 Σ_{i≠j} C_ij² / samples, so it is exact for a diagonal C.
 *
 * Cost: `samples` matvecs of the operator, O(dim) memory and work besides.
 * @throws {TypeError} / {RangeError} on a bad operator or options (samples < 2, a seed that is not an integer).
 * @throws {NonFiniteError} / {CallbackResultError} when the operator's matvec returns a NaN or ±Infinity, or a wrong type or length.
 * @category Curvature
 */
export function estimateTrace(operator: CurvatureOperator, options: HutchinsonOptions): TraceEstimate {
  assertOperator("operator", operator);
  const { samples, seed } = settingsOf(options);
  // Welford's running mean and sum of squared deviations.
  let mean = 0;
  let m2 = 0;
  let count = 0;
  probe(operator, samples, seed, (z, y) => {
    let v = 0;
    for (let i = 0; i < z.length; i++) v += (z[i] as number) * (y[i] as number);
    count++;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
  });
  return { estimate: mean, standardError: Math.sqrt(m2 / (samples - 1) / samples) };
}

/**
 * Hutchinson's estimate of diag C with `samples` seeded Rademacher probes z: the mean of z ⊙ Cz
 * entry by entry, and each entry's standard error (sample standard deviation / √samples).
 * Unbiased; entry i has variance Σ_{j≠i} C_ij² / samples, so it is exact for a diagonal C.
 *
 * Cost: `samples` matvecs of the operator, O(dim) memory and work besides.
 * @throws {TypeError} / {RangeError} on a bad operator or options (samples < 2, a seed that is not an integer).
 * @throws {NonFiniteError} / {CallbackResultError} when the operator's matvec returns a NaN or ±Infinity, or a wrong type or length.
 * @category Curvature
 */
export function estimateDiagonal(operator: CurvatureOperator, options: HutchinsonOptions): DiagonalEstimate {
  assertOperator("operator", operator);
  const { samples, seed } = settingsOf(options);
  const dim = operator.dim;
  const mean = new Float64Array(dim);
  const m2 = new Float64Array(dim);
  let count = 0;
  probe(operator, samples, seed, (z, y) => {
    count++;
    for (let i = 0; i < dim; i++) {
      const v = (z[i] as number) * (y[i] as number);
      const delta = v - (mean[i] as number);
      mean[i] = (mean[i] as number) + delta / count;
      m2[i] = (m2[i] as number) + delta * (v - (mean[i] as number));
    }
  });
  const standardError = m2.map((s) => Math.sqrt(s / (samples - 1) / samples));
  return { estimate: mean, standardError };
}
