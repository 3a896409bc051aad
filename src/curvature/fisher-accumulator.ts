// A streaming Fisher accumulator. It keeps the row count, the weight sum W, the
// weighted mean score μ and the centered co-moment M = Σ w (s − μ)(s − μ)ᵀ (packed
// 'U', in the backend's memory), and folds in every chunk and every merged
// accumulator with the pairwise update of Chan, Golub and LeVeque:
//   M = M_a + M_b + (W_a W_b / W) δ δᵀ,  μ = μ_a + (W_b / W) δ,  δ = μ_b − μ_a.
// Unlike E[s sᵀ] − μ μᵀ this keeps its digits when the mean is large; the
// uncentered Fisher is then M / W + μ μᵀ.
// The mean is held as a shift K (the first row added) plus an offset o = μ − K, and every
// chunk mean is summed relative to K: at scores of 1e8 + N(0, 1) a mean held in one double
// is off by half an ulp of 1e8, and δ inherits that error, which the between-means term
// multiplies by W_a W_b / W; the small offsets keep δ, and so M, at two-pass accuracy.

import { installDispose } from "../base/disposable.js";
import { EmptyMeanError, NonFiniteError, OverflowError } from "../base/errors.js";
import { firstNonFinite, maxAbs } from "../base/finite-results.js";
import { packedDiagonalIndex, packedLength } from "../base/packed-layout.js";
import {
  accumulatedWeightSum,
  assertDim,
  assertOptions,
  assertPositiveInteger,
  describeValue,
  type FloatRows,
  floatRowsOf,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import { ALL_FINITE } from "../engine/kernels.js";
import { BatchBuffer, commitPending } from "../engine/memory/batch-buffer.js";
import { ResidentBlock } from "../engine/memory/resident-block.js";
import { CHUNK_ROWS, type Runtime, type RuntimeOptions, type Staging } from "../engine/runtime.js";
import { type BadEntry, type Chunk, residentChunks, streamChunks } from "../engine/stream.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { type AccumulatorState, decodeState, encodeState } from "./fisher-accumulator-format.js";

/**
 * Options of FisherAccumulator.add().
 * @category Curvature
 */
export interface AddOptions {
  /** One non-negative finite weight per row (float64 or float32); default 1 for every row. */
  weights?: Float64Array | Float32Array;
}

/** The keys of AddOptions. */
export const ADD_OPTIONS: OptionSpec<AddOptions> = { weights: OPTION.floatRows };

/**
 * A streaming empirical Fisher: add score rows in batches of any size, merge partial
 * accumulators, serialize the state. Keeps count, Σw, the mean score and the centered
 * co-moment in packed storage, in the memory of the runtime it was created in; call
 * dispose() to give that memory back (a finalizer does it for dropped objects).
 * @category Curvature
 */
export class FisherAccumulator {
  /** Length of every score row. */
  readonly dim: number;
  private readonly rt: Runtime;
  private readonly block: ResidentBlock;
  /** A dim-long work vector, not part of the state. */
  private readonly workPtr: number;
  /** The shift K: the state starts here. */
  private readonly shiftPtr: number;
  /** The offset o = μ − K of the weighted mean from the shift. */
  private readonly offsetPtr: number;
  private readonly comomentPtr: number;
  private rows = 0;
  private weight = 0;
  private batch: BatchBuffer | undefined;
  /** Checks a batch's weights against what the accumulator holds; returns their Σ. */
  private readonly checkWeights = (weights: FloatRows, rows: number): number =>
    accumulatedWeightSum("options.weights", weights, rows, this.weight);

  /**
   * An empty accumulator of dimension `dim`, in the memory of `options.runtime` (default: the default runtime).
   * @throws {RangeError} when dim is not a positive integer, or its packed matrix cannot fit in 32-bit WebAssembly memory.
   * @throws {NotInitializedError} without a runtime before init().
   */
  constructor(dim: number, options?: RuntimeOptions) {
    assertDim("dim", dim);
    assertOptions("options", options, RUNTIME_OPTION);
    const rt = runtimeOf(options?.runtime);
    this.dim = dim;
    const vectorBytes = (dim + (dim % 2)) * 8; // keeps every vector and the co-moment 16-byte aligned
    this.block = new ResidentBlock(rt, this, "FisherAccumulator", (3 * vectorBytes) / 8 + packedLength(dim));
    this.rt = this.block.rt;
    this.workPtr = this.block.ptr;
    this.shiftPtr = this.workPtr + vectorBytes;
    this.offsetPtr = this.shiftPtr + vectorBytes;
    this.comomentPtr = this.offsetPtr + vectorBytes;
  }

  /** Rows added so far (including rows of weight 0). */
  get count(): number {
    return this.rows;
  }

  /** Σ w over the rows added so far (the row count when unweighted). */
  get totalWeight(): number {
    return this.weight;
  }

  /** The backend whose memory holds this accumulator. */
  get backend(): Runtime["name"] {
    return this.rt.name;
  }

  /** The runtime whose memory holds this accumulator; the matrices it returns compute there too. */
  get runtime(): Runtime {
    return this.rt;
  }

  /**
   * Adds a row-major batch of scores (rows × dim, any number of rows), streamed in
   * chunks. Float32 scores are widened exactly while they are staged and summed in float64:
   * the state is bit for bit that of the same values given as float64. If any score is NaN
   * or ±Infinity, throws NonFiniteError naming its row and column and leaves the
   * accumulator exactly as it was.
   * @throws {TypeError} when scores or weights are not Float64Arrays or Float32Arrays.
   * @throws {RangeError} on a length that is not a multiple of dim, or bad weights.
   * @throws {NonFiniteError} on a non-finite score.
   * @throws {WorkerFailedError} when a worker thread died during the call (the accumulator is as it was).
   */
  add(scores: Float64Array | Float32Array, options?: AddOptions): this {
    this.assertLive();
    assertOptions("options", options, ADD_OPTIONS);
    const rows = floatRowsOf("scores", scores, this.dim);
    const weights = options?.weights;
    const total = weights === undefined ? rows : this.checkWeights(weights, rows);
    if (rows === 0) return this;
    const { rt, dim } = this;
    const batch = { rows, total, largest: () => maxAbs(scores) };
    this.absorb("scores", batch, (fold) => streamChunks(rt, scores, dim, weights, fold));
    return this;
  }

  /**
   * A view of `rows` × dim float64 values IN the runtime's WebAssembly memory, for a producer to
   * write a batch of scores into (row-major) and then hand over with {@link commit}: the batch is
   * copied once, by its producer, and commit() folds it where it lies (no staging copy; the same
   * chunks and kernels as add(), so the same state bit for bit).
   *
   * The view's lifetime: it is valid until the next commit() (which consumes it), the next
   * batchBuffer() (which replaces it) or dispose(). Any allocation in the same runtime in
   * between (a new accumulator, a result, a first call at a new dim) may grow the memory, which
   * detaches the view: writes through it are then lost, and commit() notices and throws
   * {@link BatchBufferError} ("memory-grew") rather than read what was not written. So fill it
   * and commit it with no other call into the same runtime in between. The accumulator keeps the
   * buffer's memory (rows × (dim + 1) values, the largest asked for) until dispose(), so a loop
   * of batchBuffer()/commit() allocates once.
   * @throws {RangeError} when rows is not a positive integer, or the buffer does not fit in memory.
   * @throws {DisposedError} after dispose().
   */
  batchBuffer(rows: number): Float64Array {
    this.assertLive();
    assertPositiveInteger("rows", rows);
    this.batch ??= new BatchBuffer(this.rt, this, this.dim, 0);
    return this.batch.request(rows);
  }

  /**
   * Adds the batch written into the view from {@link batchBuffer}: its first `rows` rows (default
   * all of them), with `options.weights` (one per committed row) if given, folded in place. The
   * view is consumed: the next batch needs a new batchBuffer(). If a committed score is NaN or
   * ±Infinity, throws NonFiniteError (argument "batchBuffer", its row and column) and leaves the
   * accumulator exactly as it was; the view then stays pending, to be corrected and committed.
   * @throws {BatchBufferError} without a pending view, or when the memory grew since it was handed out (nothing added).
   * @throws {RangeError} when rows is not an integer from 0 to the rows handed out, or on bad weights.
   * @throws {NonFiniteError} on a non-finite committed score.
   */
  commit(rows?: number, options?: AddOptions): this {
    this.assertLive();
    assertOptions("options", options, ADD_OPTIONS);
    const { rt, dim } = this;
    commitPending(this.batch, rows, options?.weights, this.checkWeights, ({ rows: n, place, weights, total }) => {
      const largest = () => maxAbs(rt.f64().subarray(place.scores / 8, place.scores / 8 + n * dim));
      this.absorb("batchBuffer", { rows: n, total, largest }, (fold) =>
        residentChunks(rt, place.scores, n, dim, weights, fold),
      );
    });
    return this;
  }

  /**
   * Folds another accumulator of the same dim into this one (as if its rows had
   * been added here). The other accumulator is unchanged; it may live in another
   * backend, and may be this one.
   * @throws {TypeError} when other is not a FisherAccumulator. @throws {RangeError} on different dims.
   */
  merge(other: FisherAccumulator): this {
    this.assertLive();
    if (!(other instanceof FisherAccumulator)) {
      throw new TypeError(`\`other\` must be a FisherAccumulator; received ${describeValue(other)}.`);
    }
    other.assertLive();
    if (other.dim !== this.dim) {
      throw new RangeError(`\`other\` must have dim ${this.dim} to merge; received dim ${other.dim}.`);
    }
    if (this.weight + other.weight > Number.MAX_VALUE) {
      throw new OverflowError(
        "other",
        `Σ w of the merge would be ${this.weight} + ${other.weight}, past the largest double.`,
      );
    }
    if (other.weight > 0) {
      const { rt, dim } = this;
      const k = rt.kernels;
      const n = this.stateLength();
      const temp = rt.alloc(n);
      // Kept outside the runtime's memory, whose plan holds one temporary state during a merge.
      const snapshot = rt.read(this.shiftPtr, n);
      const before = this.weight;
      try {
        if (other.rt === rt) k.copy(temp, other.shiftPtr, n);
        else rt.write(temp, other.rt.read(other.shiftPtr, n));
        const otherShift = temp;
        const otherOffset = temp + (this.offsetPtr - this.shiftPtr);
        const otherComoment = temp + (this.comomentPtr - this.shiftPtr);
        if (this.weight === 0) k.copy(this.shiftPtr, otherShift, dim);
        else {
          // The other mean relative to this shift: (K_b − K_a) + o_b, where K_b − K_a of two
          // nearby shifts is exact, so δ keeps its digits.
          k.axpy(otherShift, this.shiftPtr, dim, -1);
          k.axpy(otherOffset, otherShift, dim, 1);
        }
        k.axpy(this.comomentPtr, otherComoment, packedLength(dim), 1);
        this.combineMean(otherOffset, other.weight);
        if (this.stateOverflowed()) {
          rt.write(this.shiftPtr, snapshot);
          this.weight = before;
          throw new OverflowError("other", "the merged co-moment Σ w (s − s̄)(s − s̄)ᵀ would exceed the largest double.");
        }
      } finally {
        rt.free(temp);
      }
    }
    this.rows += other.rows;
    return this;
  }

  /** The weighted mean score Σ w s / Σ w (a mean). @throws {EmptyAccumulatorError} when Σ w = 0. */
  meanScore(): Float64Array {
    this.assertNonEmpty("the mean score");
    const mean = this.rt.read(this.shiftPtr, this.dim);
    const offset = this.rt.read(this.offsetPtr, this.dim);
    for (let j = 0; j < this.dim; j++) mean[j] = (mean[j] as number) + (offset[j] as number);
    if (firstNonFinite(mean) >= 0) throw new OverflowError("accumulator", "its mean score exceeds the largest double.");
    return mean;
  }

  /**
   * The empirical Fisher, a MEAN: (1/Σw) Σ w s sᵀ, uncentered.
   * @throws {EmptyAccumulatorError} when Σ w = 0.
   */
  fisher(): SymmetricMatrix {
    this.assertNonEmpty("the Fisher information (a mean)");
    return this.derive((k, c, p) => {
      k.scale(c, p, 1 / this.weight);
      k.packedRank1(c, this.dim, 1, this.meanInWork());
    });
  }

  /** The uncentered SUM Σ w s sᵀ (zero when nothing was added). */
  sum(): SymmetricMatrix {
    this.assertLive();
    return this.derive((k, c) => {
      if (this.weight > 0) k.packedRank1(c, this.dim, this.weight, this.meanInWork());
    });
  }

  /**
   * The centered score covariance, a MEAN: (1/Σw) Σ w (s − s̄)(s − s̄)ᵀ (divides by
   * Σw, not Σw − 1). @throws {EmptyAccumulatorError} when Σ w = 0.
   */
  covariance(): SymmetricMatrix {
    this.assertNonEmpty("the covariance (a mean)");
    return this.derive((k, c, p) => k.scale(c, p, 1 / this.weight));
  }

  /** The centered co-moment, a SUM: Σ w (s − s̄)(s − s̄)ᵀ (zero when nothing was added). */
  comoment(): SymmetricMatrix {
    this.assertLive();
    return this.derive(() => {});
  }

  /** The state as bytes (magic, format version, dim, state, CRC-32); deserialize() restores it bit for bit. */
  serialize(): Uint8Array {
    this.assertLive();
    return encodeState(this.state());
  }

  /**
   * Restores an accumulator from serialize() output, in `options.runtime` (default: the default runtime).
   * @throws {SerializationError} on truncated, corrupted or foreign bytes.
   */
  static deserialize(bytes: Uint8Array, options?: RuntimeOptions): FisherAccumulator {
    assertOptions("options", options, RUNTIME_OPTION);
    const state = decodeState(bytes);
    const acc = new FisherAccumulator(state.dim, options);
    acc.rt.write(acc.shiftPtr, state.shift);
    acc.rt.write(acc.offsetPtr, state.offset);
    acc.rt.write(acc.comomentPtr, state.comoment);
    acc.rows = state.count;
    acc.weight = state.totalWeight;
    return acc;
  }

  /**
   * The same as dispose(), for `using` (explicit resource management): `using acc = new …`
   * frees the memory when the block ends, even when it throws. Present where the engine has
   * Symbol.dispose (Node 20 and later, current browsers); elsewhere call dispose().
   */
  declare [Symbol.dispose]: () => void;

  static {
    installDispose(FisherAccumulator);
  }

  /** Returns the memory to the backend. Further use throws DisposedError; disposing twice is harmless. */
  dispose(): void {
    this.batch?.dispose();
    this.block.dispose();
  }

  /**
   * Folds a batch chunk by chunk (`chunks` runs the fold over each and reports the first
   * non-finite score); all or nothing: if a chunk is bad, the state goes back to what it was and
   * NonFiniteError names `argument`, the row and the column; if the sums overflowed, it goes back
   * too and OverflowError names `argument`.
   */
  private absorb(
    argument: string,
    batch: { rows: number; total: number; largest: () => number },
    chunks: (fold: (chunk: Chunk, staging: Staging) => number) => BadEntry | undefined,
  ): void {
    const { rt } = this;
    const stateLength = this.stateLength();
    // A batch can fail after changing the state: a later chunk with a bad score (several
    // chunks), a worker that dies halfway through its columns (WorkerFailedError), or sums that
    // overflow, found only once they are made: keep a copy then. A copy costs O(dim²); a batch of
    // few rows is first scanned, O(rows·dim), and copied only when its sums could overflow.
    const needsCopy = batch.rows > CHUNK_ROWS || rt.threads > 1 || this.couldOverflow(batch);
    const snapshot = needsCopy ? rt.alloc(stateLength) : 0;
    const before = { rows: this.rows, weight: this.weight };
    const restore = (): void => {
      if (snapshot) rt.kernels.copy(this.shiftPtr, snapshot, stateLength);
      this.rows = before.rows;
      this.weight = before.weight;
    };
    try {
      if (snapshot) rt.kernels.copy(snapshot, this.shiftPtr, stateLength);
      let bad: BadEntry | undefined;
      try {
        bad = chunks((chunk, staging) => this.fold(chunk, staging));
      } catch (error) {
        restore();
        throw error;
      }
      if (bad) {
        restore();
        throw new NonFiniteError(argument, bad.row, bad.column, bad.value);
      }
      if (this.stateOverflowed()) {
        restore();
        throw new OverflowError(
          argument,
          "the accumulator's co-moment Σ w (s − s̄)(s − s̄)ᵀ (a sum) would exceed the largest double; nothing was added. Scale the scores (or the weights) down by a power of two: a mean scales back exactly.",
        );
      }
    } finally {
      if (snapshot) rt.free(snapshot);
    }
  }

  /**
   * Whether adding a batch whose scores are at most `largest()` in magnitude could take the
   * co-moment's diagonal within a factor 4 of the largest double. With the mean |μ| <= m, each new
   * diagonal entry is at most the old one plus W_b (2s)² (the batch about its own mean) plus
   * W_b (s + m)² (the between-means term), s = max |score|.
   */
  private couldOverflow(batch: { total: number; largest: () => number }): boolean {
    const memory = this.rt.f64();
    const shift = this.shiftPtr / 8;
    const offset = this.offsetPtr / 8;
    const comoment = this.comomentPtr / 8;
    let diagonal = 0;
    let mean = 0;
    for (let j = 0; j < this.dim; j++) {
      diagonal = Math.max(diagonal, memory[comoment + packedDiagonalIndex(j)] as number);
      mean = Math.max(mean, Math.abs((memory[shift + j] as number) + (memory[offset + j] as number)));
    }
    const s = batch.largest();
    const bound = diagonal + batch.total * (4 * s * s + (s + mean) * (s + mean));
    return !(bound < Number.MAX_VALUE / 4);
  }

  /** Folds one chunk; returns a kernel status (the state is untouched unless it is ALL_FINITE). */
  private fold(chunk: Chunk, staging: Staging): number {
    const k = this.rt.kernels;
    const { rows, weights, weightSum: chunkWeight } = chunk;
    const d = this.dim;
    if (chunkWeight === 0) {
      const status = k.findNonFinite(chunk.scores, rows * d);
      if (status === ALL_FINITE) this.rows += rows;
      return status;
    }
    // The first rows set the shift: the chunk's first row, near its data. It waits in the
    // work vector until the chunk is known to be finite, so a refused chunk leaves no trace.
    const first = this.weight === 0;
    const shift = first ? this.workPtr : this.shiftPtr;
    if (first) k.copy(shift, chunk.scores, d);
    const status = k.weightedColumnMean(chunk.scores, rows, d, weights, chunkWeight, shift, staging.mean);
    if (status !== ALL_FINITE) return status;
    if (first) k.copy(this.shiftPtr, shift, d);
    // One row is its own mean: its centered co-moment is exactly zero. The others are centered
    // on K + o_chunk, whose rounding adds only W ε² (ε ≤ half an ulp of K) to the co-moment.
    if (rows > 1) {
      k.copy(this.workPtr, this.shiftPtr, d);
      k.axpy(this.workPtr, staging.mean, d, 1);
      k.syrk(this.comomentPtr, chunk.scores, rows, d, weights, this.workPtr, staging.scratch);
    }
    this.combineMean(staging.mean, chunkWeight);
    this.rows += rows;
    return ALL_FINITE;
  }

  /**
   * Completes the Chan update for a part whose mean, relative to this shift, is at `offsetB`
   * and whose weight is wB, with its centered co-moment already added: adds the between-means
   * term and moves the mean. Overwrites offsetB with δ.
   */
  private combineMean(offsetB: number, wB: number): void {
    const k = this.rt.kernels;
    const wA = this.weight;
    const w = wA + wB;
    if (wA === 0) {
      k.copy(this.offsetPtr, offsetB, this.dim);
    } else {
      k.axpy(offsetB, this.offsetPtr, this.dim, -1);
      k.packedRank1(this.comomentPtr, this.dim, (wA * wB) / w, offsetB);
      k.axpy(this.offsetPtr, offsetB, this.dim, wB / w);
    }
    this.weight = w;
  }

  /**
   * Whether the state holds a non-finite value, in O(dim): the co-moment is positive semidefinite,
   * so |M[i][j]| <= max(M[i][i], M[j][j]) and its diagonal bounds it; only when a diagonal entry
   * comes within a factor 4 of the largest double is every entry read.
   */
  private stateOverflowed(): boolean {
    const memory = this.rt.f64();
    const d = this.dim;
    const offset = this.offsetPtr / 8;
    const comoment = this.comomentPtr / 8;
    let largest = 0;
    for (let j = 0; j < d; j++) {
      const o = memory[offset + j] as number;
      const m = memory[comoment + packedDiagonalIndex(j)] as number;
      if (o - o !== 0 || m - m !== 0) return true;
      if (m > largest) largest = m;
    }
    return largest > Number.MAX_VALUE / 4 && firstNonFinite(this.rt.read(this.shiftPtr, this.stateLength())) >= 0;
  }

  /** Writes the mean K + o into the work vector and returns its address. */
  private meanInWork(): number {
    const k = this.rt.kernels;
    k.copy(this.workPtr, this.shiftPtr, this.dim);
    k.axpy(this.workPtr, this.offsetPtr, this.dim, 1);
    return this.workPtr;
  }

  /** Copies the co-moment, lets `edit` transform the copy in place, and returns it. */
  private derive(edit: (k: Runtime["kernels"], copy: number, length: number) => void): SymmetricMatrix {
    const { rt } = this;
    const p = packedLength(this.dim);
    const temp = rt.alloc(p);
    try {
      rt.kernels.copy(temp, this.comomentPtr, p);
      edit(rt.kernels, temp, p);
      const result = rt.read(temp, p);
      // The state is finite, but the mean μ μᵀ (or W μ μᵀ of a sum) added to it may not be.
      const bad = firstNonFinite(result);
      if (bad >= 0)
        throw new OverflowError("accumulator", `entry ${bad} of the result would exceed the largest double.`);
      return SymmetricMatrix.adopt(result, this.dim, rt);
    } finally {
      rt.free(temp);
    }
  }

  private state(): AccumulatorState {
    return {
      dim: this.dim,
      count: this.rows,
      totalWeight: this.weight,
      shift: this.rt.read(this.shiftPtr, this.dim),
      offset: this.rt.read(this.offsetPtr, this.dim),
      comoment: this.rt.read(this.comomentPtr, packedLength(this.dim)),
    };
  }

  /** Elements from the shift's start to the co-moment's end. */
  private stateLength(): number {
    return (this.comomentPtr - this.shiftPtr) / 8 + packedLength(this.dim);
  }

  private assertLive(): void {
    this.block.assertLive();
  }

  private assertNonEmpty(what: string): void {
    this.assertLive();
    if (!(this.weight > 0)) throw new EmptyMeanError(what);
  }
}
