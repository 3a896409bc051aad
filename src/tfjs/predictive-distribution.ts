// The model's predictive distribution, read off its output activation, and the surrogate loss
// whose backward pass gives each sample's gradient at a label drawn from that distribution.
import * as tf from "@tensorflow/tfjs-core";
import { mulberry32 } from "../base/seeded-random.js";
import { UnsupportedModelError } from "./errors.js";
import type { DenseInternals, LayerLike, ModelLike } from "./layer-internals.js";

/**
 * The output distributions a sampled Fisher can draw labels from, by the model's output
 * activation: "softmax" → categorical (categorical or sparse categorical cross-entropy),
 * "sigmoid" → independent Bernoulli per output (binary cross-entropy), "linear" → a
 * unit-variance Gaussian around the output (mean squared error).
 * @category TensorFlow.js
 */
export type PredictiveDistribution = "categorical" | "bernoulli" | "gaussian";

const BY_ACTIVATION: Record<string, PredictiveDistribution> = {
  softmax: "categorical",
  sigmoid: "bernoulli",
  linear: "gaussian",
};

/**
 * The distribution of the model's single output, from its output layer's activation.
 * @throws {UnsupportedModelError} for several outputs or an activation with no distribution here.
 */
export function predictiveDistributionOf(model: ModelLike): PredictiveDistribution {
  if (model.outputs.length !== 1) {
    throw new UnsupportedModelError(
      undefined,
      `A sampled Fisher needs a model with one output; "${model.name}" has ${model.outputs.length}. Use { fisher: "empirical" }.`,
    );
  }
  const layer = (model.outputs[0] as { sourceLayer?: LayerLike }).sourceLayer as DenseInternals | undefined;
  const activation = layer?.activation?.getClassName?.();
  const kind = activation === undefined ? undefined : BY_ACTIVATION[activation.toLowerCase()];
  if (kind === undefined) {
    throw new UnsupportedModelError(
      layer?.name,
      `A sampled Fisher draws labels from the model's output distribution, known here for a softmax, sigmoid or linear output activation; the output layer "${layer?.name}" has ${activation === undefined ? "none" : `"${activation}"`}. Use { fisher: "empirical" }.`,
    );
  }
  return kind;
}

/**
 * A scalar whose gradient with respect to the model's output equals, row by row, the gradient of
 * the per-sample negative log-likelihood −log p(ỹᵢ | xᵢ) at a label ỹᵢ drawn from the model's own
 * distribution, SUMMED over the batch: Σᵢ ⟨outputᵢ, cᵢ⟩ with cᵢ = ∂ℓᵢ/∂outputᵢ computed here and
 * held constant. Backpropagated, it gives ∂ℓᵢ/∂zᵢ at every layer for every sample (the sum of
 * per-sample losses, so no 1/B). Through a softmax (or a sigmoid) the gradient at the logits is
 * exactly p − ỹ.
 */
export function sampledLabelLoss(output: tf.Tensor, kind: PredictiveDistribution, next: () => number): tf.Scalar {
  const values = output.dataSync();
  const width = output.shape[output.rank - 1] as number;
  const c = new Float32Array(values.length);
  if (kind === "categorical") {
    for (let row = 0; row < values.length; row += width) {
      let u = next();
      let label = width - 1;
      for (let k = 0; k < width; k++) {
        u -= values[row + k] as number;
        if (u < 0) {
          label = k;
          break;
        }
      }
      // ∂(−log p_label)/∂p = −1/p_label at the label, 0 elsewhere.
      const p = values[row + label] as number;
      c[row + label] = p > 0 ? -1 / p : 0;
    }
  } else if (kind === "bernoulli") {
    for (let t = 0; t < values.length; t++) {
      const p = values[t] as number;
      const y = next() < p ? 1 : 0;
      const v = p * (1 - p);
      c[t] = v > 0 ? (p - y) / v : 0;
    }
  } else {
    // ℓ = ½‖ỹ − μ‖² with ỹ = μ + ε: ∂ℓ/∂μ = −ε.
    for (let t = 0; t < values.length; t++) c[t] = -gaussian(next);
  }
  return tf.tidy(() => tf.sum(tf.mul(output, tf.tensor(c, output.shape, "float32"))));
}

/** A standard normal draw (Box–Muller). */
function gaussian(next: () => number): number {
  const u = 1 - next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** A generator of uniforms on [0, 1) from `seed` (reproducible) or from Math.random. */
export function uniformSource(seed: number | undefined): () => number {
  return seed === undefined ? Math.random : mulberry32(seed);
}
