// Conjugate gradients for (C + λI) x = b with nothing but C's matvec: the solve of every
// operator that has no direct one (a user's Hessian- or GGN-vector product, a block without a
// factorisation). Plain TypeScript: the cost is the operator's matvecs, the rest is O(dim) a step.
import { CallbackResultError } from "../base/errors.js";
import {
  assertAllFinite,
  assertFloat64Array,
  assertLength,
  assertPositiveInteger,
  assertTolerance,
  dampingOf,
  describeValue,
  OPTION,
  type OptionSpec,
} from "../base/validate.js";
import type { DampingOptions } from "../linalg/symmetric-matrix.js";
import { applyOperator, assertOperator, type CurvatureOperator, checkedResult } from "./operator.js";

/**
 * A preconditioner M ≈ C + λI for conjugateGradient(), given as one of:
 * - a function `(r) => z` returning z = M⁻¹ r (a new Float64Array of length dim; it may not keep `r`);
 * - an operator whose `matvec(r)` applies M⁻¹ (for example the inverse of a cheaper curvature);
 * - a Float64Array `m` of length dim: the diagonal of an approximation of C (a diagonal Fisher or
 *   estimateDiagonal()'s estimate), applied as z[i] = r[i] / (m[i] + λ) (Jacobi), each m[i] + λ > 0.
 *
 * M⁻¹ must be symmetric positive definite.
 * @category Curvature
 */
export type Preconditioner = ((r: Float64Array) => Float64Array) | CurvatureOperator | Float64Array;

/**
 * Options of conjugateGradient() (and of the conjugate gradients naturalGradient() and
 * blockDiagonal() run for an operator that has only `matvec`).
 * @category Curvature
 */
export interface ConjugateGradientOptions extends DampingOptions {
  /** Stop when ‖b − (C + λI)x‖₂ ≤ tolerance · ‖b‖₂. Finite, > 0; default 1e-10. */
  tolerance?: number;
  /** The most iterations (one matvec each). A positive integer; default 10 · dim. */
  maxIterations?: number;
  /** M⁻¹ for preconditioned CG (see {@link Preconditioner}); default none (M = I). */
  preconditioner?: Preconditioner;
  /** The starting guess, length dim, finite; default zeros. */
  x0?: Float64Array;
}

/** The keys of ConjugateGradientOptions (and of naturalGradient()'s options, the same). */
export const CONJUGATE_GRADIENT_OPTIONS: OptionSpec<ConjugateGradientOptions> = {
  damping: OPTION.number,
  tolerance: OPTION.number,
  maxIterations: OPTION.number,
  preconditioner: {
    expected: "a function (r) => M⁻¹r, an operator { dim, matvec } applying M⁻¹, or a Float64Array diagonal",
    // An operator's shape is checked where the preconditioner is built.
    accepts: (v) => typeof v === "function" || (typeof v === "object" && v !== null),
  },
  x0: OPTION.float64Array,
};

/**
 * What conjugateGradient() returns.
 * @category Curvature
 */
export interface ConjugateGradientResult {
  /** The last iterate: the solution when `converged`. A new array of length dim. */
  x: Float64Array;
  /** Iterations (conjugate directions) taken. */
  iterations: number;
  /** ‖b − (C + λI)x‖₂ of the returned x, measured with a true matvec (not the recurrence's estimate). */
  residualNorm: number;
  /** Whether residualNorm ≤ tolerance · ‖b‖₂. */
  converged: boolean;
}

/** Checked CG settings. */
export interface CgSettings {
  damping: number;
  tolerance: number;
  maxIterations: number;
  /** z = M⁻¹ r, checked; undefined for M = I. */
  precondition: ((r: Float64Array) => Float64Array) | undefined;
  x0: Float64Array | undefined;
}

/** The core's answer: the public result plus why it stopped short, when it did. */
export interface CgOutcome extends ConjugateGradientResult {
  /** Why it did not converge: "maxIterations" or "curvature" (a direction p with pᵀ(C + λI)p ≤ 0). */
  stop: "converged" | "maxIterations" | "curvature";
}

const DEFAULT_TOLERANCE = 1e-10;

/**
 * Validates conjugate-gradient options for an operator of size `dim`: damping, tolerance,
 * maxIterations, preconditioner, x0. Names each as `options.<name>`.
 */
