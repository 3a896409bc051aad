// The two networks the MNIST runs train, with weights drawn from a seeded generator so that every
// optimiser starts from the same point on every backend and in the browser:
//  - "mlp": 784 → 128 (ReLU) → 10 (softmax), 101,770 parameters;
//  - "softmax": softmax regression 784 → 10, 7,850 parameters.
// Kernels are Glorot-uniform (uniform on ±√(6 / (in + out))), biases zero, as tfjs's default
// dense layer, but drawn from mulberry32 rather than tfjs's own generator.
import type * as tfjs from "@tensorflow/tfjs";
import { CLASSES, PIXELS } from "../../tools/mnist/digits.js";
import { mulberry32 } from "../../tools/seeded-random.js";

/** The networks of the comparison. */
export type Architecture = "mlp" | "softmax";

/** The seed of the initial weights. */
export const WEIGHT_SEED = 7;
/** Hidden units of the MLP. */
export const HIDDEN = 128;

/** A Glorot-uniform in × out kernel, row-major as tfjs's dense kernel ([in, out]). */
function glorotKernel(inputs: number, outputs: number, next: () => number): Float32Array {
  const limit = Math.sqrt(6 / (inputs + outputs));
  return Float32Array.from({ length: inputs * outputs }, () => (2 * next() - 1) * limit);
}

/**
 * A new, uncompiled network of the given architecture with the seeded initial weights. `tf` is
 * the TensorFlow.js namespace the caller uses (Node's package or the page's bundle).
 */
export function buildNetwork(tf: typeof tfjs, architecture: Architecture, seed = WEIGHT_SEED): tfjs.Sequential {
  const next = mulberry32(seed);
  const widths = architecture === "mlp" ? [PIXELS, HIDDEN, CLASSES] : [PIXELS, CLASSES];
  const model = tf.sequential();
  const weights: tfjs.Tensor[] = [];
  for (let k = 1; k < widths.length; k++) {
    const last = k === widths.length - 1;
    model.add(
      tf.layers.dense({
        units: widths[k],
        activation: last ? "softmax" : "relu",
        ...(k === 1 ? { inputShape: [PIXELS] } : {}),
      }),
    );
    weights.push(tf.tensor2d(glorotKernel(widths[k - 1], widths[k], next), [widths[k - 1], widths[k]]));
    weights.push(tf.zeros([widths[k]]));
  }
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** The number of trainable parameters of an architecture. */
export function parameterCount(architecture: Architecture): number {
  return architecture === "mlp" ? (PIXELS + 1) * HIDDEN + (HIDDEN + 1) * CLASSES : (PIXELS + 1) * CLASSES;
}
