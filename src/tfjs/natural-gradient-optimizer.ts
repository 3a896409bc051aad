// Natural gradient for small TensorFlow.js models: every parameter in one curvature, the Fisher
// of the batch's per-sample gradients, solved with damping each step.
import type * as tf from "@tensorflow/tfjs-core";
import { OPTION, type OptionSpec, RUNTIME_OPTION } from "../base/validate.js";
import { empiricalFisher, LowRankFisher, naturalGradient, type Runtime } from "../index.js";
import { CurvatureOptimizer } from "./curvature-optimizer.js";
import { allLayers, variableNames } from "./dense-sites.js";
import { UnsupportedModelError } from "./errors.js";
import { fromKroneckerLayout, toKroneckerLayout } from "./gradient-layout.js";
import { assertPair, type LayerPairs } from "./layer-pairs.js";
import { optionsObject, positiveOption } from "./options.js";

/**
 * Options of {@link NaturalGradientOptimizer}.
 * @category TensorFlow.js
 */
export interface NaturalGradientOptimizerOptions {
  /** η in θ ← θ − η (F + λI)⁻¹ ∇; a finite number > 0. Default 0.1. */
  learningRate?: number;
  /** λ > 0 added to the Fisher's diagonal. Default 0.01. */
  damping?: number;
  /**
   * "sampled" (default): per-sample gradients at labels drawn from the model, the true Fisher;
   * "empirical": at the given labels. See the README.
   */
  fisher?: "sampled" | "empirical";
  /** Seed of the labels a sampled Fisher draws (default: Math.random). */
  seed?: number;
  /**
   * The most bytes the packed d × d Fisher may take, 8·d(d+1)/2; above it (or when `"low-rank"`
   * is forced) the batch's Fisher is kept low-rank. Default 8 MiB (d up to 1447).
   */
  memoryBudget?: number;
  /** The fisher-wasm runtime to compute in; default the default runtime. */
  runtime?: Runtime;
}

const NATURAL_GRADIENT_OPTIMIZER_OPTIONS: OptionSpec<NaturalGradientOptimizerOptions> = {
  ...RUNTIME_OPTION,
  learningRate: OPTION.number,
  damping: OPTION.number,
  fisher: OPTION.oneOf("sampled", "empirical"),
  seed: OPTION.number,
  memoryBudget: OPTION.number,
};

/**
 * Natural-gradient descent for a model whose trainable layers are all Dense: each step forms the
 * Fisher F = (1/B) Σᵢ sᵢ sᵢᵀ of the batch's per-sample gradients sᵢ (all d parameters in one
 * vector) and moves the weights by −η (F + λI)⁻¹ ∇, with ∇ the gradient of the batch's MEAN loss.
 *
 * The per-sample gradients need no per-sample backward pass: for a Dense layer they are exactly
 * the outer products gᵢ ãᵢᵀ of the (a, g) pairs the K-FAC optimizer gathers (ã = [a, 1] with a
 * bias). F is the full packed matrix when 8·d(d+1)/2 bytes fit `memoryBudget` (a Cholesky solve,
 * d³/3 flops), else a {@link LowRankFisher} of the B rows (a Woodbury solve through the B × B Gram,
 * B²d flops; the regime for B < d, e.g. softmax regression 784 → 10 with d = 7850). The Fisher is
 * the current batch's (no moving average). Use it with `model.fit` like any tfjs optimizer; call
 * `dispose()` when done.
 * @category TensorFlow.js
 */
export class NaturalGradientOptimizer extends CurvatureOptimizer {
  /** The tfjs class name. */
  static className = "NaturalGradientOptimizer";
  /** The number of parameters d in the one curvature. */
  readonly dim: number;
  /** The byte budget of the packed Fisher. */
  readonly memoryBudget: number;
  /** "packed" when the d × d Fisher fits memoryBudget, else "low-rank". */
  readonly form: "packed" | "low-rank";
  private readonly runtime: Runtime | undefined;
  private readonly offsets: number[];

  /**
   * A natural-gradient optimizer for a built tfjs-layers model whose trainable layers are all
   * Dense (fisher-wasm initialised with `await init()` first, unless `options.runtime` is given).
   * @throws {TypeError} when model is not a LayersModel or options not an object.
   * @throws {RangeError} on a bad option value (damping ≤ 0, …), naming it.
   * @throws {UnsupportedModelError} when a trainable layer is not Dense, or the model has none.
   */
  constructor(model: unknown, options?: NaturalGradientOptimizerOptions) {
    super(model, options, NATURAL_GRADIENT_OPTIMIZER_OPTIONS, { learningRate: 0.1, damping: 0.01 });
    const settings = optionsObject(options, NATURAL_GRADIENT_OPTIMIZER_OPTIONS);
    this.memoryBudget = positiveOption(settings, "memoryBudget", 8 * 1024 * 1024);
    this.runtime = settings.runtime as Runtime | undefined;
    const factored = new Set(this.sites.flatMap(variableNames));
    for (const layer of allLayers(this.model)) {
      if (!layer.trainable) continue;
      const other = layer.trainableWeights.find((w) => !factored.has(w.read().name));
      if (other !== undefined) {
        throw new UnsupportedModelError(
          layer.name,
          `NaturalGradientOptimizer takes per-sample gradients from Dense layers only; the ${layer.getClassName()} layer "${layer.name}" has the trainable weight "${other.name}". Freeze it (trainable = false) or use KfacOptimizer, which gives such weights plain gradient steps.`,
        );
      }
    }
    this.offsets = [];
    let d = 0;
    for (const site of this.sites) {
      this.offsets.push(d);
      d += site.outputDim * (site.inputDim + (site.bias === null ? 0 : 1));
    }
    this.dim = d;
    this.form = (8 * d * (d + 1)) / 2 <= this.memoryBudget ? "packed" : "low-rank";
  }

