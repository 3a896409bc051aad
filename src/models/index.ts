// The built-in models: constructors that check their data once and return a Model.

import { NotPositiveDefiniteError } from "../base/errors.js";
import { assertDim, assertOptions, OPTION, type OptionSpec, RUNTIME_OPTION } from "../base/validate.js";
import { scoreMoment } from "../curvature/score-moments.js";
import { runtimeOf } from "../engine/init.js";
import type { Runtime, RuntimeOptions } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { checkDesign, type Design, linearPredictor } from "./design.js";
import { gaussian as gaussianFamily, logistic as logisticFamily, poisson as poissonFamily } from "./families.js";
import { collinearColumn } from "./fit.js";
import { GlmModel } from "./glm-model.js";
import { MultinomialModel } from "./multinomial-model.js";

/**
 * Options of every built-in model: where its matrices are computed.
 * @category Models
 */
export type ModelOptions = RuntimeOptions;

/**
 * Options of models.gaussian().
 * @category Models
 */
export interface GaussianOptions extends ModelOptions {
  /** σ², fixed. Default: the maximum-likelihood estimate RSS/n at the least-squares fit. */
  variance?: number;
}

const GAUSSIAN_OPTIONS: OptionSpec<GaussianOptions> = { ...RUNTIME_OPTION, variance: OPTION.number };

/** The validated `options.runtime`, or undefined: the model then uses the default runtime when it computes. */
function givenRuntime<T extends ModelOptions>(
  options: T | undefined,
  spec: OptionSpec<T> = RUNTIME_OPTION as OptionSpec<T>,
): Runtime | undefined {
  assertOptions("options", options, spec);
  return options?.runtime === undefined ? undefined : runtimeOf(options.runtime);
}

/** RSS/n at the least-squares β̂, from the normal equations. */
function maximumLikelihoodVariance(design: Design, rt: Runtime): number {
  const xtx = SymmetricMatrix.adopt(scoreMoment(rt, design.x, design.p, { divisor: 1, argument: "X" }), design.p, rt);
  const { x, y, n, p } = design;
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) xty[j] = (xty[j] as number) + (x[i * p + j] as number) * (y[i] as number);
  let column = -1;
  let beta: Float64Array | undefined;
  try {
    const factor = xtx.cholesky();
    column = collinearColumn(xtx, factor.packed);
    if (column < 0) beta = factor.solve(xty);
  } catch (error) {
    if (!(error instanceof NotPositiveDefiniteError)) throw error;
    column = error.minor - 1;
  }
  if (beta === undefined) {
    throw new RangeError(
      `\`X\` is rank-deficient (column ${column} is a linear combination of the columns before it), so σ² has no maximum-likelihood estimate; pass options.variance.`,
    );
  }
  const fitted = linearPredictor(design, beta);
  let rss = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    rss += ((y[i] as number) - (fitted[i] as number)) ** 2;
    largest = Math.max(largest, Math.abs(y[i] as number));
  }
  // Residuals of an exact fit are rounding errors, not zeros: an RMS residual within a few
  // rounding units of the largest |y| per column of the fit is an exact fit, whose σ² would
  // be noise of the arithmetic.
  const roundingLevel = 16 * Number.EPSILON * p * largest;
  if (!(Math.sqrt(rss / n) > roundingLevel)) {
    throw new RangeError(
      `\`y\` is fitted exactly by X (residuals at the level of rounding, RMS ${Math.sqrt(rss / n)}), so σ² = RSS/n has no meaningful estimate; pass options.variance.`,
    );
  }
  return rss / n;
}

/**
 * Logistic regression, P(y = 1 | x) = σ(xᵀβ). X row-major n × p, y of 0s and 1s.
 * @throws {TypeError} when X or y is not a Float64Array.
 * @throws {RangeError} on shape mismatches, non-finite values or a y that is not 0 or 1.
 * @throws {NonFiniteError} naming the row and column of a non-finite X entry.
 */
