// The low-rank empirical Fisher F = (1/Σw) Sᵀ W S of N score rows of length d, for N < d
// (a neural network's parameters, a batch of a few hundred samples): it keeps the N × d
// scores in its runtime's memory and never forms the d × d matrix.
//   matvec:  F x = (1/Σw) Sᵀ (W (S x)), two passes over the scores.
//   solve:   Woodbury with U = W^½ S and the N × N Gram M = (1/Σw) U Uᵀ:
//            (F + λI)⁻¹ g = (g − (1/Σw) Uᵀ (M + λI)⁻¹ U g) / λ,
//            which is (g − Uᵀ (λΣw I + U Uᵀ)⁻¹ U g) / λ; the factor of M + λI is cached per λ.
//   spectrum: F and M share their nonzero eigenvalues, so log det(F + λI) =
//            (d − N) log λ + log det(M + λI).
// The Gram S Sᵀ comes from the SYRK kernel run over the columns of S: blocks of them are
// transposed into rows of N values, each a rank-k update of the packed N × N matrix.

import { installDispose } from "../base/disposable.js";
import { EmptyMeanError, NonFiniteError } from "../base/errors.js";
import { MAX_DIM, packedDiagonalIndex, packedLength } from "../base/packed-layout.js";
import {
  assertAllFinite,
  assertAllFiniteRows,
  assertOptions,
  assertPositiveInteger,
  dampingOf,
  type FloatRows,
  floatRowsOf,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
  vectorCount,
  weightSum,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import { ALL_FINITE } from "../engine/kernels.js";
import { ResidentBlock } from "../engine/memory/resident-block.js";
import { CHUNK_ROWS, type Runtime, type RuntimeOptions } from "../engine/runtime.js";
import { factorCholesky } from "../linalg/cholesky.js";
import { symmetricEigenvalues } from "../linalg/eigen.js";
import { type DampingOptions, SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import type { CurvatureOperator } from "./operator.js";

/**
 * Options of LowRankFisher.fromScores().
 * @category Curvature
 */
export interface LowRankFisherOptions extends RuntimeOptions {
  /** One non-negative finite weight per row (float64 or float32); default 1 for every row. */
  weights?: Float64Array | Float32Array;
}

const LOW_RANK_FISHER_OPTIONS: OptionSpec<LowRankFisherOptions> = { ...RUNTIME_OPTION, weights: OPTION.floatRows };

// Columns of S transposed and folded into the Gram per SYRK call: as many as the rows the
// other callers stage, which the kernel's panels are sized for.
const GRAM_COLUMNS = CHUNK_ROWS;

/** A cached Cholesky factor UᵀU of M + λI (Woodbury) or of the dense F (λ = 0, N ≥ d). */
interface Factor {
  readonly damping: number;
  /** Packed upper factor U. */
  readonly packed: Float64Array;
  /** Its order: N for the Gram, d for the dense Fisher. */
  readonly order: number;
}

const CREATE = Symbol("create");

/**
 * The empirical Fisher of N score rows, a MEAN, F = (1/Σw) Sᵀ W S = (1/Σw) Σ w_i s_i s_iᵀ
 * (observed labels' scores; uncentered), held as its N × d scores and never formed as a
 * d × d matrix: the form for d too large for a dense Fisher and N well below d. It is a
 * {@link CurvatureOperator}.
 *
 * Memory: N·d values in the memory of its runtime (call `dispose()` when done; a finalizer
 * reclaims dropped ones), plus the N × N Gram and its factor once a solve or a spectrum asks
 * for them. Time: `matvec` O(N·d) (two passes over the scores); the first `solve`,
 * `eigenvalues` or `logDeterminant` O(N²·d) for the Gram (a SYRK), then O(N³) per new
 * damping for its Cholesky factor or spectrum, and O(N·d) per solve after that;
 * `diagonal`/`trace` O(N·d); `toSymmetric` O(N·d²).
 * @category Curvature
 */
export class LowRankFisher implements CurvatureOperator {
  /** The number of parameters d: F is d × d. */
  readonly dim: number;
  /** The number of score rows N, an upper bound of F's rank (rows of weight 0 included). */
  readonly rank: number;
  private readonly rt: Runtime;
  private readonly block: ResidentBlock;
  private readonly scoresPtr: number;
  /** Byte offset of the N weights (1 when unweighted), beside the scores. */
  private readonly weightsPtr: number;
  /** w_i (1 when unweighted). */
  private readonly rowWeights: Float64Array;
  /** √w_i, for the Gram and the solve. */
  private readonly rootWeights: Float64Array;
  private readonly weight: number;
  /** Packed (1/Σw) W^½ S Sᵀ W^½, once asked for. */
  private gram: Float64Array | undefined;
  private gramFactor: Factor | undefined;
  private denseFactor: Factor | undefined;
  private diagonalCache: Float64Array | undefined;

  /** @internal Use LowRankFisher.fromScores(). */
  private constructor(
    token: typeof CREATE,
    rt: Runtime,
    scores: FloatRows,
    rows: number,
    dim: number,
    weights: FloatRows | undefined,
    total: number,
  ) {
    if (token !== CREATE) throw new TypeError("Use LowRankFisher.fromScores().");
    this.dim = dim;
    this.rank = rows;
    this.weight = total;
    // Scores first (16-byte aligned), then the weights.
    this.block = new ResidentBlock(rt, this, "LowRankFisher", rows * dim + rows);
    this.rt = this.block.rt;
    this.scoresPtr = this.block.ptr;
    this.weightsPtr = this.block.ptr + rows * dim * 8;
    this.rowWeights = weights === undefined ? new Float64Array(rows).fill(1) : Float64Array.from(weights);
    this.rootWeights = this.rowWeights.map(Math.sqrt);
    // A float32 batch is widened exactly by this copy.
    this.rt.f64().set(scores, this.scoresPtr / 8);
    this.rt.write(this.weightsPtr, this.rowWeights);
  }

  /**
   * Holds the row-major N × dim `scores` (one row per sample; a Float64Array, or a Float32Array
   * widened exactly to float64 as it is copied in, so it gives the same results as the same
   * values in float64) in the memory of
   * `options.runtime` (default: the default runtime), as the empirical Fisher
   * F = (1/Σw) Σ w_i s_i s_iᵀ, a MEAN (the same matrix as `empiricalFisher(scores, dim, { weights })`).
   * `dim` may exceed MAX_DIM: only the N·dim scores must fit in the runtime's 32-bit memory.
   * @throws {TypeError} when scores or weights are not Float64Arrays or Float32Arrays, or options is not an object.
   * @throws {RangeError} on a bad dim, a length that is not a multiple of dim, bad weights,
   *   a bad runtime, or scores that do not fit in WebAssembly memory.
   * @throws {EmptyMeanError} when the rows hold no weight (no rows, or all weights 0).
   * @throws {NonFiniteError} naming the row and column of a NaN or ±Infinity score.
   */
  static fromScores(scores: Float64Array | Float32Array, dim: number, options?: LowRankFisherOptions): LowRankFisher {
    assertPositiveInteger("dim", dim);
    assertOptions("options", options, LOW_RANK_FISHER_OPTIONS);
    const rows = floatRowsOf("scores", scores, dim);
    const weights = options?.weights;
    const total = weights === undefined ? rows : weightSum("options.weights", weights, rows);
    if (!(total > 0)) throw new EmptyMeanError("a mean of `scores`", `${rows} rows of total weight ${total}`);
    const rt = runtimeOf(options?.runtime);
    const fisher = new LowRankFisher(CREATE, rt, scores, rows, dim, weights, total);
    const bad = fisher.rt.kernels.findNonFinite(fisher.scoresPtr, rows * dim);
    if (bad !== ALL_FINITE) {
      fisher.dispose();
      throw new NonFiniteError("scores", Math.floor(bad / dim), bad % dim, scores[bad] as number);
    }
    return fisher;
  }

  /** The runtime whose memory holds the scores; everything this object computes runs there. */
  get runtime(): Runtime {
    return this.rt;
  }

  /** Σ w over the rows (N when unweighted): the divisor of the mean. */
  get totalWeight(): number {
    return this.weight;
  }

  /**
   * F x = (1/Σw) Sᵀ W (S x), F the MEAN empirical Fisher, for one vector x (length dim) or each row of a row-major batch
   * (length k·dim); returns the same shape. Two passes over the scores, no d × d matrix.
   * @throws {TypeError} when x is not a Float64Array. @throws {RangeError} on a wrong length.
   * @throws {NonFiniteError} on a NaN or ±Infinity in x.
   */
  matvec(x: Float64Array): Float64Array {
    this.block.assertLive();
    const count = this.vectors("x", x);
    const { rt, dim: d, rank: n } = this;
    const k = rt.kernels;
    const scale = new Float64Array(n);
    for (let i = 0; i < n; i++) scale[i] = (this.rowWeights[i] as number) / this.weight;
    return rt.scoped([d, n, d], (xp, tp, yp) => {
      const out = new Float64Array(x.length);
      for (let r = 0; r < count; r++) {
        rt.write(xp, x.subarray(r * d, (r + 1) * d));
        k.rowDots(tp, this.scoresPtr, n, d, xp);
        const m = rt.f64();
        for (let i = 0; i < n; i++) m[tp / 8 + i] = (m[tp / 8 + i] as number) * (scale[i] as number);
        m.fill(0, yp / 8, yp / 8 + d);
        k.addWeightedRows(yp, this.scoresPtr, n, d, tp);
        out.set(rt.f64().subarray(yp / 8, yp / 8 + d), r * d);
      }
      return out;
    });
  }

  /**
   * (F + λI)⁻¹ b for one vector b (length dim) or each row of a row-major batch, by the
   * Woodbury identity through the N × N Gram: (b − Sᵀ W^½ (λΣw I + W^½ S Sᵀ W^½)⁻¹ W^½ S b) / λ.
   * The Gram is formed on first use (O(N²·d)) and its Cholesky factor cached for the last λ,
   * so repeated solves at one damping cost two passes over the scores each. λ must be
   * positive when N < d (F is singular); with N ≥ d, λ = 0 solves with the Cholesky factor of
   * the dense F (dim ≤ MAX_DIM), also cached.
   * @throws {TypeError} / {RangeError} on a wrong kind or length of b, or a bad damping.
   * @throws {RangeError} naming `options.damping` when it is 0 and N < d, or when the N × N
   *   Gram cannot fit in WebAssembly memory (N > MAX_DIM).
   * @throws {NonFiniteError} on a NaN or ±Infinity in b.
   * @throws {NotPositiveDefiniteError} when F + λI is not numerically positive definite.
   */
  solve(b: Float64Array, options?: DampingOptions): Float64Array {
    this.block.assertLive();
    const count = this.vectors("b", b);
    const damping = this.dampingFor("solve", options);
    if (damping === 0) return this.denseSolve(b, count);
    const factor = this.factorGram(damping);
    const { rt, dim: d, rank: n } = this;
    const k = rt.kernels;
    const root = this.rootWeights;
    return rt.scoped([packedLength(n), d, n], (up, xp, tp) => {
      rt.write(up, factor.packed);
      const out = new Float64Array(b.length);
      for (let r = 0; r < count; r++) {
        rt.write(xp, b.subarray(r * d, (r + 1) * d));
        // t = W^½ S b, then z = (M + λI)⁻¹ t, then x = b − (1/Σw) Sᵀ W^½ z.
        k.rowDots(tp, this.scoresPtr, n, d, xp);
        let m = rt.f64();
        for (let i = 0; i < n; i++) m[tp / 8 + i] = (m[tp / 8 + i] as number) * (root[i] as number);
        k.choleskySolve(up, n, tp, 1);
        m = rt.f64();
        for (let i = 0; i < n; i++) m[tp / 8 + i] = (-(m[tp / 8 + i] as number) * (root[i] as number)) / this.weight;
        k.addWeightedRows(xp, this.scoresPtr, n, d, tp);
        k.scale(xp, d, 1 / damping);
        out.set(rt.f64().subarray(xp / 8, xp / 8 + d), r * d);
      }
      return out;
    });
  }

  /**
   * The N eigenvalues of (1/Σw) W^½ S Sᵀ W^½, ascending: F's spectrum without its d − N
   * zeros (when N ≥ d, N − d of these are zero up to rounding). From the N × N Gram
   * (formed on first use, O(N²·d)) and a dense symmetric eigensolver, O(N³).
   * @throws {RangeError} when the N × N Gram cannot fit in WebAssembly memory (N > MAX_DIM).
   * @throws {ConvergenceError} when the QL iteration does not converge.
   */
  eigenvalues(): Float64Array {
    this.block.assertLive();
    this.assertGramFits("eigenvalues()");
    return symmetricEigenvalues(this.rt, this.gramMatrix(), this.rank);
  }

  /**
   * log det(F + λI) = (d − N) log λ + log det(M + λI) with M the N × N Gram
   * (1/Σw) W^½ S Sᵀ W^½, from its Cholesky factor (cached per λ, as for solve()). λ must be
   * positive when N < d (F is singular); with N ≥ d, λ = 0 gives log det F from the dense F.
   * @throws {RangeError} on a bad damping, on λ = 0 with N < d, or when the Gram cannot fit
   *   in WebAssembly memory (N > MAX_DIM).
   * @throws {NotPositiveDefiniteError} when F + λI is not numerically positive definite.
   */
  logDeterminant(options?: DampingOptions): number {
    this.block.assertLive();
    const damping = this.dampingFor("logDeterminant", options);
    if (damping === 0) return logDeterminantOf(this.factorDense());
    const factor = this.factorGram(damping);
    return (this.dim - this.rank) * Math.log(damping) + logDeterminantOf(factor);
  }

  /** tr F = Σ w_i ‖s_i‖² / Σw, a MEAN of squared score norms. O(N·d) once, then cached. */
  trace(): number {
    this.block.assertLive();
    let sum = 0;
    for (const v of this.diagonalValues()) sum += v;
    return sum;
  }

  /** The diagonal of F, F[j][j] = Σ w_i s_ij² / Σw (a MEAN), length dim. O(N·d) once, then cached. */
  diagonal(): Float64Array {
    this.block.assertLive();
    return this.diagonalValues().slice();
  }

  /**
   * The dense F as a packed SymmetricMatrix in this runtime (the same matrix as
   * empiricalFisher(scores, dim, { weights })): O(N·d²) time and d(d+1)/2 values, for small d only.
   * @throws {RangeError} when dim > MAX_DIM, whose packed matrix cannot fit in WebAssembly memory.
   */
  toSymmetric(): SymmetricMatrix {
    this.block.assertLive();
    if (this.dim > MAX_DIM) {
      throw new RangeError(
        `toSymmetric() needs dim <= MAX_DIM (${MAX_DIM}), whose packed matrix fits in 32-bit WebAssembly memory; this LowRankFisher has dim ${this.dim}.`,
      );
    }
    return SymmetricMatrix.adopt(this.densePacked(), this.dim, this.rt);
  }

  /**
   * The same as dispose(), for `using` (explicit resource management): `using acc = new …`
   * frees the memory when the block ends, even when it throws. Present where the engine has
   * Symbol.dispose (Node 20 and later, current browsers); elsewhere call dispose().
   */
  declare [Symbol.dispose]: () => void;

  static {
    installDispose(LowRankFisher);
  }

  /** Returns the scores' memory to the runtime. Further use throws DisposedError; disposing twice is harmless. */
  dispose(): void {
    this.block.dispose();
  }

  /** Checks one vector of length dim or a batch of them, all finite; returns how many. */
  private vectors(name: string, v: Float64Array): number {
    const count = vectorCount(name, v, this.dim);
    if (count === 1) assertAllFinite(name, v);
    else assertAllFiniteRows(name, v, this.dim);
    return count;
  }

  /** The damping option of solve()/logDeterminant(): >= 0, and > 0 unless N ≥ d. */
  private dampingFor(method: string, options: DampingOptions | undefined): number {
    const damping = dampingOf(options);
    if (damping === 0 && this.rank < this.dim) {
      throw new RangeError(
        `\`options.damping\` must be positive for ${method}() of a LowRankFisher with N = ${this.rank} rows < dim ${this.dim}: F has rank at most ${this.rank} and is singular without damping; received ${damping}.`,
      );
    }
    if (damping > 0) this.assertGramFits(`${method}()`);
    return damping;
  }

  private assertGramFits(what: string): void {
    if (this.rank > MAX_DIM) {
      throw new RangeError(
        `${what} needs the N × N Gram of the scores, which for N = ${this.rank} rows > MAX_DIM (${MAX_DIM}) cannot fit in 32-bit WebAssembly memory; use matvec() (or fewer rows).`,
      );
    }
  }

  /** (F + 0·I)⁻¹ b through the dense factor (only reached with N ≥ d). */
  private denseSolve(b: Float64Array, count: number): Float64Array {
    const factor = this.factorDense();
    const { rt, dim: d } = this;
    return rt.scoped([packedLength(d), b.length], (up, xp) => {
      rt.write(up, factor.packed);
      rt.write(xp, b);
      rt.kernels.choleskySolve(up, d, xp, count);
      return rt.read(xp, b.length);
    });
  }

  private factorGram(damping: number): Factor {
    if (this.gramFactor?.damping !== damping) {
      const { packed } = factorCholesky(this.rt, this.gramMatrix(), this.rank, damping);
      this.gramFactor = { damping, packed, order: this.rank };
    }
    return this.gramFactor;
  }

  private factorDense(): Factor {
    if (this.denseFactor === undefined) {
      const { packed } = factorCholesky(this.rt, this.densePacked(), this.dim, 0);
      this.denseFactor = { damping: 0, packed, order: this.dim };
    }
    return this.denseFactor;
  }

  /** Packed M = (1/Σw) W^½ S Sᵀ W^½: S Sᵀ by SYRK over transposed column blocks of S, then scaled. */
  private gramMatrix(): Float64Array {
    if (this.gram === undefined) {
      const { rt, dim: d, rank: n } = this;
      const k = rt.kernels;
      const blockColumns = Math.min(GRAM_COLUMNS, d);
      const p = packedLength(n);
      const scratch = Math.ceil(k.syrkScratchBytes(blockColumns, n) / 8);
      const gram = rt.scoped([p, blockColumns * n, scratch], (c, staged, work) => {
        for (let j0 = 0; j0 < d; j0 += blockColumns) {
          const cols = Math.min(blockColumns, d - j0);
          k.transposeBlock(staged, this.scoresPtr + j0 * 8, n, d, cols);
          k.syrk(c, staged, cols, n, 0, 0, work);
        }
        return rt.read(c, p);
      });
      const root = this.rootWeights;
      for (let j = 0; j < n; j++) {
        const col = (j * (j + 1)) / 2;
        const s = (root[j] as number) / this.weight;
        for (let i = 0; i <= j; i++) gram[col + i] = (gram[col + i] as number) * (root[i] as number) * s;
      }
      this.gram = gram;
    }
    return this.gram;
  }

  /** Packed dense F = (1/Σw) Σ w_i s_i s_iᵀ, by SYRK over the held rows in chunks. */
  private densePacked(): Float64Array {
    const { rt, dim: d, rank: n } = this;
    const k = rt.kernels;
    const p = packedLength(d);
    const chunk = Math.min(CHUNK_ROWS, n);
    return rt.scoped([p, Math.ceil(k.syrkScratchBytes(chunk, d) / 8)], (c, work) => {
      for (let r0 = 0; r0 < n; r0 += chunk) {
        const rows = Math.min(chunk, n - r0);
        k.syrk(c, this.scoresPtr + r0 * d * 8, rows, d, this.weightsPtr + r0 * 8, 0, work);
      }
      k.scale(c, p, 1 / this.weight);
      return rt.read(c, p);
    });
  }

  /** F's diagonal, computed once: Σ w_i s_ij² / Σw. */
  private diagonalValues(): Float64Array {
    if (this.diagonalCache === undefined) {
      const { dim: d, rank: n } = this;
      const m = this.rt.f64();
      const out = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const w = this.rowWeights[i] as number;
        if (w === 0) continue;
        const row = this.scoresPtr / 8 + i * d;
        for (let j = 0; j < d; j++) {
          const s = m[row + j] as number;
          out[j] = (out[j] as number) + w * s * s;
        }
      }
      for (let j = 0; j < d; j++) out[j] = (out[j] as number) / this.weight;
      this.diagonalCache = out;
    }
    return this.diagonalCache;
  }
}

/** log det of UᵀU = 2 Σ log U[j][j]. */
function logDeterminantOf(factor: Factor): number {
  let sum = 0;
  for (let j = 0; j < factor.order; j++) sum += Math.log(factor.packed[packedDiagonalIndex(j)] as number);
  return 2 * sum;
}
