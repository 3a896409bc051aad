// A symmetric matrix in packed 'U' storage (column-major upper, which is the same
// sequence as row-major lower): packed[i + j(j+1)/2] = A[i][j] for i <= j.

import { OverflowError } from "../base/errors.js";
import {
  assertFinitePacked,
  assertFiniteResult,
  finiteNumber,
  firstNonFinite,
  maxAbs,
  timesPowerOfTwo,
} from "../base/finite-results.js";
import {
  findAsymmetry,
  packDense,
  packedColumnStart,
  packedDiagonalIndex,
  packedIndex,
  packedLength,
  unpackToDense,
} from "../base/packed-layout.js";
import {
  assertAllFinite,
  assertDim,
  assertFloat64Array,
  assertIndex,
  assertLength,
  assertOptions,
  assertPlanFits,
  assertSymmetryTolerance,
  assertTolerance,
  dampingOf,
  describeValue,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
  vectorCount,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import type { Runtime, RuntimeOptions } from "../engine/runtime.js";
import { type CholeskyFactor, factorCholesky } from "./cholesky.js";
import { eigenvectorsPlanBytes, MAX_EIGENVECTOR_DIM, symmetricEigen, symmetricEigenvalues } from "./eigen.js";

/**
 * Damping for the Cholesky-based methods.
 * @category Linear algebra
 */
export interface DampingOptions {
  /** λ added to the diagonal first: the result is for A + λI. Finite, >= 0; default 0. */
  damping?: number;
}

/**
 * The `out` option: a caller's array to write the result into (returned), instead of a new one.
 * @category Linear algebra
 */
export interface OutOptions {
  /** Written with the result and returned; its length must be the result's. */
  out?: Float64Array;
}

/**
 * Options of SymmetricMatrix.rank().
 * @category Linear algebra
 */
export interface RankOptions {
  /** Eigenvalues with |λ| <= tolerance count as zero; default dim · ε · max|λ| (as numpy's matrix_rank). */
  tolerance?: number;
}

/**
 * An eigen-decomposition A = V diag(values) Vᵀ.
 * @category Linear algebra
 */
export interface Eigen {
  /** Ascending. */
  values: Float64Array;
  /** Row-major dim×dim, orthonormal; column k is the eigenvector of values[k]. */
  vectors: Float64Array;
}

const FROM_DENSE_OPTIONS: OptionSpec<FromDenseOptions> = { ...RUNTIME_OPTION, symmetryTolerance: OPTION.number };
const OUT_OPTIONS: OptionSpec<OutOptions> = { out: OPTION.float64Array };
const RANK_OPTIONS: OptionSpec<RankOptions> = { tolerance: OPTION.number };

const ADOPT = Symbol("adopt");

/** A runtime given as an option, validated; undefined (bind later) when none was given. */
function boundRuntime(given: unknown): Runtime | undefined {
  return given === undefined ? undefined : runtimeOf(given);
}

/**
 * Options of SymmetricMatrix.fromDense().
 * @category Linear algebra
 */
export interface FromDenseOptions extends RuntimeOptions {
  /**
   * Largest |A[i][j] − A[j][i]| accepted, relative to the largest |entry|: finite, >= 0.
   * Default 1e-12: room for rounding in a matrix meant to be symmetric. The upper triangle is stored.
   */
  symmetryTolerance?: number;
}

/**
 * An immutable symmetric matrix in packed 'U' storage (LAPACK's column-major upper
 * triangle, the same sequence as row-major lower): packed[i + j(j+1)/2] = A[i][j] for
 * i <= j. Methods return new objects; heavy ones run in the kernels of its runtime (see `runtime`).
 * @category Linear algebra
 */
export class SymmetricMatrix {
  /** Packed 'U' entries, length dim(dim+1)/2. Owned by this matrix. */
  readonly packed: Float64Array;
  /** Number of rows (and columns). */
  readonly dim: number;

  /** The runtime it computes in; undefined until it first needs one when made without. */
  private bound: Runtime | undefined;

  /** @internal Use fromPacked() or fromDense(). */
  constructor(token: typeof ADOPT, packed: Float64Array, dim: number, runtime: Runtime | undefined) {
    if (token !== ADOPT) throw new TypeError("Use SymmetricMatrix.fromPacked() or SymmetricMatrix.fromDense().");
    this.packed = packed;
    this.dim = dim;
    this.bound = runtime;
  }

  /** @internal Wraps an array the library just computed in `runtime`, without copying or checking. */
  static adopt(packed: Float64Array, dim: number, runtime: Runtime | undefined): SymmetricMatrix {
    return new SymmetricMatrix(ADOPT, packed, dim, runtime);
  }

  /**
   * The runtime whose kernels its heavy methods use: the one it was made in (`options.runtime`
   * of fromPacked()/fromDense(), or the runtime of the computation that returned it); a matrix
   * made without one binds to the default runtime when it first needs one.
   * @throws {NotInitializedError} when it needs the default runtime before init().
   */
  get runtime(): Runtime {
    this.bound ??= runtimeOf(undefined);
    return this.bound;
  }

  /** A matrix of the same runtime (or none yet) holding `packed`. */
  private derived(packed: Float64Array): SymmetricMatrix {
    return new SymmetricMatrix(ADOPT, packed, this.dim, this.bound);
  }

  /**
   * Throws NonFiniteError naming `matrix` when this matrix holds a NaN or ±Infinity: every way
   * of making one refuses them, but `packed` is a plain array that can be written to afterwards.
   */
  private assertFinite(): void {
    assertFinitePacked("matrix", this.packed);
  }

  /**
   * The matrix of a result computed entrywise from this one (and `others`): when an entry is not
   * finite, the input that held one is named (NonFiniteError), else the result overflowed and
   * `argument` is named (OverflowError), so nothing non-finite is returned.
   */
  private finiteResult(
    packed: Float64Array,
    argument: string,
    detail: string,
    others: SymmetricMatrix[] = [],
  ): SymmetricMatrix {
    if (firstNonFinite(packed) >= 0) {
      this.assertFinite();
      for (const other of others) assertFinitePacked("other", other.packed);
      assertFiniteResult(argument, packed, detail);
    }
    return this.derived(packed);
  }

  /**
   * Copies packed 'U' entries (length dim(dim+1)/2).
   * @throws {TypeError} if `ap` is not a Float64Array. @throws {RangeError} on a bad dim, length or a non-finite entry.
   */
  static fromPacked(ap: Float64Array, dim: number, options?: RuntimeOptions): SymmetricMatrix {
    assertFloat64Array("ap", ap);
    assertDim("dim", dim);
    assertLength("ap", ap, packedLength(dim), `dim(dim+1)/2 for dim ${dim}`);
    assertAllFinite("ap", ap);
    assertOptions("options", options, RUNTIME_OPTION);
    return new SymmetricMatrix(ADOPT, ap.slice(), dim, boundRuntime(options?.runtime));
  }

  /**
   * Packs a dense row-major dim×dim symmetric matrix (its upper triangle).
   * @throws {TypeError} if `a` is not a Float64Array.
   * @throws {RangeError} on a bad dim or length, a non-finite entry, or asymmetry beyond the tolerance.
   */
  static fromDense(a: Float64Array, dim: number, options?: FromDenseOptions): SymmetricMatrix {
    assertFloat64Array("a", a);
    assertDim("dim", dim);
    assertLength("a", a, dim * dim, `dim×dim for dim ${dim}`);
    assertAllFinite("a", a);
    assertOptions("options", options, FROM_DENSE_OPTIONS);
    const runtime = boundRuntime(options?.runtime);
    const tolerance = options?.symmetryTolerance === undefined ? 1e-12 : options.symmetryTolerance;
    assertSymmetryTolerance("options.symmetryTolerance", tolerance);
    const asymmetry = findAsymmetry(a, dim, tolerance);
    if (asymmetry !== undefined) {
      const { i, j, upper, lower, scale } = asymmetry;
      throw new RangeError(
        `\`a\` must be symmetric; a[${i}][${j}] = ${upper} but a[${j}][${i}] = ${lower} (tolerance ${tolerance} relative to max |a| = ${scale}).`,
      );
    }
    return new SymmetricMatrix(ADOPT, packDense(a, dim), dim, runtime);
  }

  /** A[i][j] (either triangle). @throws {RangeError} on an index out of range. */
  get(i: number, j: number): number {
    assertIndex("i", i, this.dim);
    assertIndex("j", j, this.dim);
    return this.packed[packedIndex(i, j)] as number;
  }

  /** Dense row-major dim×dim copy. */
  toDense(): Float64Array {
    return unpackToDense(this.packed, this.dim);
  }

  /** The diagonal A[i][i]. */
  diagonal(): Float64Array {
    const out = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = this.packed[packedDiagonalIndex(i)] as number;
    return out;
  }

  /**
   * Σ A[i][i]. @throws {NonFiniteError} when the matrix holds a NaN or ±Infinity.
   * @throws {OverflowError} when the sum exceeds the largest double.
   */
  trace(): number {
    let sum = 0;
    for (let i = 0; i < this.dim; i++) sum += this.packed[packedDiagonalIndex(i)] as number;
    if (sum - sum !== 0) this.assertFinite();
    return finiteNumber("matrix", sum, "its trace exceeds the largest double");
  }

  /**
   * y = A x for one vector x (length dim) or each row of a row-major batch (length
   * k·dim); returns the same shape. Writes into `options.out` when given (it must not
   * overlap `x`) and returns it. A Float64Array as the second argument is the older
   * spelling of `{ out }` and still works.
   * @throws {TypeError} / {RangeError} on a wrong kind or length of `x` or `out`.
   * @throws {NonFiniteError} when `x` or the matrix holds a NaN or ±Infinity.
   * @throws {OverflowError} when an entry of A x exceeds the largest double (`out` is then untouched).
   */
  matvec(x: Float64Array, options?: OutOptions | Float64Array): Float64Array {
    const count = vectorCount("x", x, this.dim);
    assertAllFinite("x", x);
    const named = !(options instanceof Float64Array);
    if (named) assertOptions("options", options, OUT_OPTIONS);
    const out = named ? options?.out : options;
    const outName = named ? "options.out" : "out";
    if (out !== undefined) {
      assertFloat64Array(outName, out);
      assertLength(outName, out, x.length, "the length of x");
      if (
        out.buffer === x.buffer &&
        out.byteOffset < x.byteOffset + x.byteLength &&
        x.byteOffset < out.byteOffset + out.byteLength
      ) {
        throw new RangeError(`\`${outName}\` must not overlap \`x\`.`);
      }
    }
    const rt = this.runtime;
    const d = this.dim;
    // Computed into a fresh array and checked before a caller's `out` sees it.
    const y = rt.scoped([packedLength(d), d, d], (ap, xp, yp) => {
      rt.write(ap, this.packed);
      const result = new Float64Array(x.length);
      for (let r = 0; r < count; r++) {
        rt.write(xp, x.subarray(r * d, (r + 1) * d));
        rt.kernels.packedMatvec(ap, d, xp, yp);
        result.set(rt.f64().subarray(yp / 8, yp / 8 + d), r * d);
      }
      return result;
    });
    if (firstNonFinite(y) >= 0) {
      this.assertFinite();
      assertFiniteResult("x", y, "A x exceeds the largest double");
    }
    if (out === undefined) return y;
    out.set(y);
    return out;
  }

  /**
   * xᵀ A x. @throws {TypeError} / {RangeError} on a wrong kind or length of `x`.
   * @throws {NonFiniteError} when `x` or the matrix holds a NaN or ±Infinity.
   * @throws {OverflowError} when the form (or a partial sum of it) exceeds the largest double.
   */
  quadraticForm(x: Float64Array): number {
    assertFloat64Array("x", x);
    assertLength("x", x, this.dim, "dim");
    assertAllFinite("x", x);
    const ap = this.packed;
    let sum = 0;
    for (let j = 0; j < this.dim; j++) {
      const col = packedColumnStart(j);
      const xj = x[j] as number;
      let off = 0;
      for (let i = 0; i < j; i++) off += (ap[col + i] as number) * (x[i] as number);
      sum += xj * (2 * off + (ap[col + j] as number) * xj);
    }
    if (sum - sum !== 0) this.assertFinite();
    return finiteNumber("x", sum, "xᵀ A x exceeds the largest double");
  }

  /**
   * A + B for another matrix of the same dim. @throws {RangeError} on different dims.
   * @throws {NonFiniteError} when either holds a NaN or ±Infinity. @throws {OverflowError} when an entry of the sum exceeds the largest double.
   */
  add(other: SymmetricMatrix): SymmetricMatrix {
    if (!(other instanceof SymmetricMatrix))
      throw new TypeError(`\`other\` must be a SymmetricMatrix; received ${describeValue(other)}.`);
    if (other.dim !== this.dim) {
      throw new RangeError(`\`other\` must have dim ${this.dim}; received dim ${other.dim}.`);
    }
    const sum = this.packed.map((v, k) => v + (other.packed[k] as number));
    return this.finiteResult(sum, "other", "an entry of A + other exceeds the largest double", [other]);
  }

  /**
   * αA (a new matrix; this one is unchanged). @throws {RangeError} when alpha is not a finite number.
   * @throws {OverflowError} naming `alpha` when an entry of αA would exceed the largest double.
   * @throws {NonFiniteError} when the matrix holds a NaN or ±Infinity.
   */
  scale(alpha: number): SymmetricMatrix {
    if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
      throw new RangeError(`\`alpha\` must be a finite number; received ${String(alpha)}.`);
    }
    const scaled = this.packed.map((v) => alpha * v);
    return this.finiteResult(
      scaled,
      "alpha",
      `${alpha} times the largest entry (${maxAbs(this.packed)}) exceeds the largest double`,
    );
  }

  /**
   * A + λI. @throws {RangeError} when lambda is not a finite number.
   * @throws {OverflowError} naming `lambda` when a diagonal entry of A + λI would exceed the largest double.
   */
  addDiagonal(lambda: number): SymmetricMatrix {
    if (typeof lambda !== "number" || !Number.isFinite(lambda)) {
      throw new RangeError(`\`lambda\` must be a finite number; received ${String(lambda)}.`);
    }
    const packed = this.packed.slice();
    for (let i = 0; i < this.dim; i++)
      packed[packedDiagonalIndex(i)] = (packed[packedDiagonalIndex(i)] as number) + lambda;
    return this.finiteResult(packed, "lambda", `a diagonal entry plus ${lambda} exceeds the largest double`);
  }

  /**
   * ‖A‖_F = sqrt(Σ_ij A[i][j]²) over the full matrix (off-diagonal entries count twice). Entries
   * whose squares would overflow are scaled by a power of two first (exact), so any norm that fits
   * in a double is returned. @throws {NonFiniteError} when the matrix holds a NaN or ±Infinity.
   * @throws {OverflowError} when the norm itself exceeds the largest double.
   */
  frobeniusNorm(): number {
    const norm = this.frobeniusNormScaled(0);
    if (norm - norm === 0) return norm;
    this.assertFinite();
    // The squares overflowed: the same sum at 2^-e times the entries, then times 2^e.
    const e = Math.ceil(Math.log2(maxAbs(this.packed)));
    return finiteNumber(
      "matrix",
      timesPowerOfTwo(this.frobeniusNormScaled(e), e),
      "its Frobenius norm exceeds the largest double",
    );
  }

  /** ‖2^-e A‖_F. */
  private frobeniusNormScaled(e: number): number {
    const factor = e === 0 ? 1 : timesPowerOfTwo(1, -e);
    let diagonal = 0;
    let offDiagonal = 0;
    for (let j = 0; j < this.dim; j++) {
      const col = packedColumnStart(j);
      for (let i = 0; i < j; i++) offDiagonal += ((this.packed[col + i] as number) * factor) ** 2;
      diagonal += ((this.packed[col + j] as number) * factor) ** 2;
    }
    return Math.sqrt(diagonal + 2 * offDiagonal);
  }

  /**
   * The Cholesky factor of A + λI (blocked, in its runtime), reusable for many solves.
   * @throws {RangeError} on a bad damping. @throws {NotPositiveDefiniteError} with the failing leading minor.
   * @throws {NonFiniteError} naming `matrix` when it holds a NaN or ±Infinity.
   * @throws {OverflowError} naming `options.damping` when a diagonal entry plus λ exceeds the largest double.
   */
  cholesky(options?: DampingOptions): CholeskyFactor {
    const damping = dampingOf(options);
    this.assertFinite();
    for (let i = 0; i < this.dim && damping > 0; i++) {
      const entry = (this.packed[packedDiagonalIndex(i)] as number) + damping;
      if (entry === Number.POSITIVE_INFINITY) {
        throw new OverflowError("options.damping", `A[${i}][${i}] + ${damping} exceeds the largest double.`);
      }
    }
    return factorCholesky(this.runtime, this.packed, this.dim, damping);
  }

  /**
   * x = (A + λI)⁻¹ b for one vector or a row-major batch (see CholeskyFactor.solve).
   * @throws {RangeError} on a bad damping or b. @throws {NotPositiveDefiniteError}.
   */
  solve(b: Float64Array, options?: DampingOptions): Float64Array {
    vectorCount("b", b, this.dim);
    return this.cholesky(options).solve(b);
  }

  /**
   * (A + λI)⁻¹, packed, from the Cholesky factor. @throws {RangeError} on a bad damping. @throws {NotPositiveDefiniteError}.
   * @throws {NonFiniteError} naming `matrix` when it holds a NaN or ±Infinity.
   * @throws {OverflowError} naming `matrix` when an entry of the inverse exceeds the largest double.
   */
  inverse(options?: DampingOptions): SymmetricMatrix {
    return this.derived(this.cholesky(options).inverse());
  }

  /** log det(A + λI), through the Cholesky factor. @throws {NotPositiveDefiniteError}. */
  logDeterminant(options?: DampingOptions): number {
    return this.cholesky(options).logDeterminant();
  }

  /**
   * The eigenvalues, ascending. @throws {NonFiniteError} naming `matrix` when it holds a NaN or ±Infinity.
   * @throws {OverflowError} when an eigenvalue exceeds the largest double (entries near 1.8e308).
   */
  eigenvalues(): Float64Array {
    this.assertFinite();
    const values = symmetricEigenvalues(this.runtime, this.packed, this.dim);
    assertFiniteResult("matrix", values, "an eigenvalue exceeds the largest double");
    return values;
  }

  /**
   * Eigenvalues (ascending) and orthonormal eigenvectors (columns of a row-major dim×dim array).
   * @throws {RangeError} at once when the dim × dim eigenvectors cannot fit in 32-bit WebAssembly
   *   memory beside the matrix (dim above 9 059); eigenvalues() works up to MAX_DIM.
   * @throws {NonFiniteError} naming `matrix` when it holds a NaN or ±Infinity.
   * @throws {OverflowError} when an eigenvalue exceeds the largest double (entries near 1.8e308).
   */
  eigh(): Eigen {
    assertPlanFits(
      "dim",
      this.dim,
      eigenvectorsPlanBytes(this.dim),
      MAX_EIGENVECTOR_DIM,
      "eigh() (a packed copy and five dim × dim work areas; eigenvalues() needs none)",
    );
    this.assertFinite();
    const eigen = symmetricEigen(this.runtime, this.packed, this.dim);
    assertFiniteResult("matrix", eigen.values, "an eigenvalue exceeds the largest double");
    return eigen;
  }

  /**
   * The 2-norm condition number max|λ| / min|λ|: Infinity when the matrix is singular (a zero
   * eigenvalue) or so near it that the ratio exceeds the largest double — the one non-finite
   * value it returns, and only in that sense. @throws {NonFiniteError} naming `matrix` when it holds a NaN or ±Infinity.
   */
  conditionNumber(): number {
    const values = this.eigenvalues();
    let largest = 0;
    let smallest = Number.POSITIVE_INFINITY;
    for (const v of values) {
      largest = Math.max(largest, Math.abs(v));
      smallest = Math.min(smallest, Math.abs(v));
    }
    return smallest === 0 ? Number.POSITIVE_INFINITY : largest / smallest;
  }

  /**
   * The number of eigenvalues with |λ| above the tolerance. @throws {RangeError} on a bad tolerance (only when one is given).
   * @throws {NonFiniteError} naming `matrix` when it holds a NaN or ±Infinity.
   */
  rank(options?: RankOptions): number {
    assertOptions("options", options, RANK_OPTIONS);
    // The caller's tolerance is checked before anything is computed, and only when given.
    if (options?.tolerance !== undefined) assertTolerance("options.tolerance", options.tolerance);
    const values = this.eigenvalues();
    const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const tolerance = options?.tolerance ?? this.dim * Number.EPSILON * largest;
    return values.reduce((n, v) => n + (Math.abs(v) > tolerance ? 1 : 0), 0);
  }

  /**
   * V diag(max(λ, min)) Vᵀ: the nearest matrix (in the Frobenius norm) whose
   * eigenvalues are all >= min; with min >= 0 a PSD repair of a slightly indefinite
   * Fisher. @throws {RangeError} when min is not a finite number, or the eigenvectors cannot fit (see eigh()).
   * @throws {NonFiniteError} naming `matrix` when it holds a NaN or ±Infinity.
   * @throws {OverflowError} naming `min` when an entry of the result exceeds the largest double.
   */
  clampEigenvalues(min: number): SymmetricMatrix {
    if (typeof min !== "number" || !Number.isFinite(min)) {
      throw new RangeError(`\`min\` must be a finite number; received ${String(min)}.`);
    }
    const { values, vectors } = this.eigh();
    const d = this.dim;
    const packed = new Float64Array(packedLength(d));
    for (let k = 0; k < d; k++) {
      const lambda = Math.max(values[k] as number, min);
      if (lambda === 0) continue;
      for (let j = 0; j < d; j++) {
        const s = lambda * (vectors[j * d + k] as number);
        const col = packedColumnStart(j);
        for (let i = 0; i <= j; i++) packed[col + i] = (packed[col + i] as number) + (vectors[i * d + k] as number) * s;
      }
    }
    return this.finiteResult(packed, "min", "an entry of the clamped matrix exceeds the largest double");
  }
}
