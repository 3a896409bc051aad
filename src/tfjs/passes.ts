// The forward and backward passes that gather (a, g) pairs, shared by the optimizers and the
// custom-loop functions.
import * as tf from "@tensorflow/tfjs-core";
import { Capture, withCapture } from "./capture.js";
import type { DenseSite } from "./dense-sites.js";
import type { ModelLike } from "./layer-internals.js";
import { type LayerPairs, readPairs } from "./layer-pairs.js";
import { type PredictiveDistribution, sampledLabelLoss } from "./predictive-distribution.js";

/** The tfjs Variables of the sites' weights. */
export function siteVariables(sites: readonly DenseSite[]): tf.Variable[] {
  return sites.flatMap((s) => (s.bias === null ? [s.kernel.read()] : [s.kernel.read(), s.bias.read()]));
}

/**
 * One forward pass of `model` on `x` (training mode), labels drawn from its own predictive
 * distribution, one backward pass of the sum of their negative log-likelihoods: the pairs of
 * the true (sampled) Fisher, per sample.
 */
export function sampledPairs(
  model: ModelLike,
  sites: readonly DenseSite[],
  x: tf.Tensor,
  kind: PredictiveDistribution,
  next: () => number,
): LayerPairs[] {
  const capture = new Capture(sites, { recordGradients: true, gradientScale: 1 });
  withCapture(capture, () => {
    const { value, grads } = tf.variableGrads(() => {
      const output = model.apply(x, { training: true });
      return sampledLabelLoss(Array.isArray(output) ? (output[0] as tf.Tensor) : output, kind, next);
    }, siteVariables(sites));
    value.dispose();
    tf.dispose(grads);
  });
  return readPairs(capture);
}

/**
 * Runs `f` (a loss that is a MEAN over its batch) under tf.variableGrads with the capture that
 * `fisher` needs: "empirical" records B·∂(loss)/∂z at every site in this same pass; "sampled"
 * keeps only the model's input, for sampledPairs(). The caller disposes the result's capture.
 */
export function lossPass(
  model: ModelLike,
  sites: readonly DenseSite[],
  fisher: "sampled" | "empirical",
  f: () => tf.Scalar,
  varList: tf.Variable[] | undefined,
): { value: tf.Scalar; grads: tf.NamedTensorMap; capture: Capture } {
  const empirical = fisher === "empirical";
  const capture = new Capture(empirical ? sites : [], {
    recordGradients: empirical,
    gradientScale: "batch",
    ...(empirical ? {} : { captureModelInput: model }),
  });
  const { value, grads } = withCapture(capture, () => tf.variableGrads(f, varList));
  return { value, grads, capture };
}
