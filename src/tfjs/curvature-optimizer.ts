// What the two optimizers share: the model's Dense layers, the pass that gathers (a, g) pairs
// while model.fit (or a custom loop) computes the loss and its gradients, the checks that refuse
// a step before anything changes, and the plain update θ ← θ − η·step.
import * as tf from "@tensorflow/tfjs-core";
import type { OptionKind } from "../base/validate.js";
import { DisposedError, NonFiniteError } from "../index.js";
import type { Capture } from "./capture.js";
import { type DenseSite, denseSitesOf } from "./dense-sites.js";
import { UnsupportedModelError } from "./errors.js";
import type { ModelLike } from "./layer-internals.js";
import { type LayerPairs, readPairs } from "./layer-pairs.js";
import { type CommonSettings, commonSettings, optionsObject } from "./options.js";
import { lossPass, sampledPairs } from "./passes.js";
import { type PredictiveDistribution, predictiveDistributionOf, uniformSource } from "./predictive-distribution.js";

/**
 * Gradients as tfjs's `Optimizer.applyGradients` takes them: a map from variable name to tensor,
 * or a list of `{ name, tensor }`.
 * @category TensorFlow.js
 */
export type GradientInput = tf.NamedTensorMap | NamedGradient[];

/**
 * One entry of the list form of {@link GradientInput}.
 * @category TensorFlow.js
 */
export interface NamedGradient {
  /** The tfjs Variable's name. */
  name: string;
  /** The gradient, the variable's shape. */
  tensor: tf.Tensor;
}

/** The base of KfacOptimizer and NaturalGradientOptimizer; not exported. */
export abstract class CurvatureOptimizer extends tf.Optimizer {
  /** @internal */
  protected readonly model: ModelLike;
  /** @internal The trainable Dense layers, in the model's order. */
  protected readonly sites: readonly DenseSite[];
  /** @internal */
  protected readonly settings: CommonSettings;
  private readonly distribution: PredictiveDistribution | undefined;
  private readonly next: () => number;
  private disposed = false;

  protected constructor(
    model: unknown,
    options: unknown,
    /** The subclass's options, each with its kind (see assertOptions). */
    spec: Readonly<Record<string, OptionKind>>,
    defaults: { learningRate: number; damping: number },
  ) {
    super();
    const sites = denseSitesOf(model);
    const settings = commonSettings(optionsObject(options, spec), defaults.learningRate, defaults.damping);
    this.model = model as ModelLike;
    this.sites = sites;
    this.settings = settings;
    this.distribution = settings.fisher === "sampled" ? predictiveDistributionOf(this.model) : undefined;
    this.next = uniformSource(settings.seed);
  }

  /** The learning rate η of the update θ ← θ − η·(preconditioned gradient). */
  get learningRate(): number {
    return this.settings.learningRate;
  }

  /** The damping λ of the curvature solves. */
  get damping(): number {
    return this.settings.damping;
  }

  /** Which Fisher the curvature estimates: "sampled" (the true Fisher) or "empirical". */
  get fisher(): "sampled" | "empirical" {
    return this.settings.fisher;
  }

  /** The names of the Dense layers whose gradients are preconditioned, in the model's order. */
  get factoredLayers(): string[] {
    return this.sites.map((s) => s.name);
  }

  /**
   * Runs `f` (the loss, a MEAN over its batch, as model.fit's is), gathers the (a, g) pair of
   * every Dense layer in the same pass (and, for the sampled Fisher, one more forward and
   * backward pass at labels drawn from the model), updates the curvature and applies the
   * preconditioned step to the variables in `varList` (default: all trainable ones). When a
   * gradient or a pair holds a NaN or ±Infinity, throws NonFiniteError and changes neither the
   * curvature nor the weights. model.fit calls this.
   * @throws {NonFiniteError} on a non-finite gradient, activation or output gradient.
   * @throws {UnsupportedModelError} when a Dense layer is used in a way K-FAC cannot factor.
   */
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    this.assertLive();
    const { value, grads, capture } = lossPass(this.model, this.sites, this.settings.fisher, f, varList);
    try {
      this.step(grads, this.pairsAfter(capture));
    } catch (error) {
      value.dispose();
      throw error;
    } finally {
      tf.dispose(grads);
      capture.dispose();
    }
    this.incrementIterations();
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /**
   * Applies gradients computed elsewhere (a custom loop's tf.variableGrads): preconditioned
   * with the curvature gathered so far, plain for weights without curvature yet.
   * @throws {NonFiniteError} on a non-finite gradient; nothing changes then.
   */
  override applyGradients(variableGradients: GradientInput): void {
    this.assertLive();
    this.step(namedMap(variableGradients), undefined);
    this.incrementIterations();
  }

  /** Releases the curvature's WebAssembly memory and the optimizer's tfjs variables. */
  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeCurvature();
    super.dispose();
  }

  /** The options this optimizer was made with. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.settings.learningRate,
      damping: this.settings.damping,
      fisher: this.settings.fisher,
      ...(this.settings.seed === undefined ? {} : { seed: this.settings.seed }),
    };
  }

  /** @internal Validates, updates the curvature from `pairs` (if any), preconditions and applies. */
  protected abstract step(grads: tf.NamedTensorMap, pairs: LayerPairs[] | undefined): void;

  /** @internal Releases the curvature's memory. */
  protected abstract disposeCurvature(): void;

  /** @internal */
  protected assertLive(): void {
    if (this.disposed) throw new DisposedError(this.getClassName());
  }

  /** The pairs of the step whose loss pass left `capture`. */
  private pairsAfter(capture: Capture): LayerPairs[] {
    if (this.distribution === undefined) {
      return readPairs(capture);
    }
    const x = capture.modelInput;
    if (x === undefined) {
      throw new UnsupportedModelError(
        undefined,
        "The loss did not run the model on an input, so there is nothing to sample labels for: pass a loss that calls the model (as model.fit's does).",
      );
    }
    return sampledPairs(this.model, this.sites, x, this.distribution, this.next);
  }

  /**
   * @internal Every gradient's values, checked finite: the map from variable name to a copy of its values.
   * @throws {NonFiniteError} naming the variable, with the flat index of the first bad value.
   */
  protected readGradients(grads: tf.NamedTensorMap): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, tensor] of Object.entries(grads)) {
      const values = tensor.dataSync();
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (v - v !== 0) throw NonFiniteError.atIndex(`gradient of ${name}`, i, v);
      }
      out.set(name, Float32Array.from(values as ArrayLike<number>));
    }
    return out;
  }

  /** @internal θ ← θ − η·step for every (variable name, step) given, in one go after all are computed. */
  protected applySteps(steps: Map<string, Float32Array>): void {
    const variables = tf.engine().registeredVariables;
    const lr = this.settings.learningRate;
    for (const [name, step] of steps) {
      const variable = variables[name];
      if (variable === undefined) continue;
      tf.tidy(() => {
        variable.assign(tf.sub(variable, tf.mul(tf.tensor(step, variable.shape, "float32"), lr)));
      });
    }
  }
}

/** A NamedTensorMap of either form applyGradients accepts. */
export function namedMap(input: GradientInput): tf.NamedTensorMap {
  if (!Array.isArray(input)) return input;
  const map: tf.NamedTensorMap = {};
  for (const { name, tensor } of input) map[name] = tensor;
  return map;
}
