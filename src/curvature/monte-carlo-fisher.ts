// A Monte-Carlo Fisher: F = E[s sᵀ] under the model, estimated from scores of outputs
// drawn from the model itself (not from the data, which would give the empirical Fisher).

import { NonFiniteError } from "../base/errors.js";
import { assertDim, assertOptions } from "../base/validate.js";
import type { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { FisherAccumulator } from "./fisher-accumulator.js";

/** Options of monteCarloFisher(). */
export interface MonteCarloFisherOptions {
  /** Number of draws M in all. */
  samples: number;
  /** Draws asked of `sampleScores` per call; default 1024 (the last call may ask fewer). */
  batchSize?: number;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`\`${name}\` must be a positive integer; received ${String(value)}.`);
  }
  return value;
}

/**
 * The Monte-Carlo Fisher, a MEAN: (1/M) Σ_m s_m s_mᵀ over M scores s_m = ∇θ log p(ỹ_m | θ)
 * of outputs ỹ_m drawn from the model at θ. `sampleScores(count)` draws `count` outputs and
 * returns their scores, row-major count × dim; it is called until M scores have arrived,
 * and memory stays O(batchSize·dim + dim²) however large M is.
 * @throws {TypeError} when sampleScores is not a function or returns something other than a Float64Array.
 * @throws {RangeError} on a bad dim or options, or a batch whose length is not count·dim.
 * @throws {NonFiniteError} naming the draw (counted from 0 over all batches) and column of a non-finite score.
 */
export function monteCarloFisher(
  sampleScores: (count: number) => Float64Array,
  dim: number,
  options: MonteCarloFisherOptions,
): SymmetricMatrix {
  if (typeof sampleScores !== "function") {
    throw new TypeError(
      `\`sampleScores\` must be a function (count) => Float64Array; received ${typeof sampleScores}.`,
    );
  }
  assertDim("dim", dim);
  assertOptions("options", options);
  if (options === undefined) throw new TypeError("`options` must be given, with the number of draws `samples`.");
  const samples = positiveInteger("options.samples", options.samples);
  const batchSize = positiveInteger("options.batchSize", options.batchSize ?? 1024);
  const accumulator = new FisherAccumulator(dim);
  try {
    for (let drawn = 0; drawn < samples; ) {
      const count = Math.min(batchSize, samples - drawn);
      const batch = sampleScores(count);
      if (!(batch instanceof Float64Array)) {
        throw new TypeError(`\`sampleScores(${count})\` must return a Float64Array; it returned ${typeof batch}.`);
      }
      if (batch.length !== count * dim) {
        throw new RangeError(
          `\`sampleScores(${count})\` must return ${count} rows of ${dim} scores (length ${count * dim}); it returned length ${batch.length}.`,
        );
      }
      try {
        accumulator.add(batch);
      } catch (error) {
        if (!(error instanceof NonFiniteError)) throw error;
        throw new NonFiniteError("sampleScores", drawn + error.row, error.column, error.value);
      }
      drawn += count;
    }
    return accumulator.fisher();
  } finally {
    accumulator.dispose();
  }
}
