// The parts of TensorFlow.js layers this integration reads, as structural types. tfjs-layers
// keeps a Dense layer's kernel, bias and activation private, so they are reached through these
// shapes rather than its declared class; everything here is read or swapped, never rebuilt.
import type { Tensor, Variable } from "@tensorflow/tfjs-core";

/** A layer's weight: `read()` gives the tfjs Variable the gradients are keyed by. */
export interface WeightLike {
  readonly name: string;
  readonly shape: readonly number[];
  read(): Variable;
}

/** The call signature of a layer on concrete tensors. */
export type LayerCall = (inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

/** A tfjs-layers Layer, as far as this integration uses it. */
export interface LayerLike {
  readonly name: string;
  readonly built?: boolean;
  trainable: boolean;
  getClassName(): string;
  call: LayerCall;
  readonly trainableWeights: WeightLike[];
  /** Set on container layers (a model nested in a model). */
  readonly layers?: LayerLike[];
  readonly outboundNodes?: { outboundLayer: LayerLike }[];
}

/** A Dense layer's private members. */
export interface DenseInternals extends LayerLike {
  readonly kernel: WeightLike | null;
  readonly bias: WeightLike | null;
  readonly activation: { apply(x: Tensor): Tensor; getClassName(): string };
  invokeCallHook?(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): void;
}

/** A tfjs-layers LayersModel, as far as this integration uses it. */
export interface ModelLike extends LayerLike {
  readonly layers: LayerLike[];
  readonly inputLayers?: LayerLike[];
  readonly inputs: unknown[];
  readonly outputs: unknown[];
  apply(inputs: Tensor | Tensor[], kwargs?: Record<string, unknown>): Tensor | Tensor[];
}
