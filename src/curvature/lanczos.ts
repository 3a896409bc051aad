// The largest eigenvalues of any operator by Lanczos with full reorthogonalisation: the
// Krylov basis is kept, every new vector is orthogonalised against all of it (twice), and the
// small tridiagonal matrix is solved with the library's eigen-decomposition.
import { ConvergenceError } from "../base/errors.js";
import { mulberry32 } from "../base/seeded-random.js";
import {
  assertOptions,
  assertPositiveInteger,
  assertTolerance,
  describeValue,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import type { Runtime, RuntimeOptions } from "../engine/runtime.js";
import { symmetricEigen } from "../linalg/eigen.js";
import { applyOperator, assertOperator, type CurvatureOperator } from "./operator.js";

/**
 * Options of topEigenvalues().
 * @category Curvature
 */
export interface TopEigenvaluesOptions extends RuntimeOptions {
  /** Seed of the random start vector (an integer); the same seed gives the same answer. Default 1. */
  seed?: number;
  /**
   * The most Lanczos steps, each one matvec and one stored vector of length dim: a positive
   * integer ≥ k. Default min(dim, 4k + 100).
   */
  maxIterations?: number;
  /**
   * A Ritz pair (θ, y) has converged when ‖C y − θ y‖₂ ≤ tolerance · max |θ|. Finite, > 0;
   * default 1e-10. The eigenvalue's error is at most that residual.
   */
  tolerance?: number;
}

const TOP_EIGENVALUES_OPTIONS: OptionSpec<TopEigenvaluesOptions> = {
  ...RUNTIME_OPTION,
  seed: OPTION.number,
  maxIterations: OPTION.number,
  tolerance: OPTION.number,
};

/**
 * What topEigenvalues() returns.
 * @category Curvature
 */
export interface TopEigen {
  /** The k largest eigenvalues, DESCENDING: values[0] is the largest. */
  values: Float64Array;
  /**
   * Their orthonormal eigenvectors, row-major dim × k: column j (entries j, j + k, j + 2k, …)
   * belongs to values[j], as in SymmetricMatrix.eigh(). Each is defined up to sign.
   */
  vectors: Float64Array;
  /** Lanczos steps taken, which is the number of the operator's matvecs. */
  iterations: number;
}

const DEFAULT_TOLERANCE = 1e-10;
// β below this fraction of ‖T‖ is an invariant subspace: Lanczos restarts from a fresh vector.
const BREAKDOWN = 1e-12;

/** Checked settings of topEigenvalues(). */
interface LanczosSettings {
  k: number;
  seed: number;
  maxIterations: number;
  tolerance: number;
  runtime: Runtime;
}

/**
 * The k largest (algebraic, not in magnitude) eigenvalues of a symmetric operator and their
 * eigenvectors, by Lanczos with full reorthogonalisation from a seeded random start.
 *
 * Cost: one matvec per Lanczos step, and it stops as soon as every one of the k Ritz pairs has a
 * residual ‖C y − θ y‖ ≤ tolerance · max |θ| (checked at every step up to 32, then every
 * ⌈m/8⌉ steps), after at most maxIterations (default min(dim, 4k + 100)) steps m; a spectrum whose
 * top is well separated needs a few tens. Memory O(m · dim) for the basis; besides the matvecs
 * O(m² · dim) for the reorthogonalisation and O(m³) per check for the m × m tridiagonal's
 * eigen-decomposition (in the runtime's kernels). When the Krylov space closes (an invariant
 * subspace: a low-rank C, repeated eigenvalues) it restarts from a new random vector orthogonal to
 * the basis, until a restart adds nothing new to the top k. Limitation of every single-vector
 * Lanczos: an eigenvalue repeated exactly among the top k of a large C can be found fewer times than
 * its multiplicity when the iteration converges before the Krylov space closes.
 *
 * @param operator C, symmetric: any {@link CurvatureOperator}.
 * @param k how many, 1 ≤ k ≤ dim.
 * @throws {TypeError} / {RangeError} on a bad operator, k (k > dim) or option.
 * @throws {NonFiniteError} / {CallbackResultError} when the operator's matvec returns a NaN or ±Infinity, or a wrong type or length.
 * @throws {ConvergenceError} when the k pairs have not converged within maxIterations steps.
 * @category Curvature
 */
export function topEigenvalues(operator: CurvatureOperator, k: number, options?: TopEigenvaluesOptions): TopEigen {
  assertOperator("operator", operator);
  const dim = operator.dim;
  assertPositiveInteger("k", k);
  if (k > dim) throw new RangeError(`\`k\` must be at most operator.dim (${dim}); received ${k}.`);
  assertOptions("options", options, TOP_EIGENVALUES_OPTIONS);
  const seed = options?.seed ?? 1;
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new RangeError(`\`options.seed\` must be an integer; received ${describeValue(seed)}.`);
  }
  const maxIterations = options?.maxIterations ?? Math.min(dim, 4 * k + 100);
  assertPositiveInteger("options.maxIterations", maxIterations);
  if (maxIterations < k) {
    throw new RangeError(`\`options.maxIterations\` must be at least k (${k}); received ${maxIterations}.`);
  }
  const tolerance = options?.tolerance === undefined ? DEFAULT_TOLERANCE : options.tolerance;
  assertTolerance("options.tolerance", tolerance, true);
  const runtime = runtimeOf(options?.runtime);
  return lanczosCore(operator, { k, seed, maxIterations, tolerance, runtime });
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** w −= Σ (qᵢ·w) qᵢ over the basis, twice (classical Gram–Schmidt twice is enough); returns the coefficients. */
function orthogonalize(w: Float64Array, basis: readonly Float64Array[]): Float64Array {
  const coefficients = new Float64Array(basis.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let l = 0; l < basis.length; l++) {
      const q = basis[l] as Float64Array;
      const c = dot(q, w);
      coefficients[l] = (coefficients[l] as number) + c;
      for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) - c * (q[i] as number);
    }
  }
  return coefficients;
}