export function cgSettingsOf(options: ConjugateGradientOptions | undefined, dim: number): CgSettings {
  const damping = dampingOf(options, CONJUGATE_GRADIENT_OPTIONS);
  const tolerance = options?.tolerance === undefined ? DEFAULT_TOLERANCE : options.tolerance;
  assertTolerance("options.tolerance", tolerance, true);
  const maxIterations = options?.maxIterations ?? 10 * dim;
  assertPositiveInteger("options.maxIterations", maxIterations);
  const x0 = options?.x0;
  if (x0 !== undefined) {
    assertFloat64Array("options.x0", x0);
    assertLength("options.x0", x0, dim, "the operator's dim");
    assertAllFinite("options.x0", x0);
  }
  return {
    damping,
    tolerance,
    maxIterations,
    precondition: preconditionerOf(options?.preconditioner, dim, damping),
    x0,
  };
}

function preconditionerOf(
  value: unknown,
  dim: number,
  damping: number,
): ((r: Float64Array) => Float64Array) | undefined {
  const name = "options.preconditioner";
  if (value === undefined) return undefined;
  if (value instanceof Float64Array) {
    assertLength(name, value, dim, "the operator's dim");
    assertAllFinite(name, value);
    for (let i = 0; i < dim; i++) {
      if (!((value[i] as number) + damping > 0)) {
        throw new RangeError(
          `\`${name}\` as a diagonal needs every entry plus the damping (${damping}) positive; ${name}[${i}] is ${value[i]}.`,
        );
      }
    }
    const shifted = value.map((m) => m + damping);
    return (r) => r.map((v, i) => v / (shifted[i] as number));
  }
  if (typeof value === "function") {
    const apply = value as (r: Float64Array) => Float64Array;
    return (r) => checkedResult(`${name}(r)`, apply(r.slice()), dim);
  }
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    assertOperator(name, value);
    if (value.dim !== dim) {
      throw new RangeError(`\`${name}.dim\` must be ${dim} (the operator's dim); received ${value.dim}.`);
    }
    return (r) => applyOperator(name, value, r.slice());
  }
  throw new TypeError(
    `\`${name}\` must be a function (r) => M⁻¹r, an operator { dim, matvec } applying M⁻¹, or a Float64Array diagonal; received ${describeValue(value)}.`,
  );
}

/**
 * Solves (C + λI) x = b by (preconditioned) conjugate gradients, using only C's matvec.
 * C + λI must be symmetric positive definite (a Fisher, or a Hessian made so by damping);
 * C + λI positive semi-definite works too when b lies in its range.
 *
 * Converged means the TRUE residual ‖b − (C + λI)x‖₂ ≤ tolerance · ‖b‖₂: when the recurrence's
 * residual reaches the tolerance, one matvec measures the true one, and if rounding has made the
 * two drift apart CG restarts from the true residual. It never throws for not converging: it
 * returns `converged: false` with the last iterate, also when it meets a direction p with
 * pᵀ(C + λI)p ≤ 0 (C + λI is not positive definite). One vector b per call.
 *
 * Cost: one matvec of the operator per iteration, plus one to measure the final residual (and
 * one for `x0`); at most `maxIterations` (default 10 · dim) iterations; O(dim) memory and work
 * per iteration besides the matvec, and one preconditioner application per iteration.
 *
 * @param operator C: any {@link CurvatureOperator} (a SymmetricMatrix, a library form, or a
 *   user's `{ dim, matvec }`).
 * @param b the right-hand side, length dim.
 * @throws {TypeError} / {RangeError} on a bad operator, b or option (negative damping, a
 *   tolerance ≤ 0, a maxIterations that is not a positive integer, lengths that do not match dim).
 * @throws {NonFiniteError} for a NaN or ±Infinity in b, x0, or in what the operator or preconditioner returns.
 * @throws {CallbackResultError} when the operator's matvec or the preconditioner returns something
 *   other than a Float64Array of length dim, or when the preconditioner is not positive definite (rᵀM⁻¹r ≤ 0).
 * @category Curvature
 */
