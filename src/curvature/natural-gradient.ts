// The two places where the Fisher meets optimisation and information geometry, for every
// curvature form: a SymmetricMatrix (Cholesky), a diagonal given as a Float64Array
// (element-wise), any operator with its own solve (Kronecker, Woodbury, blocks), and an
// operator with only a matvec (conjugate gradients).

import { ConvergenceError } from "../base/errors.js";
import { assertFiniteResult, finiteNumber, withArgumentNames } from "../base/finite-results.js";
import { assertAllFinite, assertFloat64Array, assertLength, describeValue } from "../base/validate.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { type ConjugateGradientOptions, cgCore, cgSettingsOf } from "./conjugate-gradient.js";
import { assertDiagonalSolvable, solveDiagonal } from "./diagonal-fisher.js";
import { applyOperator, applySolve, assertOperator, type CurvatureOperator } from "./operator.js";

/**
 * A curvature in any of the library's forms: a {@link SymmetricMatrix}, a diagonal given by its
 * entries as a Float64Array (a diagonal Fisher), or any {@link CurvatureOperator} (a library form
 * or a user's `{ dim, matvec, solve? }`).
 * @category Curvature
 */
export type Curvature = SymmetricMatrix | Float64Array | CurvatureOperator;

/**
 * Options of naturalGradient(): the damping, and for an operator with only `matvec` the
 * conjugate-gradient settings (see {@link ConjugateGradientOptions}; `x0` starts CG there too).
 * @category Curvature
 */
export type NaturalGradientOptions = ConjugateGradientOptions;

/** Checks a curvature argument and returns its dim. */
export function curvatureDim(name: string, F: unknown): number {
  if (F instanceof SymmetricMatrix) return F.dim;
  if (F instanceof Float64Array) {
    if (F.length === 0) throw new RangeError(`\`${name}\` as a diagonal must not be empty; received length 0.`);
    assertAllFinite(name, F);
    return F.length;
  }
  const what = `\`${name}\` must be a SymmetricMatrix, a Float64Array (a diagonal) or a curvature operator { dim, matvec, solve? }`;
  if (typeof F !== "object" || F === null || Array.isArray(F) || ArrayBuffer.isView(F)) {
    throw new TypeError(`${what}; received ${describeValue(F)}.`);
  }
  // A plain object with packed entries, or anything else without a product, is no curvature:
  // say what one is, rather than fail later inside a call it lacks.
  if (typeof (F as { matvec?: unknown }).matvec !== "function") {
    const keys = Object.keys(F).slice(0, 6).join(", ");
    throw new TypeError(
      `${what}; received ${describeValue(F)} without a matvec function (keys: ${keys || "none"}). Wrap packed entries with SymmetricMatrix.fromPacked(packed, dim).`,
    );
  }
  assertOperator(name, F);
  return F.dim;
}

/**
 * The natural gradient x = (F + λI)⁻¹ g, for a curvature F in any form, by the form's own solve:
 * - a {@link SymmetricMatrix}: a Cholesky solve;
 * - a Float64Array, read as the diagonal of F (a diagonal Fisher): x[i] = g[i] / (F[i] + λ);
 * - an operator with `solve` (Kronecker-factored, low-rank Woodbury, block-diagonal, a user's):
 *   its `solve(g, { damping })`, result checked;
 * - an operator with only `matvec`: conjugate gradients (see conjugateGradient(); options
 *   `tolerance`, `maxIterations`, `preconditioner`, `x0` apply), costing one matvec per iteration.
 *
 * F is usually a mean Fisher (as empiricalFisher and diagonalFisher return) and g the matching
 * mean gradient; a summed F pairs with a summed g. One vector g per call.
 * @param F the curvature (see {@link Curvature}).
 * @param g the gradient, length dim.
 * @throws {TypeError} on a wrong kind of F or g. @throws {RangeError} on a bad length or damping.
 * @throws {NonFiniteError} for a NaN or ±Infinity in g, a diagonal, or an operator's result.
 * @throws {CallbackResultError} when an operator's matvec or solve returns a wrong type or length.
 * @throws {NotPositiveDefiniteError} when a SymmetricMatrix F + λI is not positive definite.
 * @throws {RangeError} when a diagonal has F[i] + λ ≤ 0 (a zero entry needs damping), naming i.
 * @throws {ConvergenceError} when conjugate gradients do not converge: never a silent wrong answer.
 * @throws {NonFiniteError} naming `F` when a SymmetricMatrix F holds a NaN or ±Infinity (written into its `packed`).
 * @throws {OverflowError} naming `g` when an entry of x exceeds the largest double (F + λI too near singular for this g).
 * @category Curvature
 */
