// The error of the TensorFlow.js integration that the core library has no use for.

/**
 * A model (or one of its layers) is outside what an optimizer of `fisher-wasm/tfjs` can handle:
 * no Dense layer to factor, a layer the natural-gradient optimizer cannot differentiate per
 * sample, an output activation with no predictive distribution to sample from, a model with
 * several inputs or outputs where one is needed. Raised before anything changes.
 * @category TensorFlow.js
 */
export class UnsupportedModelError extends TypeError {
  /** "UnsupportedModelError". */
  override readonly name = "UnsupportedModelError";
  constructor(
    /** The layer at fault, by its tfjs name, or undefined when the model as a whole is. */
    readonly layer: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
