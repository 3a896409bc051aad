// The one protocol every curvature form speaks — SymmetricMatrix, the diagonal, the
// Kronecker-factored and the low-rank Fisher, blocks of them, and a user's own object with
// `dim` and `matvec` (a Hessian- or GGN-vector product from another framework) — and the
// checks that let the library call a user's operator safely.
import { CallbackResultError, NonFiniteError } from "../base/errors.js";
import { assertObject, describeValue } from "../base/validate.js";

/**
 * A symmetric curvature matrix C of size dim × dim, known through its products.
 * `matvec(x)` returns C x for one vector (length dim); the library's own forms also take a
 * row-major batch of vectors. `solve(b, { damping })`, where a form has a direct one, returns
 * (C + λI)⁻¹ b; where it does not, conjugateGradient() solves with matvec alone.
 * @category Curvature
 */
export interface CurvatureOperator {
  /** The number of parameters: C is dim × dim. */
  readonly dim: number;
  /** C x for x of length dim: a new array of length dim. */
  matvec(x: Float64Array): Float64Array;
  /** (C + λI)⁻¹ b, when the form has a direct solve. */
  solve?(b: Float64Array, options: { damping: number }): Float64Array;
}

/**
 * Checks that `value` is an operator: an object with a positive integer `dim` and a
 * `matvec` function (and, if present, a `solve` function).
 * @throws {TypeError} naming the argument and what it received.
 */
export function assertOperator(name: string, value: unknown): asserts value is CurvatureOperator {
  assertObject(name, value);
  if (value === undefined) throw new TypeError(`\`${name}\` must be a curvature operator; received undefined.`);
  const { dim, matvec, solve } = value as Partial<CurvatureOperator>;
  if (typeof dim !== "number" || !Number.isInteger(dim) || dim < 1) {
    throw new TypeError(`\`${name}.dim\` must be a positive integer; received ${describeValue(dim)}.`);
  }
  if (typeof matvec !== "function") {
    throw new TypeError(
      `\`${name}.matvec\` must be a function (x) => Float64Array; received ${describeValue(matvec)}.`,
    );
  }
  if (solve !== undefined && typeof solve !== "function") {
    throw new TypeError(`\`${name}.solve\` must be a function when given; received ${describeValue(solve)}.`);
  }
}

/**
 * C x through a (possibly user-written) operator, with its result checked: a Float64Array of
 * length dim, every entry finite. `xName` is how errors name the vector (the caller's argument).
 * @throws {CallbackResultError} on a wrong type or length. @throws {NonFiniteError} on a NaN or ±Infinity.
 */
export function applyOperator(name: string, operator: CurvatureOperator, x: Float64Array, xName = "x"): Float64Array {
  return checkedResult(`${name}.matvec(${xName})`, operator.matvec(x), operator.dim);
}

/**
 * (C + λI)⁻¹ b through an operator's own `solve` (which must exist), with its result checked as
 * applyOperator checks a matvec's.
 * @throws {CallbackResultError} on a wrong type or length. @throws {NonFiniteError} on a NaN or ±Infinity.
 */
export function applySolve(name: string, operator: CurvatureOperator, b: Float64Array, damping: number): Float64Array {
  const solve = operator.solve as NonNullable<CurvatureOperator["solve"]>;
  return checkedResult(`${name}.solve(b)`, solve.call(operator, b, { damping }), operator.dim);
}

/** A callback's result: a Float64Array of length `dim`, every entry finite. */
export function checkedResult(call: string, y: unknown, dim: number): Float64Array {
  if (!(y instanceof Float64Array) || y.length !== dim) {
    throw new CallbackResultError(
      call,
      `\`${call}\` must return a Float64Array of length ${dim}; it returned ${describeValue(y)}${y instanceof Float64Array ? ` of length ${y.length}` : ""}.`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (v - v !== 0) throw NonFiniteError.atIndex(call, i, v);
  }
  return y;
}
