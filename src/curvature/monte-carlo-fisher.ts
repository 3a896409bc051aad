// A Monte-Carlo Fisher: F = E[s sᵀ] under the model, estimated from scores of outputs
// drawn from the model itself (not from the data, which would give the empirical Fisher).

import { CallbackResultError } from "../base/errors.js";
import { packedLength } from "../base/packed-layout.js";
import {
  assertDim,
  assertFunction,
  assertOptions,
  assertPositiveInteger,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import type { RuntimeOptions } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { scoreMoment } from "./score-moments.js";

/**
 * Options of monteCarloFisher().
 * @category Curvature
 */
export interface MonteCarloFisherOptions extends RuntimeOptions {
  /** Number of draws M in all. */
  samples: number;
  /** Draws asked of `sampleScores` per call; default 1024 (the last call may ask fewer). */
  batchSize?: number;
}

const MONTE_CARLO_FISHER_OPTIONS: OptionSpec<MonteCarloFisherOptions> = {
  ...RUNTIME_OPTION,
  samples: OPTION.number,
  batchSize: OPTION.number,
};

/**
 * The Monte-Carlo Fisher, a MEAN: (1/M) Σ_m s_m s_mᵀ over M scores s_m = ∇θ log p(ỹ_m | θ)
 * of outputs ỹ_m drawn from the model at θ. `sampleScores(count)` draws `count` outputs and
 * returns their scores, row-major count × dim; it is called until M scores have arrived,
 * and memory stays O(batchSize·dim + dim²) however large M is.
 * @throws {TypeError} when sampleScores is not a function.
 * @throws {CallbackResultError} when it returns something other than a Float64Array of count·dim scores.
 * @throws {RangeError} on a bad dim or options.
 * @throws {NonFiniteError} naming the draw (counted from 0 over all batches) and column of a non-finite score.
 * @category Curvature
 */
export function monteCarloFisher(
  sampleScores: (count: number) => Float64Array,
  dim: number,
  options: MonteCarloFisherOptions,
): SymmetricMatrix {
  assertFunction("sampleScores", sampleScores, "(count) => Float64Array");
  assertDim("dim", dim);
  assertOptions("options", options, MONTE_CARLO_FISHER_OPTIONS);
  if (options === undefined) throw new TypeError("`options` must be given, with the number of draws `samples`.");
  const { samples, batchSize = 1024 } = options;
  assertPositiveInteger("options.samples", samples);
  assertPositiveInteger("options.batchSize", batchSize);
  const rt = runtimeOf(options.runtime);
  const sum = new Float64Array(packedLength(dim));
  for (let drawn = 0; drawn < samples; ) {
    const count = Math.min(batchSize, samples - drawn);
    const call = `sampleScores(${count})`;
    const batch = sampleScores(count);
    if (!(batch instanceof Float64Array)) {
      throw new CallbackResultError(call, `\`${call}\` must return a Float64Array; it returned ${typeof batch}.`);
    }
    if (batch.length !== count * dim) {
      throw new CallbackResultError(
        call,
        `\`${call}\` must return ${count} rows of ${dim} scores (length ${count * dim}); it returned length ${batch.length}.`,
      );
    }
    const batchSum = scoreMoment(rt, batch, dim, { divisor: 1, argument: "sampleScores", firstRow: drawn });
    for (let t = 0; t < sum.length; t++) sum[t] = (sum[t] as number) + (batchSum[t] as number);
    drawn += count;
  }
  for (let t = 0; t < sum.length; t++) sum[t] = (sum[t] as number) / samples;
  return SymmetricMatrix.adopt(sum, dim, rt);
}