function logistic(X: Float64Array, y: Float64Array, p: number, options?: ModelOptions): GlmModel {
  const design = checkDesign(X, y, p);
  logisticFamily.checkResponse(design.y);
  return new GlmModel(logisticFamily, design, 1, givenRuntime(options));
}

/**
 * Poisson regression with the log link, E[y | x] = exp(xᵀβ). y must be non-negative integers.
 * @throws {TypeError} when X or y is not a Float64Array.
 * @throws {RangeError} on shape mismatches, non-finite values or a negative or fractional count.
 * @throws {NonFiniteError} naming the row and column of a non-finite X entry.
 */
function poisson(X: Float64Array, y: Float64Array, p: number, options?: ModelOptions): GlmModel {
  const design = checkDesign(X, y, p);
  poissonFamily.checkResponse(design.y);
  return new GlmModel(poissonFamily, design, 1, givenRuntime(options));
}

/**
 * The Gaussian linear model y = Xβ + ε, ε ~ N(0, σ²), identity link. The parameters are β
 * alone; σ² is held fixed, by default at its maximum-likelihood estimate RSS/n at the
 * least-squares fit, so fit() returns the least-squares β̂ with covariance σ²(XᵀX)⁻¹.
 * @throws {TypeError} when X or y is not a Float64Array.
 * @throws {RangeError} on shape mismatches, non-finite values, a variance that is not a
 *   positive finite number, or (without options.variance) a rank-deficient X or exact fit.
 * @throws {NonFiniteError} naming the row and column of a non-finite X entry.
 */
function gaussian(X: Float64Array, y: Float64Array, p: number, options?: GaussianOptions): GlmModel {
  const design = checkDesign(X, y, p);
  const runtime = givenRuntime(options, GAUSSIAN_OPTIONS);
  const given = options?.variance;
  if (given !== undefined && !(typeof given === "number" && given > 0 && given < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`\`options.variance\` must be a positive finite number; received ${String(given)}.`);
  }
  const variance = given ?? maximumLikelihoodVariance(design, runtime ?? runtimeOf(undefined));
  return new GlmModel(gaussianFamily, design, variance, runtime);
}

/**
 * Multinomial logit with `classes` classes, class 0 the reference: parameters class-major,
 * θ[c·p + j] = coefficient j of class c + 1 (statsmodels' MNLogit order), (classes − 1)·p in all.
 * y holds the class labels 0..classes−1.
 * @throws {TypeError} when X or y is not a Float64Array.
 * @throws {RangeError} on shape mismatches, non-finite values, classes < 2 or a label out of range.
 * @throws {NonFiniteError} naming the row and column of a non-finite X entry.
 */
function multinomial(
  X: Float64Array,
  y: Float64Array,
  p: number,
  classes: number,
  options?: ModelOptions,
): MultinomialModel {
  const design = checkDesign(X, y, p);
  const runtime = givenRuntime(options);
  assertDim("classes", classes);
  if (classes < 2) throw new RangeError(`\`classes\` must be at least 2; received ${classes}.`);
  for (let i = 0; i < design.n; i++) {
    const label = design.y[i] as number;
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
      throw new RangeError(`\`y\` must hold class labels 0..${classes - 1}; y[${i}] is ${label}.`);
    }
  }
  return new MultinomialModel(design, classes, runtime);
}

/**
 * The built-in models. Each returns a Model over the given data; nothing is copied.
 * @category Models
 */
export const models = {
  /** `logistic(X, y, p, { runtime })`: logistic regression, y in {0, 1}; see GlmModel. */
  logistic,
  /** `poisson(X, y, p, { runtime })`: Poisson regression with the log link, y non-negative integer counts; see GlmModel. */
  poisson,
  /** `gaussian(X, y, p, { variance, runtime })`: the linear model with σ² fixed (default RSS/n at least squares); see GlmModel. */
  gaussian,
  /** `multinomial(X, y, p, classes, { runtime })`: softmax over classes, class 0 the reference, class-major parameters; see MultinomialModel. */
  multinomial,
};
