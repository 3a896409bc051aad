// K-FAC for TensorFlow.js: a tf.Optimizer that preconditions each Dense layer's gradient with the
// damped inverse of its Kronecker-factored Fisher G ⊗ A, kept as moving averages.
import * as tf from "@tensorflow/tfjs-core";
import { OPTION, type OptionSpec, RUNTIME_OPTION } from "../base/validate.js";
import { KroneckerFactoredFisher, type Runtime } from "../index.js";
import { CurvatureOptimizer, type GradientInput, namedMap } from "./curvature-optimizer.js";
import { allLayers, variableNames } from "./dense-sites.js";
import { fromKroneckerLayout, toKroneckerLayout } from "./gradient-layout.js";
import { assertPair, type LayerPairs } from "./layer-pairs.js";
import { countOption, fractionOption, optionsObject } from "./options.js";

/**
 * Options of {@link KfacOptimizer}.
 * @category TensorFlow.js
 */
export interface KfacOptimizerOptions {
  /** η in θ ← θ − η·(G + λ_G I)⁻¹ ∇W (A + λ_A I)⁻¹; a finite number > 0. Default 0.05. */
  learningRate?: number;
  /**
   * λ > 0, split between the factors as in `KroneckerFactoredFisher.solve` (the π-split:
   * λ_A = π√λ, λ_G = √λ/π). Default 0.01.
   */
  damping?: number;
  /** The weight of the old factors in their moving average, in [0, 1): 0 keeps only the last batch. Default 0.95. */
  decay?: number;
  /** Steps between refreshes of the damped inverses the gradients are preconditioned with; default 10. */
  inverseEvery?: number;
  /**
   * "sampled" (default): output gradients at labels drawn from the model's own predictive
   * distribution, the true Fisher; "empirical": at the given labels. See the README.
   */
  fisher?: "sampled" | "empirical";
  /** Seed of the labels a sampled Fisher draws (default: Math.random). */
  seed?: number;
  /** The fisher-wasm runtime whose memory holds the factors; default the default runtime. */
  runtime?: Runtime;
}

const KFAC_OPTIMIZER_OPTIONS: OptionSpec<KfacOptimizerOptions> = {
  ...RUNTIME_OPTION,
  learningRate: OPTION.number,
  damping: OPTION.number,
  decay: OPTION.number,
  inverseEvery: OPTION.number,
  fisher: OPTION.oneOf("sampled", "empirical"),
  seed: OPTION.number,
};

interface LayerCurvature {
  /** The moving averages, updated every step. */
  readonly running: KroneckerFactoredFisher;
  /** A copy of `running` from the last refresh: what gradients are preconditioned with (its solves cache the inverses). */
  frozen: KroneckerFactoredFisher | undefined;
}

/**
 * K-FAC (Martens & Grosse, 2015) as a TensorFlow.js optimizer. Give it to `model.compile` and
 * train with `model.fit`, or call `minimize(f)` in a custom loop:
 *
 * ```js
 * await init();
 * const optimizer = new KfacOptimizer(model, { learningRate: 0.05, damping: 0.01 });
 * model.compile({ optimizer, loss: "categoricalCrossentropy" });
 * await model.fit(x, y, { epochs: 5, batchSize: 64 });
 * optimizer.dispose();
 * ```
 *
 * Each step, for every trainable Dense layer z = a·W + b, it takes the batch's layer inputs aᵢ
 * and per-sample output gradients gᵢ = ∂ℓᵢ/∂zᵢ (B times the gradient of the batch's MEAN loss),
 * folds them into the factors A = mean ã ãᵀ (ã = [a, 1] with a bias) and G = mean g gᵀ as
 * exponential moving averages (`KroneckerFactoredFisher.update`, `decay`), every
 * `inverseEvery` steps refreshes the damped inverses, and moves the layer's weights by
 * −η (G + λ_G I)⁻¹ ∇W (A + λ_A I)⁻¹, with ∇W the gradient of the mean loss in the layer's
 * outputDim × (inputDim + 1) layout. G ⊗ A estimates the Fisher per sample, so the step is the
 * natural gradient of the mean loss. Trainable weights of other layers (see `plainGradientWeights`)
 * take plain gradient steps −η ∇.
 *
 * The layers' `call` methods are swapped for the duration of each step and put back afterwards.
 * Call `dispose()` to release the factors' WebAssembly memory.
 * @category TensorFlow.js
 */
export class KfacOptimizer extends CurvatureOptimizer {
  /** The tfjs class name. */
  static className = "KfacOptimizer";
  /** The moving-average weight of the old factors. */
  readonly decay: number;
  /** Steps between refreshes of the damped inverses. */
  readonly inverseEvery: number;
  /** The names of the trainable weights that are not in a factored Dense layer: they take plain gradient steps. */
  readonly plainGradientWeights: string[];
  private readonly curvature: LayerCurvature[];
  private updates = 0;

