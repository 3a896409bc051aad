// The one-shot empirical Fisher: the public edge of scoreMoment(), which validates every
// argument once and then streams the batch through the kernel.

import { packedLength } from "../base/packed-layout.js";
import { assertDim, OPTION, type OptionSpec, RUNTIME_OPTION, scoreBatchOf } from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import type { RuntimeOptions } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { scoreMoment } from "./score-moments.js";

/**
 * Options of empiricalFisher().
 * @category Curvature
 */
export interface EmpiricalFisherOptions extends RuntimeOptions {
  /** One non-negative finite weight per row (float64 or float32); default 1 for every row. */
  weights?: Float64Array | Float32Array;
  /** Subtract the (weighted) mean score first: the score covariance. Default false. */
  centered?: boolean;
  /** "mean" (default) divides by Σ w; "sum" does not. */
  reduction?: "mean" | "sum";
  /**
   * A Float64Array of length dim(dim+1)/2 to write the packed result into, instead of a new
   * array: the returned matrix's `packed` IS this array, so a later call with the same `out`
   * overwrites it. For loops that compute one Fisher after another at large dim, where a
   * fresh multi-megabyte result array costs the operating system's zero-filling of new pages
   * on every call. Left untouched when the call throws.
   */
  out?: Float64Array;
}

const EMPIRICAL_FISHER_OPTIONS: OptionSpec<EmpiricalFisherOptions> = {
  ...RUNTIME_OPTION,
  weights: OPTION.floatRows,
  centered: OPTION.boolean,
  reduction: OPTION.oneOf("mean", "sum"),
  out: OPTION.float64Array,
};

/**
 * The empirical Fisher of per-sample scores (row-major rows × dim), a Float64Array or a
 * Float32Array: float32 scores are widened exactly to float64 while they are copied into the
 * runtime's memory and summed in float64, so the result equals, bit for bit, that of the same
 * values given as float64 (no float64 copy of the batch is made).
 * By default a MEAN, uncentered: (1/Σw) Σ w s sᵀ. With `centered`:
 * (1/Σw) Σ w (s − s̄)(s − s̄)ᵀ. With `reduction: "sum"` the same without the 1/Σw.
 * @throws {TypeError} when scores or weights are not Float64Arrays or Float32Arrays.
 * @throws {RangeError} on a bad dim, a length that is not a multiple of dim, bad
 *   weights, an `out` of the wrong length or a bad runtime.
 * @throws {EmptyMeanError} for a mean of rows that hold no weight.
 * @throws {NonFiniteError} naming the row and column of a NaN or ±Infinity score.
 * @throws {OverflowError} when an entry of the result exceeds the largest double (a sum past
 *   1.8e308; a mean is computed in range whenever it fits, whatever the scale of the weights
 *   or of the intermediate sums), naming `scores`, or `options.weights` when Σ w overflows or
 *   underflows. `out` is then untouched.
 * @category Curvature
 */
export function empiricalFisher(
  scores: Float64Array | Float32Array,
  dim: number,
  options?: EmpiricalFisherOptions,
): SymmetricMatrix {
  assertDim("dim", dim);
  const batch = scoreBatchOf(
    scores,
    dim,
    options,
    EMPIRICAL_FISHER_OPTIONS,
    packedLength(dim),
    "the packed dim(dim+1)/2 entries of the result",
  );
  const rt = runtimeOf(options?.runtime);
  const request = {
    weights: batch.weights,
    centered: options?.centered === true,
    divisor: batch.divisor,
    mean: batch.reduction === "mean",
  };
  return SymmetricMatrix.adopt(scoreMoment(rt, scores, dim, { ...request, argument: "scores" }, batch.out), dim, rt);
}