export function naturalGradient(F: Curvature, g: Float64Array, options?: NaturalGradientOptions): Float64Array {
  const x = withArgumentNames({ matrix: "F", b: "g" }, () => naturalGradientOf(F, g, options));
  assertFiniteResult("g", x, "the natural gradient (F + λI)⁻¹ g exceeds the largest double");
  return x;
}

function naturalGradientOf(F: Curvature, g: Float64Array, options?: NaturalGradientOptions): Float64Array {
  const dim = curvatureDim("F", F);
  assertFloat64Array("g", g);
  assertLength("g", g, dim, "F.dim");
  assertAllFinite("g", g);
  const settings = cgSettingsOf(options, dim);
  if (F instanceof SymmetricMatrix) return F.cholesky({ damping: settings.damping }).solve(g);
  if (F instanceof Float64Array) {
    assertDiagonalSolvable("F", F, settings.damping);
    return solveDiagonal(F, g, settings.damping);
  }
  if (F.solve !== undefined) return applySolve("F", F, g, settings.damping);
  const outcome = cgCore("F", F, g, settings);
  if (!outcome.converged) {
    const why =
      outcome.stop === "curvature"
        ? "it met a direction p with pᵀ(F + λI)p ≤ 0, so F + λI is not positive definite"
        : `it reached maxIterations (${settings.maxIterations})`;
    throw new ConvergenceError(
      `conjugate gradients stopped after ${outcome.iterations} iterations: ${why}`,
      `Conjugate gradients did not solve (F + λI)x = g with λ = ${settings.damping}: after ${outcome.iterations} iterations ${why}, and the residual ‖g − (F + λI)x‖ = ${outcome.residualNorm} is above tolerance · ‖g‖ = ${settings.tolerance * norm(g)}. Pass a larger { maxIterations }, a { preconditioner }, or more { damping }.`,
    );
  }
  return outcome.x;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

/**
 * The local KL divergence ½ δᵀ F δ ≈ KL(p_θ ‖ p_{θ+δ}) for a small step δ, with F
 * the Fisher per sample (a mean); with a summed Fisher it is the KL summed over samples.
 * F in any form (see {@link Curvature}); an operator costs one matvec.
 * @throws {TypeError} / {RangeError} on a bad F or a bad length of delta.
 * @throws {NonFiniteError} for a NaN or ±Infinity in delta or in an operator's result.
 * @throws {CallbackResultError} when an operator's matvec returns a wrong type or length.
 * @throws {NonFiniteError} naming `F` when a SymmetricMatrix F holds a NaN or ±Infinity (written into its `packed`).
 * @throws {OverflowError} naming `delta` when ½ δᵀ F δ exceeds the largest double.
 * @category Curvature
 */
export function klDivergence(F: Curvature, delta: Float64Array): number {
  const dim = curvatureDim("F", F);
  assertFloat64Array("delta", delta);
  assertLength("delta", delta, dim, "F.dim");
  assertAllFinite("delta", delta);
  if (F instanceof SymmetricMatrix)
    return withArgumentNames({ matrix: "F", x: "delta" }, () => 0.5 * F.quadraticForm(delta));
  const y =
    F instanceof Float64Array ? F.map((d, i) => d * (delta[i] as number)) : applyOperator("F", F, delta, "delta");
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += (delta[i] as number) * (y[i] as number);
  return finiteNumber("delta", 0.5 * sum, "½ δᵀ F δ exceeds the largest double");
}
