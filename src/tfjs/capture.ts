// Capturing what K-FAC needs from a tfjs forward and backward pass. For the duration of one
// pass, each Dense layer's `call` is replaced by one that computes z = a·W + b itself, passes z
// through an identity whose gradient records dy = ∂(loss)/∂z, and then applies the layer's own
// activation; the layers' own `call` is put back afterwards, whatever happens. The forward
// value is the same as the layer's own (the same product, bias and activation).
import * as tf from "@tensorflow/tfjs-core";
import type { DenseSite } from "./dense-sites.js";
import { UnsupportedModelError } from "./errors.js";
import type { LayerCall, LayerLike, ModelLike } from "./layer-internals.js";

/** What one pass captured at one Dense layer; both tensors are kept until dispose(). */
export interface CapturedLayer {
  readonly site: DenseSite;
  /** The layer's input a, B × inputDim. */
  activations: tf.Tensor2D | undefined;
  /** `gradientScale` times ∂(loss)/∂z, B × outputDim; undefined until the backward pass reaches it. */
  outputGradients: tf.Tensor2D | undefined;
}

/** Options of a capture. */
export interface CaptureOptions {
  /** Record dy at every site during backward passes (else only the activations are kept). */
  readonly recordGradients: boolean;
  /**
   * The factor dy is multiplied by when recorded: "batch" for B (per-sample gradients of a loss
   * that is a mean over the batch), or 1 for a loss that is a sum over samples.
   */
  readonly gradientScale: "batch" | 1;
  /** Also keep the model's input, as it reaches the layers that consume it. */
  readonly captureModelInput?: ModelLike;
}

interface Swap {
  readonly layer: LayerLike;
  readonly own: boolean;
  readonly previous: LayerCall;
}

/**
 * One capture over the given sites: install() swaps the layers' calls, restore() puts them back,
 * dispose() releases every tensor it kept. Use through {@link withCapture}.
 */
export class Capture {
  readonly layers: CapturedLayer[];
  /** The model's input, when asked for. */
  modelInput: tf.Tensor | undefined;
  private readonly swaps: Swap[] = [];

  constructor(
    sites: readonly DenseSite[],
    private readonly options: CaptureOptions,
  ) {
    this.layers = sites.map((site) => ({ site, activations: undefined, outputGradients: undefined }));
  }

  install(): void {
    for (const captured of this.layers) this.swap(captured.site.layer, this.denseCall(captured));
    const model = this.options.captureModelInput;
    if (model !== undefined) {
      for (const layer of modelInputConsumers(model)) this.swap(layer, this.inputCall(layer));
    }
  }

  restore(): void {
    for (let i = this.swaps.length - 1; i >= 0; i--) {
      const { layer, own, previous } = this.swaps[i] as Swap;
      if (own) layer.call = previous;
      else delete (layer as Partial<LayerLike>).call;
    }
    this.swaps.length = 0;
  }

  dispose(): void {
    for (const captured of this.layers) {
      captured.activations?.dispose();
      captured.outputGradients?.dispose();
      captured.activations = undefined;
      captured.outputGradients = undefined;
    }
    this.modelInput?.dispose();
    this.modelInput = undefined;
  }

  private swap(layer: LayerLike, call: LayerCall): void {
    const own = Object.hasOwn(layer, "call");
    this.swaps.push({ layer, own, previous: layer.call });
    layer.call = call;
  }

  private inputCall(layer: LayerLike): LayerCall {
    const previous = layer.call;
    return (inputs, kwargs) => {
      if (this.modelInput === undefined) {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        if (x !== undefined) this.modelInput = tf.keep(x.clone());
      }
      return previous.call(layer, inputs, kwargs);
    };
  }

  private denseCall(captured: CapturedLayer): LayerCall {
    const { site } = captured;
    const { layer } = site;
    const { recordGradients, gradientScale } = this.options;
    const record = tf.customGrad(((z: tf.Tensor) => ({
      value: z.clone(),
      gradFunc: (dy: tf.Tensor) => {
        if (recordGradients) {
          captured.outputGradients?.dispose();
          const scaled = gradientScale === "batch" ? tf.mul(dy, dy.shape[0] as number) : dy.clone();
          captured.outputGradients = tf.keep(scaled) as tf.Tensor2D;
        }
        return dy;
      },
    })) as unknown as Parameters<typeof tf.customGrad>[0]) as (z: tf.Tensor) => tf.Tensor;
    return (inputs, kwargs) =>
      tf.tidy(() => {
        layer.invokeCallHook?.(inputs, kwargs);
        const a = Array.isArray(inputs) ? inputs[0] : inputs;
        if (a === undefined || a.rank !== 2) {
          throw new UnsupportedModelError(
            site.name,
            `The Dense layer "${site.name}" received an input of shape [${a?.shape.join(", ")}]; K-FAC factors Dense layers on rank-2 inputs (batch × features) only.`,
          );
        }
        if (captured.activations !== undefined) {
          throw new UnsupportedModelError(
            site.name,
            `The Dense layer "${site.name}" was called more than once in one pass; K-FAC needs one (input, output gradient) pair per sample, so shared layers are not supported.`,
          );
        }
        captured.activations = tf.keep(a.clone()) as tf.Tensor2D;
        let z: tf.Tensor = tf.matMul(a, site.kernel.read());
        if (site.bias !== null) z = tf.add(z, site.bias.read());
        return layer.activation.apply(record(z));
      });
  }
}

/** The layers that take the model's (first) input. */
function modelInputConsumers(model: ModelLike): LayerLike[] {
  const inputLayer = model.inputLayers?.[0];
  return (inputLayer?.outboundNodes ?? []).map((node) => node.outboundLayer);
}

/**
 * Runs `pass` with the capture installed and the layers restored after it, whatever happens;
 * on a throw the captured tensors are released too.
 */
export function withCapture<T>(capture: Capture, pass: () => T): T {
  capture.install();
  try {
    return pass();
  } catch (error) {
    capture.dispose();
    throw error;
  } finally {
    capture.restore();
  }
}
