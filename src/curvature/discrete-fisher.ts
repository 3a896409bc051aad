// The exact (expected) Fisher of a model with a discrete output: Σ_i Σ_k p_ik s_ik s_ikᵀ
// is one weighted rank-k update over the n·K (sample, outcome) rows, weights p_ik.

import { EmptyMeanError } from "../base/errors.js";
import { packedLength } from "../base/packed-layout.js";
import {
  assertDim,
  assertFloat64Array,
  assertOptions,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
  reductionOf,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import type { RuntimeOptions } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { scoreMoment } from "./score-moments.js";

/**
 * Options of discreteExpectedFisher().
 * @category Curvature
 */
export interface DiscreteFisherOptions extends RuntimeOptions {
  /** "sum" (default) over samples, or "mean": the sum divided by the number of samples n. */
  reduction?: "sum" | "mean";
}

const DISCRETE_FISHER_OPTIONS: OptionSpec<DiscreteFisherOptions> = {
  ...RUNTIME_OPTION,
  reduction: OPTION.oneOf("sum", "mean"),
};

/** How far a sample's outcome probabilities may sum from 1. */
const TOTAL_TOLERANCE = 1e-9;

function checkProbabilities(probabilities: Float64Array, n: number, outcomes: number): void {
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let k = 0; k < outcomes; k++) {
      const v = probabilities[i * outcomes + k] as number;
      if (!(v >= 0 && v <= 1)) {
        throw new RangeError(
          `\`probabilities\` must lie in [0, 1]; sample ${i}, outcome ${k} (probabilities[${i * outcomes + k}]) is ${v}.`,
        );
      }
      total += v;
    }
    if (!(Math.abs(total - 1) <= TOTAL_TOLERANCE * outcomes)) {
      throw new RangeError(
        `\`probabilities\` of each sample must sum to 1 over its ${outcomes} outcomes; sample ${i} sums to ${total}.`,
      );
    }
  }
}

/**
 * The exact expected Fisher of a discrete-output model, Σ_i Σ_k p_ik s_ik s_ikᵀ (a SUM by
 * default; `reduction: "mean"` divides by n), where s_ik is the score the model would have
 * if sample i had outcome k. `outcomeScores` is row-major (n·outcomes) × dim, sample-major:
 * row i·outcomes + k holds s_ik; `probabilities` is row-major n × outcomes, each row summing
 * to 1 (fold the tail of an infinite support into its last outcome).
 * @throws {TypeError} when an array is not a Float64Array.
 * @throws {RangeError} on a bad dim or outcomes, lengths that do not match, a probability
 *   outside [0, 1] or a sample whose probabilities do not sum to 1 within 1e-9·outcomes.
 * @throws {NonFiniteError} naming the row (i·outcomes + k) and column of a non-finite score.
 * @throws {EmptyMeanError} for `reduction: "mean"` of no samples; a sum of no samples is the zero matrix.
 * @category Curvature
 */
export function discreteExpectedFisher(
  outcomeScores: Float64Array,
  probabilities: Float64Array,
  dim: number,
  outcomes: number,
  options?: DiscreteFisherOptions,
): SymmetricMatrix {
  assertFloat64Array("outcomeScores", outcomeScores);
  assertFloat64Array("probabilities", probabilities);
  assertDim("dim", dim);
  assertDim("outcomes", outcomes);
  assertOptions("options", options, DISCRETE_FISHER_OPTIONS);
  const reduction = reductionOf(options?.reduction, "sum");
  const rt = runtimeOf(options?.runtime);
  if (probabilities.length % outcomes !== 0) {
    throw new RangeError(
      `\`probabilities\` must be row-major n × outcomes (${outcomes}); received length ${probabilities.length}.`,
    );
  }
  const n = probabilities.length / outcomes;
  if (outcomeScores.length !== n * outcomes * dim) {
    throw new RangeError(
      `\`outcomeScores\` must be (n·outcomes) × dim = ${n}·${outcomes} × ${dim}, length ${n * outcomes * dim}; received length ${outcomeScores.length}.`,
    );
  }
  checkProbabilities(probabilities, n, outcomes);
  // A sum of nothing is zero; a mean of nothing does not exist.
  if (n === 0) {
    if (reduction === "mean") throw new EmptyMeanError("the mean expected Fisher", "there are no samples (n = 0)");
    return SymmetricMatrix.adopt(new Float64Array(packedLength(dim)), dim, rt);
  }
  const request = { weights: probabilities, divisor: reduction === "mean" ? n : 1, argument: "outcomeScores" };
  return SymmetricMatrix.adopt(scoreMoment(rt, outcomeScores, dim, request), dim, rt);
}
