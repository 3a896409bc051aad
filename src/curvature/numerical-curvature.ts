// Curvature by finite differences, for users who have only a function: the Hessian
// of a log-likelihood from its values, or the symmetrised Jacobian of its gradient.

import { CallbackResultError, NonFiniteError } from "../base/errors.js";
import { packedDiagonalIndex, packedIndex, packedLength, symmetrizeAndPack } from "../base/packed-layout.js";
import {
  assertAllFinite,
  assertFloat64Array,
  assertFunction,
  assertOptions,
  describeValue,
  OPTION,
  type OptionSpec,
} from "../base/validate.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";

/**
 * Options of numericalHessian() and scoreJacobian().
 * @category Curvature
 */
export interface FiniteDifferenceOptions {
  /**
   * Relative step: coordinate i moves by step·max(|θ_i|, 1). Defaults balance truncation
   * against rounding: ε^(1/4) ≈ 1.2e-4 for second differences, ε^(1/3) ≈ 6e-6 for first.
   */
  step?: number;
}

const FINITE_DIFFERENCE_OPTIONS: OptionSpec<FiniteDifferenceOptions> = { step: OPTION.number };

function stepsFor(theta: Float64Array, relative: number): Float64Array {
  if (typeof relative !== "number" || !(relative > 0 && relative < 1)) {
    throw new RangeError(`\`options.step\` must be a number in (0, 1); received ${String(relative)}.`);
  }
  // Round each step to a representable difference so θ + h − θ is exactly h.
  return theta.map((t) => {
    const h = relative * Math.max(Math.abs(t), 1);
    return t + h - t;
  });
}

function assertPoint(theta: unknown): asserts theta is Float64Array {
  assertFloat64Array("theta", theta);
  if (theta.length === 0) throw new RangeError("`theta` must hold at least one parameter; received length 0.");
  assertAllFinite("theta", theta);
}

function valueAt(f: (theta: Float64Array) => number, point: Float64Array): number {
  const v = f(point);
  const at = `θ = [${Array.from(point).join(", ")}]`;
  if (typeof v !== "number") {
    throw new CallbackResultError(
      "logLik",
      `\`logLik\` must return a number; it returned ${describeValue(v)} at ${at}.`,
    );
  }
  if (!Number.isFinite(v)) {
    const error = NonFiniteError.atIndex("logLik", 0, v);
    error.message = `\`logLik\` returned ${v} at ${at}; it must be finite.`;
    throw error;
  }
  return v;
}

/**
 * The Hessian of a scalar function (e.g. a summed log-likelihood) at θ by central second
 * differences: 2d² + 1 evaluations. Relative accuracy about 1e-7 for smooth functions
 * of unit scale (truncation O(h²) against rounding O(ε/h²)).
 * @throws {TypeError} when logLik is not a function or theta not a Float64Array.
 * @throws {RangeError} on a non-finite θ, a bad step, or a non-finite value of logLik (naming the point).
 * @category Curvature
 */
export function numericalHessian(
  logLik: (theta: Float64Array) => number,
  theta: Float64Array,
  options?: FiniteDifferenceOptions,
): SymmetricMatrix {
  assertFunction("logLik", logLik, "(theta) => number");
  assertPoint(theta);
  assertOptions("options", options, FINITE_DIFFERENCE_OPTIONS);
  const d = theta.length;
  const h = stepsFor(theta, options?.step ?? Number.EPSILON ** 0.25);
  const at = (moves: [number, number][]): number => {
    const point = theta.slice();
    for (const [i, sign] of moves) point[i] = (point[i] as number) + sign * (h[i] as number);
    return valueAt(logLik, point);
  };
  const center = at([]);
  const packed = new Float64Array(packedLength(d));
  for (let j = 0; j < d; j++) {
    const hj = h[j] as number;
    packed[packedDiagonalIndex(j)] = (at([[j, 1]]) - 2 * center + at([[j, -1]])) / (hj * hj);
    for (let i = 0; i < j; i++) {
      const hi = h[i] as number;
      const value =
        at([
          [i, 1],
          [j, 1],
        ]) -
        at([
          [i, 1],
          [j, -1],
        ]) -
        at([
          [i, -1],
          [j, 1],
        ]) +
        at([
          [i, -1],
          [j, -1],
        ]);
      packed[packedIndex(i, j)] = value / (4 * hi * hj);
    }
  }
  return SymmetricMatrix.adopt(packed, d, undefined);
}

/**
 * The Jacobian of a gradient function (e.g. the summed score) at θ by central
 * differences, symmetrised as (J + Jᵀ)/2: 2d evaluations. For a score this is the
 * Hessian of the log-likelihood; relative accuracy about 1e-10 for smooth functions.
 * @throws {TypeError} when score is not a function or theta not a Float64Array.
 * @throws {RangeError} on a non-finite θ, a bad step, or a score of the wrong length or with non-finite entries.
 * @category Curvature
 */
export function scoreJacobian(
  score: (theta: Float64Array) => Float64Array,
  theta: Float64Array,
  options?: FiniteDifferenceOptions,
): SymmetricMatrix {
  assertFunction("score", score, "(theta) => Float64Array");
  assertPoint(theta);
  assertOptions("options", options, FINITE_DIFFERENCE_OPTIONS);
  const d = theta.length;
  const h = stepsFor(theta, options?.step ?? Number.EPSILON ** (1 / 3));
  const gradientAt = (j: number, sign: number): Float64Array => {
    const point = theta.slice();
    point[j] = (point[j] as number) + sign * (h[j] as number);
    const g = score(point);
    if (!(g instanceof Float64Array) || g.length !== d) {
      throw new CallbackResultError(
        "score",
        `\`score\` must return a Float64Array of length ${d} at θ = [${Array.from(point).join(", ")}]; it returned ${describeValue(g)}${g instanceof Float64Array ? ` of length ${g.length}` : ""}.`,
      );
    }
    assertAllFinite("score(θ)", g);
    return g;
  };
  const jacobian = new Float64Array(d * d); // row-major: jacobian[i·d + j] = ∂g_i/∂θ_j
  for (let j = 0; j < d; j++) {
    const plus = gradientAt(j, 1);
    const minus = gradientAt(j, -1);
    for (let i = 0; i < d; i++)
      jacobian[i * d + j] = ((plus[i] as number) - (minus[i] as number)) / (2 * (h[j] as number));
  }
  return SymmetricMatrix.adopt(symmetrizeAndPack(jacobian, d), d, undefined);
}