/** Eigen-decomposition of the m × m tridiagonal (alpha on the diagonal, beta beside it). */
function ritz(rt: Runtime, alpha: number[], beta: number[]): { values: Float64Array; vectors: Float64Array } {
  const m = alpha.length;
  const packed = new Float64Array((m * (m + 1)) / 2);
  for (let j = 0; j < m; j++) {
    const col = (j * (j + 1)) / 2;
    packed[col + j] = alpha[j] as number;
    if (j > 0) packed[col + j - 1] = beta[j - 1] as number;
  }
  return symmetricEigen(rt, packed, m);
}

/** The unchecked core of topEigenvalues(). */
function lanczosCore(operator: CurvatureOperator, s: LanczosSettings): TopEigen {
  const dim = operator.dim;
  const { k } = s;
  const limit = Math.min(dim, s.maxIterations);
  const next = mulberry32(s.seed);
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let scale = 0;

  /** A random unit vector orthogonal to the basis; undefined when the basis spans everything. */
  const freshVector = (): Float64Array | undefined => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const v = new Float64Array(dim);
      for (let i = 0; i < dim; i++) v[i] = 2 * next() - 1;
      const before = Math.sqrt(dot(v, v));
      orthogonalize(v, basis);
      const after = Math.sqrt(dot(v, v));
      if (after > 1e-8 * before) {
        for (let i = 0; i < dim; i++) v[i] = (v[i] as number) / after;
        return v;
      }
    }
    return undefined;
  };

  let q = freshVector() as Float64Array;
  let previousTop: Float64Array | undefined; // the top k at the last closed Krylov space
  let nextCheck = k;
  for (;;) {
    basis.push(q);
    const m = basis.length;
    const w = applyOperator("operator", operator, q.slice()).slice();
    const coefficients = orthogonalize(w, basis);
    const a = coefficients[m - 1] as number;
    alpha.push(a);
    const b = Math.sqrt(dot(w, w));
    scale = Math.max(scale, Math.abs(a) + b + (m > 1 ? (beta[m - 2] as number) : 0));
    const closed = b <= BREAKDOWN * scale;
    const full = m >= dim;
    let candidate: Float64Array | undefined;
    if (!full && closed) candidate = freshVector();
    const done = full || (closed && candidate === undefined);

    if (m >= k && (done || closed || m >= nextCheck || m >= limit)) {
      const t = ritz(s.runtime, alpha, beta);
      nextCheck = m <= 32 ? m + 1 : m + Math.ceil(m / 8);
      const top = t.values.slice(m - k).reverse();
      let largest = 0;
      for (const v of t.values) largest = Math.max(largest, Math.abs(v));
      let converged = done;
      if (closed && !done) {
        // Every Ritz pair is exact here; accept once a restart has added nothing new to the top k.
        const previous = previousTop;
        converged =
          previous !== undefined && top.every((v, j) => Math.abs(v - (previous[j] as number)) <= s.tolerance * largest);
        previousTop = top;
      } else if (!done) {
        converged = true;
        for (let j = m - k; j < m; j++) {
          if (Math.abs(b * (t.vectors[(m - 1) * m + j] as number)) > s.tolerance * largest) converged = false;
        }
      }
      if (converged) return ritzPairs(basis, t, k, m);
      if (m >= limit) {
        throw new ConvergenceError(
          `Lanczos did not converge within ${limit} steps`,
          `topEigenvalues: the top ${k} Ritz pairs did not converge to tolerance ${s.tolerance} within ${limit} Lanczos steps (options.maxIterations); pass a larger { maxIterations } or a larger { tolerance }.`,
        );
      }
    } else if (done) {
      // The whole space is spanned in fewer than k steps: impossible, since k ≤ dim; kept for safety.
      throw new ConvergenceError("Lanczos lost its basis", "topEigenvalues: the Lanczos basis lost orthogonality.");
    } else if (m >= limit) {
      throw new ConvergenceError(
        `Lanczos did not converge within ${limit} steps`,
        `topEigenvalues: ${limit} Lanczos steps (options.maxIterations) cannot give ${k} eigenvalues.`,
      );
    }
    if (closed) {
      beta.push(0);
      q = candidate as Float64Array;
    } else {
      beta.push(b);
      for (let i = 0; i < dim; i++) w[i] = (w[i] as number) / b;
      q = w;
    }
  }
}

/** The top k Ritz values (descending) and vectors Y = Q S (row-major dim × k). */
function ritzPairs(
  basis: readonly Float64Array[],
  t: { values: Float64Array; vectors: Float64Array },
  k: number,
  m: number,
): TopEigen {
  const dim = (basis[0] as Float64Array).length;
  const values = new Float64Array(k);
  const vectors = new Float64Array(dim * k);
  for (let j = 0; j < k; j++) {
    const c = m - 1 - j;
    values[j] = t.values[c] as number;
    for (let l = 0; l < m; l++) {
      const coefficient = t.vectors[l * m + c] as number;
      if (coefficient === 0) continue;
      const q = basis[l] as Float64Array;
      for (let i = 0; i < dim; i++)
        vectors[i * k + j] = (vectors[i * k + j] as number) + coefficient * (q[i] as number);
    }
  }
  return { values, vectors, iterations: m };
}