  /**
   * A K-FAC optimizer for the trainable Dense layers of a built tfjs-layers model (fisher-wasm
   * initialised with `await init()` first, unless `options.runtime` is given).
   * @throws {TypeError} when model is not a LayersModel or options not an object.
   * @throws {RangeError} on a bad option value (damping ≤ 0, decay outside [0, 1), …), naming it.
   * @throws {UnsupportedModelError} for a model without a trainable Dense layer, or, with the
   *   sampled Fisher, an output activation other than softmax, sigmoid or linear.
   */
  constructor(model: unknown, options?: KfacOptimizerOptions) {
    super(model, options, KFAC_OPTIMIZER_OPTIONS, { learningRate: 0.05, damping: 0.01 });
    const settings = optionsObject(options, KFAC_OPTIMIZER_OPTIONS);
    this.decay = fractionOption(settings, "decay", 0.95);
    this.inverseEvery = countOption(settings, "inverseEvery", 10);
    const runtime = settings.runtime as Runtime | undefined;
    const factored = new Set(this.sites.flatMap(variableNames));
    this.plainGradientWeights = allLayers(this.model)
      .filter((layer) => layer.trainable)
      .flatMap((layer) => layer.trainableWeights.map((w) => w.read().name))
      .filter((name) => !factored.has(name));
    this.curvature = [];
    try {
      for (const site of this.sites) {
        this.curvature.push({
          running: new KroneckerFactoredFisher(site.inputDim, site.outputDim, {
            bias: site.bias !== null,
            ...(runtime === undefined ? {} : { runtime }),
          }),
          frozen: undefined,
        });
      }
    } catch (error) {
      this.disposeCurvature();
      throw error;
    }
  }

  /** The options this optimizer was made with. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), decay: this.decay, inverseEvery: this.inverseEvery };
  }

  /**
   * The current moving-average factors of each factored layer, by layer name (undefined before
   * the first step). Each is a `KroneckerFactoredFisher`, owned by the optimizer: read it,
   * do not dispose it.
   */
  factors(): Map<string, KroneckerFactoredFisher | undefined> {
    this.assertLive();
    return new Map(this.sites.map((site, i) => [site.name, this.running(i).count > 0 ? this.running(i) : undefined]));
  }

  /**
   * Folds one batch's per-layer pairs (from {@link kfacPairs}) into the moving averages, for a
   * custom loop; every `inverseEvery` calls the inverses are refreshed. Every pair is checked
   * first; on a bad one nothing changes.
   * @throws {RangeError} on a missing layer or a shape that does not match. @throws {NonFiniteError} on a non-finite value.
   */
  updateCurvature(pairs: readonly LayerPairs[]): this {
    this.assertLive();
    if (!Array.isArray(pairs)) throw new TypeError("`pairs` must be an array of LayerPairs, one per factored layer.");
    const ordered = this.sites.map((site) => {
      const pair = pairs.find((p) => p?.layer === site.name);
      if (pair === undefined) throw new RangeError(`\`pairs\` has no entry for the Dense layer "${site.name}".`);
      return pair;
    });
    this.foldIn(ordered);
    return this;
  }

  /**
   * The gradients preconditioned with the current damped inverses (plain for weights without
   * curvature yet), as new tensors the caller disposes; the input is left as it is.
   * @throws {NonFiniteError} on a non-finite gradient.
   */
  precondition(variableGradients: GradientInput): tf.NamedTensorMap {
    this.assertLive();
    const grads = namedMap(variableGradients);
    const steps = this.stepsFor(this.readGradients(grads));
    return this.toTensors(steps, grads);
  }

  /** @internal */
  protected step(grads: tf.NamedTensorMap, pairs: LayerPairs[] | undefined): void {
    const values = this.readGradients(grads);
    if (pairs !== undefined) this.foldIn(pairs);
    this.applySteps(this.stepsFor(values));
  }

  /** @internal */
  protected disposeCurvature(): void {
    for (const layer of this.curvature) {
      layer.running.dispose();
      layer.frozen?.dispose();
    }
  }

  private running(i: number): KroneckerFactoredFisher {
    return (this.curvature[i] as LayerCurvature).running;
  }

  /** Checks every pair, then updates every layer's averages (pairs in the sites' order). */
  private foldIn(pairs: readonly LayerPairs[]): void {
    this.sites.forEach((site, i) => {
      assertPair(pairs[i] as LayerPairs, site.inputDim, site.outputDim);
    });
    const refresh = this.updates % this.inverseEvery === 0;
    this.sites.forEach((_, i) => {
      const pair = pairs[i] as LayerPairs;
      const layer = this.curvature[i] as LayerCurvature;
      // The tensors' Float32Arrays go in as they are: the staging copy widens them exactly.
      layer.running.update(pair.activations, pair.outputGradients, { decay: this.decay });
      if (refresh) {
        const copy = new KroneckerFactoredFisher(layer.running.inputDim, layer.running.outputDim, {
          bias: layer.running.bias,
          runtime: layer.running.runtime,
        }).merge(layer.running);
        layer.frozen?.dispose();
        layer.frozen = copy;
      }
    });
    this.updates++;
  }

  /** The step of every variable: preconditioned for factored layers with curvature, else the gradient. */
  private stepsFor(values: Map<string, Float32Array>): Map<string, Float32Array> {
    const steps = new Map(values);
    this.sites.forEach((site, i) => {
      const frozen = (this.curvature[i] as LayerCurvature).frozen;
      const [kernelName, biasName] = variableNames(site);
      const kernel = values.get(kernelName as string);
      const bias = biasName === undefined ? undefined : values.get(biasName);
      if (frozen === undefined || kernel === undefined || (biasName !== undefined && bias === undefined)) return;
      const V = toKroneckerLayout(kernel, bias, site.inputDim, site.outputDim);
      const solved = frozen.solve(V, { damping: this.settings.damping });
      const back = fromKroneckerLayout(solved, site.bias !== null, site.inputDim, site.outputDim);
      steps.set(kernelName as string, back.kernel);
      if (biasName !== undefined && back.bias !== undefined) steps.set(biasName, back.bias);
    });
    return steps;
  }

  private toTensors(steps: Map<string, Float32Array>, like: tf.NamedTensorMap): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [name, values] of steps) {
      const shape = (like[name] as tf.Tensor).shape;
      out[name] = tf.tensor(values, shape, "float32");
    }
    return out;
  }
}