export function conjugateGradient(
  operator: CurvatureOperator,
  b: Float64Array,
  options?: ConjugateGradientOptions,
): ConjugateGradientResult {
  assertOperator("operator", operator);
  assertFloat64Array("b", b);
  assertLength("b", b, operator.dim, "operator.dim");
  assertAllFinite("b", b);
  const { x, iterations, residualNorm, converged } = cgCore(
    "operator",
    operator,
    b,
    cgSettingsOf(options, operator.dim),
  );
  return { x, iterations, residualNorm, converged };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * The unchecked core of conjugateGradient(): `b` of length operator.dim, finite; settings checked.
 * The operator's results are checked as they come (applyOperator), naming it `name`.
 */
export function cgCore(name: string, operator: CurvatureOperator, b: Float64Array, s: CgSettings): CgOutcome {
  const n = b.length;
  const { damping, precondition } = s;
  const bNorm = Math.sqrt(dot(b, b));
  // b = 0 has the solution 0 whatever the start (C + λI being positive definite).
  if (bNorm === 0)
    return { x: new Float64Array(n), iterations: 0, residualNorm: 0, converged: true, stop: "converged" };
  const target = s.tolerance * bNorm;
  const x = s.x0 ? s.x0.slice() : new Float64Array(n);
  const r = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  // The operator sees a copy, so a matvec that writes into its argument cannot alter p or x.
  const argument = new Float64Array(n);
  /** q = (C + λI)v. */
  const apply = (v: Float64Array): void => {
    argument.set(v);
    const y = applyOperator(name, operator, argument);
    for (let i = 0; i < n; i++) q[i] = (y[i] as number) + damping * (v[i] as number);
  };
  /** r = b − (C + λI)x, measured with a true matvec; returns ‖r‖². */
  const measure = (): number => {
    apply(x);
    let rr = 0;
    for (let i = 0; i < n; i++) {
      const v = (b[i] as number) - (q[i] as number);
      r[i] = v;
      rr += v * v;
    }
    return rr;
  };
  let rr = s.x0 ? measure() : dot(b, b);
  if (!s.x0) r.set(b);
  let exact = true; // whether r is a measured residual rather than the recurrence's
  if (Math.sqrt(rr) <= target) {
    return { x, iterations: 0, residualNorm: Math.sqrt(rr), converged: true, stop: "converged" };
  }

  /** z = M⁻¹ r (r itself without a preconditioner) and rᵀz. */
  const preconditioned = (): { z: Float64Array; rz: number } => {
    if (!precondition) return { z: r, rz: rr };
    const z = precondition(r);
    const rz = dot(r, z);
    if (!(rz > 0)) {
      throw new CallbackResultError(
        "options.preconditioner(r)",
        `\`options.preconditioner(r)\` must apply a positive definite M⁻¹, but it returned z with rᵀz = ${rz} for r of norm ${Math.sqrt(rr)}.`,
      );
    }
    return { z, rz };
  };
  let { z, rz } = preconditioned();
  p.set(z);
  let iterations = 0;
  let stop: CgOutcome["stop"] = "maxIterations";
  while (iterations < s.maxIterations) {
    apply(p);
    const pq = dot(p, q);
    if (!(pq > 0)) {
      stop = "curvature";
      break;
    }
    const alpha = rz / pq;
    rr = 0;
    for (let i = 0; i < n; i++) {
      x[i] = (x[i] as number) + alpha * (p[i] as number);
      const v = (r[i] as number) - alpha * (q[i] as number);
      r[i] = v;
      rr += v * v;
    }
    iterations++;
    exact = false;
    let restart = false;
    if (Math.sqrt(rr) <= target) {
      rr = measure();
      exact = true;
      if (Math.sqrt(rr) <= target) {
        stop = "converged";
        break;
      }
      restart = true; // the recurrence drifted: continue from the measured residual
    }
    const next = preconditioned();
    const beta = restart ? 0 : next.rz / rz;
    z = next.z;
    rz = next.rz;
    for (let i = 0; i < n; i++) p[i] = (z[i] as number) + beta * (p[i] as number);
  }
  if (!exact) rr = measure();
  const residualNorm = Math.sqrt(rr);
  const converged = residualNorm <= target;
  return { x, iterations, residualNorm, converged, stop: converged ? "converged" : stop };
}
