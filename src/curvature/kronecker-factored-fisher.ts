// The Kronecker-factored (K-FAC) Fisher of one dense layer y = W ã, W of shape
// outputDim × (inputDim + bias): F ≈ G ⊗ A in the row-major vec of W, with A the mean of
// ã ãᵀ over the inputs and G the mean of g gᵀ over the gradients of the loss with respect to
// the outputs. The state is the two packed sums Σ w ã ãᵀ and Σ w g gᵀ and Σ w, in the memory
// of the runtime; the factors are the sums divided by Σ w. Products and solves with the
// operator run as dense matrix products (the gemm kernel) against factor matrices that are
// cached, in the same memory, until the factors change.

import { installDispose } from "../base/disposable.js";
import { EmptyMeanError, NonFiniteError, NotPositiveDefiniteError } from "../base/errors.js";
import { kroneckerPlanBytes, MEMORY_LIMIT_BYTES } from "../base/memory-limits.js";
import { MAX_DIM, packedColumnStart, packedDiagonalIndex, packedLength, unpackToDense } from "../base/packed-layout.js";
import {
  accumulatedWeightSum,
  assertAllFinite,
  assertDim,
  assertOptions,
  dampingOf,
  describeValue,
  type FloatRows,
  floatRowsOf,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
  vectorCount,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import { ALL_FINITE } from "../engine/kernels.js";
import { ResidentBlock } from "../engine/memory/resident-block.js";
import type { Runtime, RuntimeOptions } from "../engine/runtime.js";
import { streamChunks } from "../engine/stream.js";
import { factorCholesky } from "../linalg/cholesky.js";
import { symmetricEigen } from "../linalg/eigen.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { decodeKroneckerState, encodeKroneckerState, type KroneckerState } from "./kronecker-factored-fisher-format.js";
import type { CurvatureOperator } from "./operator.js";

/**
 * Options of the KroneckerFactoredFisher constructor.
 * @category Curvature
 */
export interface KroneckerFactoredFisherOptions extends RuntimeOptions {
  /**
   * Whether the layer has a bias: the activations are then extended to ã = [a, 1], so A is
   * (inputDim + 1) × (inputDim + 1) and the gradient matrix has the bias as its last column.
   * Default true.
   */
  bias?: boolean;
}

/**
 * Options of KroneckerFactoredFisher.add().
 * @category Curvature
 */
export interface KroneckerAddOptions {
  /** One non-negative finite weight per sample (row), float64 or float32; default 1 for every row. */
  weights?: Float64Array | Float32Array | undefined;
}

/**
 * Options of KroneckerFactoredFisher.update(), the exponential moving average.
 * @category Curvature
 */
export interface KroneckerUpdateOptions {
  /** The weight of the factors so far, in [0, 1]: 0 replaces them by the batch's, 1 keeps them. Required. */
  decay: number;
  /** One non-negative finite weight per sample (row), float64 or float32; default 1 for every row. */
  weights?: Float64Array | Float32Array | undefined;
}

/**
 * Options of KroneckerFactoredFisher.solve().
 * @category Curvature
 */
export interface KroneckerSolveOptions {
  /** λ ≥ 0, finite; default 0, which needs both factors to be positive definite. */
  damping?: number;
  /**
   * How λ is applied. "pi" (default): (G + λ_G I)⁻¹ V (A + λ_A I)⁻¹ with λ_A = π√λ,
   * λ_G = √λ/π and π² = (tr A / dim A) / (tr G / dim G) (π = 1 when a trace is 0), the
   * factored damping of K-FAC optimizers. "exact": (G ⊗ A + λI)⁻¹, undivided, through the
   * factors' eigendecompositions.
   */
  split?: "pi" | "exact";
}

const KRONECKER_OPTIONS: OptionSpec<KroneckerFactoredFisherOptions> = { ...RUNTIME_OPTION, bias: OPTION.boolean };
const KRONECKER_ADD_OPTIONS: OptionSpec<KroneckerAddOptions> = { weights: OPTION.floatRows };
const KRONECKER_UPDATE_OPTIONS: OptionSpec<KroneckerUpdateOptions> = {
  decay: OPTION.number,
  weights: OPTION.floatRows,
};
const KRONECKER_SOLVE_OPTIONS: OptionSpec<KroneckerSolveOptions> = {
  damping: OPTION.number,
  split: OPTION.oneOf("pi", "exact"),
};

/**
 * The two Kronecker factors, each a MEAN over the rows added (weighted by their weights).
 * @category Curvature
 */
export interface KroneckerFactors {
  /** (1/Σw) Σ w ã ãᵀ over the activations, ã = [a, 1] with a bias: (inputDim + bias) square. */
  A: SymmetricMatrix;
  /** (1/Σw) Σ w g gᵀ over the output gradients: outputDim square. */
  G: SymmetricMatrix;
}

/**
 * With no damping, a factor (or G ⊗ A) whose smallest pivot (eigenvalue) is at most this many
 * times dim·ε·(the largest) counts as singular: rounding alone makes a few dim·ε.
 */
const SINGULAR_MARGIN = 16;

/** A block of runtime memory holding one derived quantity, valid while its key matches. */
interface Cached {
  readonly block: ResidentBlock;
  key: string;
}

/**
 * The Kronecker-factored (K-FAC) Fisher of one dense layer y = W ã, with W of shape
 * outputDim × (inputDim + bias) and ã = [a, 1] when the layer has a bias (else ã = a).
 *
 * **Layout.** The layer's gradient (and any vector of this operator) is W's shape as a
 * row-major `outputDim × (inputDim + bias)` matrix, the bias as the last column; flattened row
 * by row it is a vector of length `dim` = outputDim·(inputDim + bias). In that row-major vec,
 * the curvature is **G ⊗ A**: (G ⊗ A) vec_r(V) = vec_r(G V A). (Column-major vec, as in the
 * K-FAC paper, gives A ⊗ G for the same matrix.) For one sample the gradient is g ãᵀ, so the
 * approximation is exact for a batch of one.
 *
 * **Reduction.** Pass per-sample activations and per-sample gradients of the per-sample loss
 * ℓᵢ with respect to the layer's outputs (the SUM convention, L = Σᵢ ℓᵢ): the factors are
 * MEANS over samples, A = (1/Σw) Σ w ã ãᵀ and G = (1/Σw) Σ w g gᵀ, and G ⊗ A estimates the
 * per-sample Fisher. Gradients taken from a loss that is a MEAN over a batch of B samples are
 * 1/B times these, so G built from them is 1/B² too small: multiply such gradients by B first.
 * Which Fisher it is depends on g: gradients at observed labels give the empirical Fisher,
 * at labels sampled from the model the true (Monte-Carlo) Fisher.
 *
 * **Cost.** State: the packed factors, O(a² + o²) memory with a = inputDim + bias,
 * o = outputDim; add() is O(B(a² + o²)) time. matvec()/solve() keep dense copies of the
 * factors (or of their damped inverses, or eigenvectors) in the runtime until the factors
 * change, O(a² + o²) more memory; each product then costs 2o²a + 2oa² flops, and building a
 * cache O(a³ + o³).
 *
 * It is a {@link CurvatureOperator}. The state lives in the memory of the runtime it was
 * created in: call dispose() when done (a finalizer reclaims dropped objects, later).
 * @category Curvature
 */
export class KroneckerFactoredFisher implements CurvatureOperator {
  /** Width of an activation row (without the bias entry). */
  readonly inputDim: number;
  /** Width of an output-gradient row. */
  readonly outputDim: number;
  /** Whether A is over ã = [a, 1]. */
  readonly bias: boolean;
  /** The number of parameters, outputDim·(inputDim + bias): the length of a flattened gradient. */
  readonly dim: number;
  private readonly aDim: number;
  private readonly rt: Runtime;
  private readonly block: ResidentBlock;
  private readonly sumAPtr: number;
  private readonly sumGPtr: number;
  private readonly caches = new Map<string, Cached>();
  private rows = 0;
  private weight = 0;
  /** Bumped whenever the factors change: the key of every cache. */
  private version = 0;

  /**
   * An empty K-FAC Fisher for a dense layer with `inputDim` inputs and `outputDim` outputs,
   * in the memory of `options.runtime` (default: the default runtime).
   * @throws {RangeError} when a dim is not a positive integer or its factor cannot fit in 32-bit WebAssembly memory.
   * @throws {TypeError} when options.bias is not a boolean.
   * @throws {NotInitializedError} without a runtime before init().
   */
  constructor(inputDim: number, outputDim: number, options?: KroneckerFactoredFisherOptions) {
    assertDim("inputDim", inputDim);
    assertDim("outputDim", outputDim);
    assertOptions("options", options, KRONECKER_OPTIONS);
    const bias = options?.bias ?? true;
    if (typeof bias !== "boolean") {
      throw new TypeError(`\`options.bias\` must be a boolean; received ${describeValue(bias)}.`);
    }
    if (inputDim + (bias ? 1 : 0) > MAX_DIM) {
      throw new RangeError(
        `\`inputDim\` = ${inputDim} is too large with a bias: A would be ${inputDim + 1} square, and the largest factor that fits in 32-bit WebAssembly memory is ${MAX_DIM}.`,
      );
    }
    const planBytes = kroneckerPlanBytes(inputDim + (bias ? 1 : 0), outputDim);
    if (planBytes > MEMORY_LIMIT_BYTES) {
      throw new RangeError(
        `\`inputDim\` = ${inputDim} and \`outputDim\` = ${outputDim} are too large together: the two factors, their batch sums and the staged rows need ${planBytes} bytes at once and 32-bit WebAssembly memory holds ${MEMORY_LIMIT_BYTES}.`,
      );
    }
    const rt = runtimeOf(options?.runtime);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.bias = bias;
    this.aDim = inputDim + (bias ? 1 : 0);
    this.dim = outputDim * this.aDim;
    const pA = packedLength(this.aDim);
    const offsetG = pA + (pA % 2); // keeps G 16-byte aligned
    this.block = new ResidentBlock(rt, this, "KroneckerFactoredFisher", offsetG + packedLength(outputDim));
    this.rt = this.block.rt;
    this.sumAPtr = this.block.ptr;
    this.sumGPtr = this.block.ptr + offsetG * 8;
  }

  /** Rows (samples) folded in so far, including rows of weight 0. */
  get count(): number {
    return this.rows;
  }

  /** Σ w over the rows folded in so far (the row count when unweighted): the factors' divisor. */
  get totalWeight(): number {
    return this.weight;
  }

  /** The runtime whose memory holds this object; the matrices it returns compute there too. */
  get runtime(): Runtime {
    return this.rt;
  }

  /**
   * Adds a batch of B samples: `activations` is B × inputDim and `outputGradients` B × outputDim,
   * both row-major, row i of each from the same sample. A's sum gains Σ w ã ãᵀ and G's Σ w g gᵀ
   * (both through the SYRK kernel, the bias entries of A from the weighted column sums of the
   * activations); the factors stay MEANS over every row added. Either input may be a
   * Float64Array or a Float32Array (widened exactly while it is staged, summed in float64: the
   * same factors, bit for bit, as the same values in float64). If any value is NaN or ±Infinity,
   * throws NonFiniteError naming the argument, row and column, and nothing changes.
   * @throws {TypeError} when an input or the weights are not Float64Arrays or Float32Arrays.
   * @throws {RangeError} on a length that is not a multiple of its dim, different row counts, or bad weights.
   * @throws {NonFiniteError} on a non-finite activation or gradient.
   */
  add(
    activations: Float64Array | Float32Array,
    outputGradients: Float64Array | Float32Array,
    options?: KroneckerAddOptions,
  ): this {
    this.assertLive();
    assertOptions("options", options, KRONECKER_ADD_OPTIONS);
    const { rows, weights, batchWeight } = this.checkBatch(activations, outputGradients, options?.weights);
    if (rows === 0) return this;
    this.withBatchSums(activations, outputGradients, weights, batchWeight, (tempA, tempG) => {
      const k = this.rt.kernels;
      k.axpy(this.sumAPtr, tempA, packedLength(this.aDim), 1);
      k.axpy(this.sumGPtr, tempG, packedLength(this.outputDim), 1);
    });
    this.rows += rows;
    this.weight += batchWeight;
    this.version++;
    return this;
  }

  /**
   * The exponential moving average of K-FAC optimizers: with M_A, M_G the batch's weighted
   * MEANS (1/Σw_b) Σ w ã ãᵀ and (1/Σw_b) Σ w g gᵀ, the factors become
   * A ← decay·A + (1 − decay)·M_A and G ← decay·G + (1 − decay)·M_G. On an empty object they
   * become the batch means (no bias towards zero to correct). count and totalWeight grow by the
   * batch's rows and weight, so a later add() or merge() weighs the averaged factors as
   * totalWeight rows' worth. Nothing changes when it throws.
   * @throws {RangeError} when decay is not a number in [0, 1], or on the inputs as add().
   * @throws {EmptyMeanError} when the batch holds no weight (it has no mean).
   * @throws {NonFiniteError} on a non-finite activation or gradient.
   */
  update(
    activations: Float64Array | Float32Array,
    outputGradients: Float64Array | Float32Array,
    options: KroneckerUpdateOptions,
  ): this {
    this.assertLive();
    if (options === undefined) {
      throw new TypeError("`options` must be an object with a `decay` in [0, 1]; received undefined.");
    }
    assertOptions("options", options, KRONECKER_UPDATE_OPTIONS);
    const decay = options.decay;
    if (typeof decay !== "number" || !(decay >= 0 && decay <= 1)) {
      throw new RangeError(`\`options.decay\` must be a number in [0, 1]; received ${describeValue(decay)}.`);
    }
    const { rows, weights, batchWeight } = this.checkBatch(activations, outputGradients, options.weights);
    if (!(batchWeight > 0)) throw new EmptyMeanError("the batch mean of update()");
    const before = this.weight;
    const after = before + batchWeight;
    this.withBatchSums(activations, outputGradients, weights, batchWeight, (tempA, tempG) => {
      const k = this.rt.kernels;
      // Sums S = W·F: S' = W'·(decay·S/W + (1 − decay)·batch/W_b).
      const alpha = before > 0 ? (decay * after) / before : 0;
      const beta = before > 0 ? ((1 - decay) * after) / batchWeight : 1;
      for (const [sum, temp, p] of [
        [this.sumAPtr, tempA, packedLength(this.aDim)],
        [this.sumGPtr, tempG, packedLength(this.outputDim)],
      ] as const) {
        k.scale(sum, p, alpha);
        k.axpy(sum, temp, p, beta);
      }
    });
    this.rows += rows;
    this.weight = after;
    this.version++;
    return this;
  }

  /**
   * Folds another K-FAC Fisher of the same layer shape into this one, as if its rows had been
   * added here (the factors become the weighted mean of both). The other is unchanged; it may
   * live in another runtime, and may be this one.
   * @throws {TypeError} when other is not a KroneckerFactoredFisher. @throws {RangeError} on a different shape or bias.
   */
  merge(other: KroneckerFactoredFisher): this {
    this.assertLive();
    if (!(other instanceof KroneckerFactoredFisher)) {
      throw new TypeError(`\`other\` must be a KroneckerFactoredFisher; received ${describeValue(other)}.`);
    }
    other.assertLive();
    if (other.inputDim !== this.inputDim || other.outputDim !== this.outputDim || other.bias !== this.bias) {
      throw new RangeError(
        `\`other\` must have inputDim ${this.inputDim}, outputDim ${this.outputDim} and bias ${this.bias} to merge; received inputDim ${other.inputDim}, outputDim ${other.outputDim} and bias ${other.bias}.`,
      );
    }
    const { rt } = this;
    const n = this.stateLength();
    rt.scoped([n], (temp) => {
      if (other.rt === rt) rt.kernels.copy(temp, other.sumAPtr, n);
      else rt.write(temp, other.rt.read(other.sumAPtr, n));
      rt.kernels.axpy(this.sumAPtr, temp, n, 1);
    });
    this.rows += other.rows;
    this.weight += other.weight;
    this.version++;
    return this;
  }

  /**
   * The factors A and G, each a MEAN (the sums divided by totalWeight), as SymmetricMatrix
   * values of this object's runtime.
   * @throws {EmptyMeanError} when Σ w = 0.
   */
  factors(): KroneckerFactors {
    this.assertNonEmpty("the Kronecker factors (means)");
    return {
      A: SymmetricMatrix.adopt(this.meanPacked(this.sumAPtr, this.aDim), this.aDim, this.rt),
      G: SymmetricMatrix.adopt(this.meanPacked(this.sumGPtr, this.outputDim), this.outputDim, this.rt),
    };
  }

  /**
   * (G ⊗ A) x in the row-major vec, that is G V A for V the outputDim × (inputDim + bias)
   * row-major matrix of x; also for a row-major batch of such matrices (length a multiple of
   * dim). Returns a new array of the same length. Costs 2o²a + 2oa² flops per matrix
   * (a = inputDim + bias, o = outputDim), after a one-time O(a² + o²) copy of the factors.
   * @throws {TypeError} / {RangeError} on a wrong kind or length of V. @throws {NonFiniteError} on a non-finite entry.
   * @throws {EmptyMeanError} when Σ w = 0.
   */
  matvec(V: Float64Array): Float64Array {
    this.assertLive();
    const count = vectorCount("V", V, this.dim);
    assertAllFinite("V", V);
    this.assertNonEmpty("the Kronecker-factored Fisher (a mean)");
    const dense = this.denseFactors();
    const aSq = this.aDim * this.aDim;
    return this.sandwich(V, count, [{ left: dense + aSq * 8 }, { right: dense }]);
  }

  /**
   * Solves with the damped Kronecker factors, for one gradient matrix V (row-major
   * outputDim × (inputDim + bias), flattened) or a row-major batch of them:
   * split "pi" (default) returns (G + λ_G I)⁻¹ V (A + λ_A I)⁻¹ with λ_A = π√λ, λ_G = √λ/π,
   * π² = (tr A / dim A) / (tr G / dim G) (π = 1 when a trace is 0); split "exact" returns
   * (G ⊗ A + λI)⁻¹ vec_r(V) = U_G [(U_Gᵀ V U_A) ./ (λ_G,i λ_A,j + λ)] U_Aᵀ from the
   * eigendecompositions A = U_A Λ_A U_Aᵀ, G = U_G Λ_G U_Gᵀ. The damped inverses (pi) or the
   * eigendecompositions (exact, any λ) are cached until the factors change; a solve with them
   * costs 2o²a + 2oa² flops per matrix (pi) or twice that (exact).
   * @throws {TypeError} / {RangeError} on a wrong kind or length of V, or a bad damping or split.
   * @throws {NonFiniteError} on a non-finite entry of V. @throws {EmptyMeanError} when Σ w = 0.
   * @throws {RangeError} naming the damping when it is 0 and a factor is singular (or too small for the exact split's rounding).
   * @throws {NotPositiveDefiniteError} when a damped factor is still not positive definite.
   */
  solve(V: Float64Array, options?: KroneckerSolveOptions): Float64Array {
    this.assertLive();
    const count = vectorCount("V", V, this.dim);
    assertAllFinite("V", V);
    const damping = dampingOf(options, KRONECKER_SOLVE_OPTIONS);
    const split = options?.split ?? "pi";
    if (split !== "pi" && split !== "exact") {
      throw new RangeError(`\`options.split\` must be "pi" or "exact"; received ${describeValue(split)}.`);
    }
    this.assertNonEmpty("the Kronecker-factored Fisher (a mean)");
    return split === "pi" ? this.solvePi(V, count, damping) : this.solveExact(V, count, damping);
  }

  /** The state as bytes (magic "FWKF", version, shape, state, CRC-32); deserialize() restores it bit for bit. */
  serialize(): Uint8Array {
    this.assertLive();
    return encodeKroneckerState(this.state());
  }

  /**
   * Restores an object from serialize() output, in `options.runtime` (default: the default runtime).
   * @throws {SerializationError} on truncated, corrupted or foreign bytes.
   */
  static deserialize(bytes: Uint8Array, options?: RuntimeOptions): KroneckerFactoredFisher {
    assertOptions("options", options, RUNTIME_OPTION);
    const state = decodeKroneckerState(bytes);
    const kf = new KroneckerFactoredFisher(state.inputDim, state.outputDim, {
      bias: state.bias,
      ...(options?.runtime === undefined ? {} : { runtime: options.runtime }),
    });
    kf.rt.write(kf.sumAPtr, state.sumA);
    kf.rt.write(kf.sumGPtr, state.sumG);
    kf.rows = state.count;
    kf.weight = state.totalWeight;
    return kf;
  }

  /**
   * The same as dispose(), for `using` (explicit resource management): `using acc = new …`
   * frees the memory when the block ends, even when it throws. Present where the engine has
   * Symbol.dispose (Node 20 and later, current browsers); elsewhere call dispose().
   */
  declare [Symbol.dispose]: () => void;

  static {
    installDispose(KroneckerFactoredFisher);
  }

  /** Returns the memory (state and caches) to the runtime. Further use throws DisposedError; disposing twice is harmless. */
  dispose(): void {
    this.block.dispose();
    for (const cached of this.caches.values()) cached.block.dispose();
    this.caches.clear();
  }

  // ---- the unchecked core ----

  /** Checks the batch of add()/update(); returns its row count, weights and weight. */
  private checkBatch(
    activations: unknown,
    outputGradients: unknown,
    weights: unknown,
  ): { rows: number; weights: FloatRows | undefined; batchWeight: number } {
    const rows = floatRowsOf("activations", activations, this.inputDim);
    const gradientRows = floatRowsOf("outputGradients", outputGradients, this.outputDim);
    if (gradientRows !== rows) {
      throw new RangeError(
        `\`activations\` and \`outputGradients\` must hold the same number of rows (samples); received ${rows} rows of ${this.inputDim} and ${gradientRows} rows of ${this.outputDim}.`,
      );
    }
    const batchWeight =
      weights === undefined ? rows : accumulatedWeightSum("options.weights", weights, rows, this.weight);
    return { rows, weights: weights as FloatRows | undefined, batchWeight };
  }

  /**
   * Computes the batch's packed sums Σ w ã ãᵀ and Σ w g gᵀ into temporaries and hands them to
   * `commit`; the state is untouched when a value is non-finite.
   * @throws {NonFiniteError} naming the argument, row and column.
   */
  private withBatchSums(
    activations: FloatRows,
    outputGradients: FloatRows,
    weights: FloatRows | undefined,
    batchWeight: number,
    commit: (tempA: number, tempG: number) => void,
  ): void {
    const { rt, inputDim, outputDim, bias } = this;
    const k = rt.kernels;
    rt.scoped([packedLength(this.aDim), packedLength(outputDim)], (tempA, tempG) => {
      // The bias column of Σ w ã ãᵀ: Σ w a above the diagonal, Σ w on it.
      const biasColumn = tempA + packedColumnStart(inputDim) * 8;
      const badA = streamChunks(rt, activations, inputDim, weights, (chunk, s) => {
        const status = k.syrk(tempA, s.scores, chunk.rows, inputDim, chunk.weights, 0, s.scratch);
        if (status !== ALL_FINITE || !bias || chunk.weightSum === 0) return status;
        k.weightedColumnMean(s.scores, chunk.rows, inputDim, chunk.weights, chunk.weightSum, 0, s.mean);
        k.axpy(biasColumn, s.mean, inputDim, chunk.weightSum);
        return ALL_FINITE;
      });
      if (badA) throw new NonFiniteError("activations", badA.row, badA.column, badA.value);
      const badG = streamChunks(rt, outputGradients, outputDim, weights, (chunk, s) =>
        k.syrk(tempG, s.scores, chunk.rows, outputDim, chunk.weights, 0, s.scratch),
      );
      if (badG) throw new NonFiniteError("outputGradients", badG.row, badG.column, badG.value);
      if (bias) rt.f64()[biasColumn / 8 + inputDim] = batchWeight;
      commit(tempA, tempG);
    });
  }

  /** The packed mean (sum · 1/Σw) of the factor whose sum is at `ptr`. */
  private meanPacked(ptr: number, dim: number): Float64Array {
    const packed = this.rt.read(ptr, packedLength(dim));
    const inverse = 1 / this.weight;
    for (let i = 0; i < packed.length; i++) packed[i] = (packed[i] as number) * inverse;
    return packed;
  }

  /** The cache block `kind` of `length` f64, filled by `fill` unless its key is current. */
  private cached(kind: string, key: string, length: number, fill: (ptr: number) => void): number {
    let cached = this.caches.get(kind);
    if (cached?.key === key) return cached.block.ptr;
    if (!cached) {
      cached = { block: new ResidentBlock(this.rt, this, "KroneckerFactoredFisher", length, false), key: "" };
      this.caches.set(kind, cached);
    }
    cached.key = ""; // invalid until filled, so a throwing fill leaves no stale entry
    fill(cached.block.ptr);
    cached.key = key;
    return cached.block.ptr;
  }

  /** Dense row-major A (a²) followed by dense G (o²), the means. */
  private denseFactors(): number {
    const a = this.aDim;
    const o = this.outputDim;
    return this.cached("dense", `${this.version}`, a * a + o * o, (ptr) => {
      this.rt.write(ptr, unpackToDense(this.meanPacked(this.sumAPtr, a), a));
      this.rt.write(ptr + a * a * 8, unpackToDense(this.meanPacked(this.sumGPtr, o), o));
    });
  }

  /**
   * Runs the product chain over the `count` matrices of V: each step multiplies every matrix
   * from the left by the o×o matrix at `left`, or the stacked matrices from the right by the
   * a×a matrix at `right`, or divides entry t of each by `divideBy[t]`; returns the result.
   */
  private sandwich(
    V: Float64Array,
    count: number,
    steps: readonly ({ left: number } | { right: number } | { divideBy: Float64Array })[],
  ): Float64Array {
    const { rt } = this;
    const k = rt.kernels;
    const a = this.aDim;
    const o = this.outputDim;
    const size = o * a;
    const scratch = Math.max(k.gemmScratchBytes(o, o, a), k.gemmScratchBytes(count * o, a, a));
    return rt.scoped([count * size, count * size, Math.ceil(scratch / 8)], (x, y, work) => {
      rt.write(x, V);
      let from = x;
      let to = y;
      for (const step of steps) {
        if ("left" in step) {
          for (let r = 0; r < count; r++) k.gemm(to + r * size * 8, step.left, from + r * size * 8, o, o, a, 0, work);
        } else if ("right" in step) {
          k.gemm(to, from, step.right, count * o, a, a, 0, work);
        } else {
          const m = rt.f64();
          const base = from / 8;
          const divisors = step.divideBy;
          for (let r = 0; r < count; r++) {
            for (let t = 0; t < size; t++) {
              const at = base + r * size + t;
              m[at] = (m[at] as number) / (divisors[t] as number);
            }
          }
          continue;
        }
        [from, to] = [to, from];
      }
      return rt.read(from, count * size);
    });
  }

  /** (G + λ_G I)⁻¹ V (A + λ_A I)⁻¹ with the π-split. */
  private solvePi(V: Float64Array, count: number, damping: number): Float64Array {
    const a = this.aDim;
    const o = this.outputDim;
    const inverses = this.cached("inverse", `${this.version}:${damping}`, a * a + o * o, (ptr) => {
      const meanA = this.meanPacked(this.sumAPtr, a);
      const meanG = this.meanPacked(this.sumGPtr, o);
      const traceA = packedTrace(meanA, a);
      const traceG = packedTrace(meanG, o);
      const pi = traceA > 0 && traceG > 0 ? Math.sqrt(traceA / a / (traceG / o)) : 1;
      const root = Math.sqrt(damping);
      this.rt.write(ptr, this.dampedInverse(meanA, a, pi * root, "A"));
      this.rt.write(ptr + a * a * 8, this.dampedInverse(meanG, o, root / pi, "G"));
    });
    return this.sandwich(V, count, [{ left: inverses + a * a * 8 }, { right: inverses }]);
  }

  /**
   * Dense (F + λI)⁻¹ of a packed factor. With λ = 0 a factor that is singular to working
   * precision (a Cholesky pivot ≤ 16·dim·ε·max diagonal, or none) is an error naming the damping.
   */
  private dampedInverse(packed: Float64Array, dim: number, lambda: number, name: string): Float64Array {
    const singular = (): RangeError =>
      new RangeError(
        `\`options.damping\` is 0 but the factor ${name} (${dim}×${dim}) is singular to working precision; pass damping > 0.`,
      );
    let factor: ReturnType<typeof factorCholesky>;
    try {
      factor = factorCholesky(this.rt, packed, dim, lambda);
    } catch (error) {
      if (lambda === 0 && error instanceof NotPositiveDefiniteError) throw singular();
      throw error;
    }
    if (lambda === 0) {
      let largest = 0;
      for (let j = 0; j < dim; j++) largest = Math.max(largest, packed[packedDiagonalIndex(j)] as number);
      for (let j = 0; j < dim; j++) {
        const pivot = (factor.packed[packedDiagonalIndex(j)] as number) ** 2;
        if (!(pivot > SINGULAR_MARGIN * dim * Number.EPSILON * largest)) throw singular();
      }
    }
    return unpackToDense(factor.inverse(), dim);
  }

  /** (G ⊗ A + λI)⁻¹ vec_r(V) through the eigendecompositions. */
  private solveExact(V: Float64Array, count: number, damping: number): Float64Array {
    const a = this.aDim;
    const o = this.outputDim;
    let values: { A: Float64Array; G: Float64Array } | undefined;
    const eigen = this.cached("eigen", `${this.version}`, 2 * a * a + 2 * o * o + a + o, (ptr) => {
      const A = symmetricEigen(this.rt, this.meanPacked(this.sumAPtr, a), a);
      const G = symmetricEigen(this.rt, this.meanPacked(this.sumGPtr, o), o);
      this.rt.write(ptr, A.vectors);
      this.rt.write(ptr + a * a * 8, transpose(A.vectors, a));
      this.rt.write(ptr + 2 * a * a * 8, G.vectors);
      this.rt.write(ptr + (2 * a * a + o * o) * 8, transpose(G.vectors, o));
      this.rt.write(ptr + (2 * a * a + 2 * o * o) * 8, A.values);
      this.rt.write(ptr + (2 * a * a + 2 * o * o + a) * 8, G.values);
      values = { A: A.values, G: G.values };
    });
    const uA = eigen;
    const uAt = eigen + a * a * 8;
    const uG = eigen + 2 * a * a * 8;
    const uGt = eigen + (2 * a * a + o * o) * 8;
    values ??= {
      A: this.rt.read(eigen + (2 * a * a + 2 * o * o) * 8, a),
      G: this.rt.read(eigen + (2 * a * a + 2 * o * o + a) * 8, o),
    };
    const divisors = kroneckerDivisors(values.G, values.A, damping);
    return this.sandwich(V, count, [
      { left: uGt },
      { right: uA },
      { divideBy: divisors },
      { left: uG },
      { right: uAt },
    ]);
  }

  private state(): KroneckerState {
    return {
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      bias: this.bias,
      count: this.rows,
      totalWeight: this.weight,
      sumA: this.rt.read(this.sumAPtr, packedLength(this.aDim)),
      sumG: this.rt.read(this.sumGPtr, packedLength(this.outputDim)),
    };
  }

  /** Elements from A's sum to G's sum's end. */
  private stateLength(): number {
    return (this.sumGPtr - this.sumAPtr) / 8 + packedLength(this.outputDim);
  }

  private assertLive(): void {
    this.block.assertLive();
  }

  private assertNonEmpty(what: string): void {
    this.assertLive();
    if (!(this.weight > 0)) throw new EmptyMeanError(what);
  }
}

function packedTrace(packed: Float64Array, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += packed[packedDiagonalIndex(j)] as number;
  return sum;
}

function transpose(m: Float64Array, dim: number): Float64Array {
  const t = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) t[j * dim + i] = m[i * dim + j] as number;
  return t;
}

