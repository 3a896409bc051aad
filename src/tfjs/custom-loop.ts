// The custom-loop path: per-layer (a, g) pairs of one batch without model.fit.
import type * as tf from "@tensorflow/tfjs-core";
import * as tfc from "@tensorflow/tfjs-core";
import { describeValue, OPTION, type OptionSpec } from "../base/validate.js";
import { Capture, withCapture } from "./capture.js";
import { assertModel, denseSitesOf } from "./dense-sites.js";
import { type LayerPairs, readPairs } from "./layer-pairs.js";
import { optionsObject } from "./options.js";
import { sampledPairs, siteVariables } from "./passes.js";
import { predictiveDistributionOf, uniformSource } from "./predictive-distribution.js";

/**
 * Options of {@link kfacPairs}.
 * @category TensorFlow.js
 */
export interface KfacPairsOptions {
  /** "empirical" (default here, since labels are given): g at the given labels; "sampled": at labels drawn from the model. */
  fisher?: "sampled" | "empirical";
  /** Seed of the sampled labels (default: Math.random). */
  seed?: number;
}

const KFAC_PAIRS_OPTIONS: OptionSpec<KfacPairsOptions> = {
  fisher: OPTION.oneOf("sampled", "empirical"),
  seed: OPTION.number,
};

/**
 * The (a, g) pairs of every trainable Dense layer of `model` on one batch, for a custom
 * training loop: one forward pass on `x` (training mode) and one backward pass. `loss(y, output)`
 * must return the PER-SAMPLE losses, shape [B] (as `tf.metrics.categoricalCrossentropy` does):
 * the pairs' g are then ∂ℓᵢ/∂zᵢ of each sample's own loss. With `fisher: "sampled"`, `y` and
 * `loss` are only checked and g is taken at labels drawn from the model's predictive distribution.
 * Feed the result to {@link KfacOptimizer.updateCurvature} or to a `KroneckerFactoredFisher`.
 * @throws {TypeError} on a model that is not a LayersModel, a loss that is not a function.
 * @throws {RangeError} when x and y have different batch sizes or the loss is not of shape [B].
 * @throws {UnsupportedModelError} when the model has no trainable Dense layer.
 * @category TensorFlow.js
 */
export function kfacPairs(
  model: unknown,
  x: tf.Tensor,
  y: tf.Tensor,
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor,
  options?: KfacPairsOptions,
): LayerPairs[] {
  assertModel(model);
  const sites = denseSitesOf(model);
  const settings = optionsObject(options, KFAC_PAIRS_OPTIONS);
  if (!(x instanceof tfc.Tensor)) throw new TypeError(`\`x\` must be a tfjs Tensor; received ${describeValue(x)}.`);
  if (!(y instanceof tfc.Tensor)) throw new TypeError(`\`y\` must be a tfjs Tensor; received ${describeValue(y)}.`);
  if (typeof loss !== "function") {
    throw new TypeError(
      `\`loss\` must be a function (yTrue, yPred) => per-sample losses; received ${describeValue(loss)}.`,
    );
  }
  if (x.shape[0] !== y.shape[0]) {
    throw new RangeError(`\`x\` and \`y\` must have the same batch size; received ${x.shape[0]} and ${y.shape[0]}.`);
  }
  const fisher = settings.fisher ?? "empirical";
  if (fisher !== "sampled" && fisher !== "empirical") {
    throw new RangeError(`\`options.fisher\` must be "sampled" or "empirical"; received ${describeValue(fisher)}.`);
  }
  const seed = settings.seed as number | undefined;
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new RangeError(`\`options.seed\` must be an integer; received ${describeValue(seed)}.`);
  }
  if (fisher === "sampled") {
    return sampledPairs(model, sites, x, predictiveDistributionOf(model), uniformSource(seed));
  }
  const capture = new Capture(sites, { recordGradients: true, gradientScale: 1 });
  // The outer tidy releases the forward pass's tensors when the loss is refused mid-pass.
  withCapture(capture, () =>
    tfc.tidy(() => {
      const { value, grads } = tfc.variableGrads(() => {
        const output = model.apply(x, { training: true });
        const losses = loss(y, Array.isArray(output) ? (output[0] as tf.Tensor) : output);
        if (losses.rank !== 1 || losses.shape[0] !== x.shape[0]) {
          throw new RangeError(
            `\`loss\` must return the per-sample losses, shape [${x.shape[0]}]; it returned shape [${losses.shape.join(", ")}].`,
          );
        }
        return tfc.sum(losses) as tf.Scalar;
      }, siteVariables(sites));
      value.dispose();
      tfc.dispose(grads);
    }),
  );
  return readPairs(capture);
}