  /** The options this optimizer was made with. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), memoryBudget: this.memoryBudget };
  }

  /**
   * The per-sample gradients of a batch's pairs as the row-major B × d matrix the Fisher is
   * built from: row i holds, layer after layer, gᵢ ãᵢᵀ in the outputDim × (inputDim + bias) layout.
   * @throws {RangeError} / {NonFiniteError} on pairs that do not match the layers.
   */
  perSampleGradients(pairs: readonly LayerPairs[]): Float64Array {
    this.sites.forEach((site, l) => {
      const pair = pairs[l];
      if (pair === undefined || pair.layer !== site.name) {
        throw new RangeError(`\`pairs\`[${l}] must be the pair of the Dense layer "${site.name}".`);
      }
      assertPair(pair, site.inputDim, site.outputDim);
    });
    const rows = (pairs[0] as LayerPairs).rows;
    if (pairs.some((p) => p.rows !== rows)) {
      throw new RangeError(`\`pairs\` must all have the same rows; received ${pairs.map((p) => p.rows).join(", ")}.`);
    }
    const d = this.dim;
    const S = new Float64Array(rows * d);
    this.sites.forEach((site, l) => {
      const { activations, outputGradients } = pairs[l] as LayerPairs;
      const width = site.inputDim + (site.bias === null ? 0 : 1);
      const offset = this.offsets[l] as number;
      for (let r = 0; r < rows; r++) {
        const base = r * d + offset;
        for (let o = 0; o < site.outputDim; o++) {
          const g = outputGradients[r * site.outputDim + o] as number;
          const at = base + o * width;
          for (let i = 0; i < site.inputDim; i++) S[at + i] = g * (activations[r * site.inputDim + i] as number);
          if (site.bias !== null) S[at + site.inputDim] = g;
        }
      }
    });
    return S;
  }

  /** @internal */
  protected step(grads: tf.NamedTensorMap, pairs: LayerPairs[] | undefined): void {
    const values = this.readGradients(grads);
    if (pairs === undefined) {
      // applyGradients from a custom loop has no batch to build the Fisher from: plain steps.
      this.applySteps(values);
      return;
    }
    const S = this.perSampleGradients(pairs);
    const g = new Float64Array(this.dim);
    const steps = new Map(values);
    const present = this.sites.map((site, l) => {
      const [kernelName, biasName] = variableNames(site);
      const kernel = values.get(kernelName as string);
      const bias = biasName === undefined ? undefined : values.get(biasName);
      if (kernel === undefined || (biasName !== undefined && bias === undefined)) return false;
      g.set(toKroneckerLayout(kernel, bias, site.inputDim, site.outputDim), this.offsets[l] as number);
      return true;
    });
    const x = this.solve(S, g);
    this.sites.forEach((site, l) => {
      if (!present[l]) return;
      const width = site.inputDim + (site.bias === null ? 0 : 1);
      const offset = this.offsets[l] as number;
      const back = fromKroneckerLayout(
        x.subarray(offset, offset + site.outputDim * width),
        site.bias !== null,
        site.inputDim,
        site.outputDim,
      );
      const [kernelName, biasName] = variableNames(site);
      steps.set(kernelName as string, back.kernel);
      if (biasName !== undefined && back.bias !== undefined) steps.set(biasName, back.bias);
    });
    this.applySteps(steps);
  }

  /** (F + λI)⁻¹ g for F the mean of the rows of S, in the chosen form. */
  private solve(S: Float64Array, g: Float64Array): Float64Array {
    const damping = this.settings.damping;
    const runtime = this.runtime === undefined ? {} : { runtime: this.runtime };
    if (this.form === "packed") return naturalGradient(empiricalFisher(S, this.dim, runtime), g, { damping });
    const F = LowRankFisher.fromScores(S, this.dim, runtime);
    try {
      return F.solve(g, { damping });
    } finally {
      F.dispose();
    }
  }

  /** @internal Nothing is kept between steps. */
  protected disposeCurvature(): void {}
}