/**
 * λ_G,i λ_A,j + λ for every (i, j), row-major o × a.
 * @throws {RangeError} naming the damping when one is not positive (λ = 0: not above the rounding of the products).
 */
function kroneckerDivisors(valuesG: Float64Array, valuesA: Float64Array, damping: number): Float64Array {
  const o = valuesG.length;
  const a = valuesA.length;
  let largest = 0;
  for (const g of valuesG)
    for (const v of [g * (valuesA[0] as number), g * (valuesA[a - 1] as number)]) {
      largest = Math.max(largest, Math.abs(v));
    }
  const floor = damping === 0 ? SINGULAR_MARGIN * Math.max(a, o) * Number.EPSILON * largest : 0;
  const out = new Float64Array(o * a);
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < o; i++) {
    for (let j = 0; j < a; j++) {
      const d = (valuesG[i] as number) * (valuesA[j] as number) + damping;
      out[i * a + j] = d;
      smallest = Math.min(smallest, d);
    }
  }
  if (!(smallest > floor)) {
    throw new RangeError(
      damping === 0
        ? `\`options.damping\` is 0 but G ⊗ A is singular to working precision (smallest eigenvalue ${smallest}); pass damping > 0.`
        : `\`options.damping\` = ${damping} is too small: G ⊗ A + λI has the eigenvalue ${smallest}, not positive; pass a larger damping.`,
    );
  }
  return out;
}
