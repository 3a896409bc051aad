// Per-layer (a, g) pairs: what a capture kept, read out of tfjs as Float32Arrays.
import type * as tf from "@tensorflow/tfjs-core";
import { NonFiniteError } from "../index.js";
import type { Capture } from "./capture.js";
import { UnsupportedModelError } from "./errors.js";

/**
 * One Dense layer's per-sample quantities from one batch, row-major, row i from sample i:
 * `activations` are the layer's inputs aᵢ (B × inputDim), `outputGradients` the gradients
 * gᵢ = ∂ℓᵢ/∂zᵢ of sample i's loss with respect to the layer's pre-activation output z
 * (B × outputDim), per sample: for a loss that is a mean over the batch, B times the gradient of
 * that mean. These are what `KroneckerFactoredFisher` takes.
 * @category TensorFlow.js
 */
export interface LayerPairs {
  /** The layer's tfjs name. */
  readonly layer: string;
  /** The width of a, the layer's input. */
  readonly inputDim: number;
  /** The width of g, the layer's output. */
  readonly outputDim: number;
  /** Whether the layer has a bias (its A is then over [a, 1]). */
  readonly bias: boolean;
  /** The batch size B. */
  readonly rows: number;
  /** B × inputDim, row-major. */
  readonly activations: Float32Array;
  /** B × outputDim, row-major, per sample (see above). */
  readonly outputGradients: Float32Array;
}

/**
 * Reads every captured layer's pair and releases the capture's tensors.
 * @throws {UnsupportedModelError} when a Dense layer was not reached by the forward or backward pass.
 */
export function readPairs(capture: Capture): LayerPairs[] {
  try {
    return capture.layers.map(({ site, activations, outputGradients }) => {
      if (activations === undefined || outputGradients === undefined) {
        throw new UnsupportedModelError(
          site.name,
          `The Dense layer "${site.name}" was not reached by the ${activations === undefined ? "forward" : "backward"} pass, so it has no (a, g) pair; every trainable Dense layer must lie on the path from the input to the loss.`,
        );
      }
      return {
        layer: site.name,
        inputDim: site.inputDim,
        outputDim: site.outputDim,
        bias: site.bias !== null,
        rows: activations.shape[0],
        activations: float32Of(activations),
        outputGradients: float32Of(outputGradients),
      };
    });
  } finally {
    capture.dispose();
  }
}

/** A tensor's values as a Float32Array of its own (never the backend's storage). */
export function float32Of(t: tf.Tensor): Float32Array {
  const values = t.dataSync();
  return values instanceof Float32Array ? values.slice() : Float32Array.from(values as ArrayLike<number>);
}

/**
 * Checks a pair against its layer's shape and for non-finite values, naming the layer.
 * @throws {RangeError} on a shape that does not match. @throws {NonFiniteError} on a NaN or ±Infinity.
 */
export function assertPair(pair: LayerPairs, inputDim: number, outputDim: number): void {
  const { layer, rows, activations, outputGradients } = pair;
  if (!Number.isInteger(rows) || rows < 1) {
    throw new RangeError(`\`pairs\` of layer "${layer}": rows must be a positive integer; received ${rows}.`);
  }
  if (activations.length !== rows * inputDim || outputGradients.length !== rows * outputDim) {
    throw new RangeError(
      `\`pairs\` of layer "${layer}" must hold ${rows} × ${inputDim} activations and ${rows} × ${outputDim} output gradients; received lengths ${activations.length} and ${outputGradients.length}.`,
    );
  }
  assertFiniteRows(`activations of layer "${layer}"`, activations, inputDim);
  assertFiniteRows(`outputGradients of layer "${layer}"`, outputGradients, outputDim);
}

/** @throws {NonFiniteError} naming the row and column of the first NaN or ±Infinity. */
export function assertFiniteRows(name: string, values: Float32Array, width: number): void {
  for (let t = 0; t < values.length; t++) {
    const v = values[t] as number;
    if (v - v !== 0) throw new NonFiniteError(name, Math.floor(t / width), t % width, v);
  }
}
