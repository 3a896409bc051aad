// The Dense layers of a model that K-FAC factors, and the model's other trainable weights.
import { describeValue } from "../base/validate.js";
import { UnsupportedModelError } from "./errors.js";
import type { DenseInternals, LayerLike, ModelLike, WeightLike } from "./layer-internals.js";

/** One trainable Dense layer: y = act(a W + b), W of shape inputDim × outputDim in tfjs. */
export interface DenseSite {
  readonly layer: DenseInternals;
  readonly name: string;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly kernel: WeightLike;
  readonly bias: WeightLike | null;
}

/** Every layer of the model, nested models flattened, in the model's order. */
export function allLayers(model: ModelLike): LayerLike[] {
  const out: LayerLike[] = [];
  const visit = (layers: LayerLike[]): void => {
    for (const layer of layers) {
      if (Array.isArray(layer.layers)) visit(layer.layers);
      else out.push(layer);
    }
  };
  visit(model.layers);
  return out;
}

/**
 * Checks that `model` is a built tfjs-layers model and returns its trainable Dense layers.
 * @throws {TypeError} when it is not a LayersModel. @throws {UnsupportedModelError} when it has no trainable Dense layer.
 */
export function denseSitesOf(model: unknown): DenseSite[] {
  assertModel(model);
  const sites: DenseSite[] = [];
  for (const layer of allLayers(model)) {
    if (layer.getClassName() !== "Dense" || !layer.trainable) continue;
    const dense = layer as DenseInternals;
    if (dense.kernel == null) {
      throw new UnsupportedModelError(
        layer.name,
        `The Dense layer "${layer.name}" is not built yet: give the model an input shape (or call it once) before creating the optimizer.`,
      );
    }
    const [inputDim, outputDim] = dense.kernel.shape as [number, number];
    sites.push({ layer: dense, name: layer.name, inputDim, outputDim, kernel: dense.kernel, bias: dense.bias });
  }
  if (sites.length === 0) {
    throw new UnsupportedModelError(
      undefined,
      `The model "${model.name}" has no trainable Dense layer, so there is nothing to factor (its layers: ${allLayers(
        model,
      )
        .map((l) => l.getClassName())
        .join(", ")}).`,
    );
  }
  return sites;
}

/** @throws {TypeError} unless `model` looks like a tfjs-layers LayersModel. */
export function assertModel(model: unknown): asserts model is ModelLike {
  const m = model as Partial<ModelLike> | null;
  if (
    typeof m !== "object" ||
    m === null ||
    !Array.isArray(m.layers) ||
    typeof m.apply !== "function" ||
    !Array.isArray(m.inputs) ||
    !Array.isArray(m.outputs)
  ) {
    throw new TypeError(`\`model\` must be a tfjs-layers LayersModel; received ${describeValue(model)}.`);
  }
}

/** The names of the tfjs Variables of a site's weights, kernel then bias. */
export function variableNames(site: DenseSite): string[] {
  return site.bias === null ? [site.kernel.read().name] : [site.kernel.read().name, site.bias.read().name];
}
