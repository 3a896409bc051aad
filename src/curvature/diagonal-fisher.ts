// The diagonal of the empirical Fisher, diag_j = Σ w s_j² (a sum) or that over Σ w (a mean),
// for models too big for a dense Fisher: O(dim) memory and one pass over the scores. The
// scores stream through tiles of at most 256 KiB (a run of whole rows, or four rows' blocks
// of 8192 columns when rows are wider), so the copy into the runtime's memory lands in cache
// and the kernel reads it from there; a dim of any size needs only the diagonal itself in
// the runtime. Also the diagonal as a
// curvature operator, whose matvec and solve are element-wise.
import { installDispose } from "../base/disposable.js";
import { EmptyMeanError, NonFiniteError, OverflowError } from "../base/errors.js";
import {
  firstNonFinite as firstNonFiniteIndex,
  normalizedWeights,
  timesPowerOfTwo,
  WEIGHT_SUM_RANGE,
} from "../base/finite-results.js";
import { MAX_PAGES, PAGE_BYTES } from "../base/memory-limits.js";
import {
  accumulatedWeightSum,
  assertAllFinite,
  assertFloat64Array,
  assertOptions,
  assertPositiveInteger,
  dampingOf,
  describeValue,
  type FloatRows,
  floatRowsOf,
  OPTION,
  type OptionSpec,
  type Reduction,
  RUNTIME_OPTION,
  scoreBatchOf,
  vectorCount,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import { ALL_FINITE } from "../engine/kernels.js";
import { BatchBuffer, commitPending } from "../engine/memory/batch-buffer.js";
import { ResidentBlock } from "../engine/memory/resident-block.js";
import type { Runtime, RuntimeOptions } from "../engine/runtime.js";
import { decodeDiagonalState, encodeDiagonalState } from "./diagonal-fisher-format.js";
import { ADD_OPTIONS, type AddOptions } from "./fisher-accumulator.js";
import type { CurvatureOperator } from "./operator.js";

/** Scores staged per kernel call (256 KiB): small enough to stay in cache between the copy and the sweep. */
const TILE_ELEMENTS = 32768;
/**
 * Widest column block of a tile; wider rows are staged in blocks of this many columns, four
 * rows to a tile, the kernel's row block. Measured at 256 × 100000: long runs per row copy
 * faster than 16 rows of 2048 (fewer, longer streams out of the host array).
 */
const TILE_WIDTH = 8192;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Bytes of one tile's staging: the scores, the weights of its rows and the kernel's scratch. */
function tileLayout(dim: number): { width: number; rows: number; weights: number; scratch: number; bytes: number } {
  const width = Math.min(dim, TILE_WIDTH);
  const rows = Math.max(1, Math.floor(TILE_ELEMENTS / width));
  const weights = align16(rows * width * 8);
  const scratch = weights + align16(rows * 8);
  return { width, rows, weights, scratch, bytes: scratch + align16(width * 8) };
}

/**
 * The largest dim whose diagonal fits: a diagonal and one working copy of it (the one-shot
 * result, or another runtime's accumulator being merged) beside the largest tile, in 32-bit
 * WebAssembly memory less its first page.
 */
const MAX_DIAGONAL_DIM = Math.floor(((MAX_PAGES - 1) * PAGE_BYTES - tileLayout(TILE_WIDTH).bytes) / 16);

/** A dim of a diagonal: a positive integer whose diagonal fits. @throws {RangeError} */
function assertDiagonalDim(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`\`${name}\` must be a positive integer; received ${describeValue(value)}.`);
  }
  if (value > MAX_DIAGONAL_DIM) {
    throw new RangeError(
      `\`${name}\` = ${value} is too large: its diagonal and one working copy (${value * 16} bytes) cannot fit in 32-bit WebAssembly memory; the largest dim that fits is ${MAX_DIAGONAL_DIM}.`,
    );
  }
}

/** The first NaN or ±Infinity of a row-major batch at or after row `fromRow`. */
function firstNonFinite(scores: FloatRows, dim: number, fromRow: number): NonFiniteError {
  for (let t = fromRow * dim; t < scores.length; t++) {
    const v = scores[t] as number;
    if (v - v !== 0) return new NonFiniteError("scores", Math.floor(t / dim), t % dim, v);
  }
  // The kernel saw a non-finite score in these rows, so the scan above always finds one.
  throw new Error("diagonalFisher: the kernel reported a non-finite score that is not in the batch.");
}

/**
 * Unchecked core: diag += Σ w s_j² over the rows of `scores` (row-major, dim wide; weights one
 * per row or undefined for 1), for the dim f64 at byte offset `diag` in `rt`. Returns the
 * NonFiniteError of the first NaN or ±Infinity in row-major order, or undefined; the tiles
 * before it have been added by then, so a caller that must stay unchanged keeps a copy when
 * the batch spans more than one tile.
 */
function addSquares(
  rt: Runtime,
  scores: FloatRows,
  dim: number,
  weights: FloatRows | undefined,
  diag: number,
): NonFiniteError | undefined {
  const layout = tileLayout(dim);
  const rows = scores.length / dim;
  const k = rt.kernels;
  // Not zeroed: every kernel call reads only what was staged for it.
  const tile = rt.arena.alloc(layout.bytes);
  try {
    const memory = rt.f64();
    const tileAt = tile / 8;
    const w = weights === undefined ? 0 : tile + layout.weights;
    for (let r0 = 0; r0 < rows; r0 += layout.rows) {
      const n = Math.min(layout.rows, rows - r0);
      if (weights !== undefined) memory.set(weights.subarray(r0, r0 + n), w / 8);
      for (let j0 = 0; j0 < dim; j0 += layout.width) {
        const m = Math.min(layout.width, dim - j0);
        if (m === dim) memory.set(scores.subarray(r0 * dim, (r0 + n) * dim), tileAt);
        else {
          for (let r = 0; r < n; r++) {
            const from = (r0 + r) * dim + j0;
            memory.set(scores.subarray(from, from + m), tileAt + r * m);
          }
        }
        if (k.diagonalSquares(diag + j0 * 8, tile, n, m, w, tile + layout.scratch) !== ALL_FINITE) {
          return firstNonFinite(scores, dim, r0);
        }
      }
    }
    return undefined;
  } finally {
    rt.arena.free(tile);
  }
}

/**
 * diag += Σ w s_j² over a batch already in the runtime's memory (rows × dim at byte offset
 * `scores`, weights at `weights` or 0 for unit weights; `scratch` holds dim f64), read in place.
 * The kernel runs over the same row blocks as addSquares() stages, at full width (its sums are
 * per column, so a block of four rows gives the same sums at any width): the same result bit for
 * bit. Returns the NonFiniteError of the first NaN or ±Infinity (named `argument`), or
 * undefined; the blocks before it have been added by then.
 */
function addResidentSquares(
  rt: Runtime,
  scores: number,
  rows: number,
  dim: number,
  weights: number,
  diag: number,
  scratch: number,
  argument: string,
): NonFiniteError | undefined {
  const blockRows = tileLayout(dim).rows;
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    const n = Math.min(blockRows, rows - r0);
    const at = scores + r0 * dim * 8;
    const status = rt.kernels.diagonalSquares(diag, at, n, dim, weights === 0 ? 0 : weights + r0 * 8, scratch);
    if (status !== ALL_FINITE) {
      const column = status % dim;
      return new NonFiniteError(argument, r0 + (status - column) / dim, column, rt.f64()[at / 8 + status] as number);
    }
  }
  return undefined;
}

/**
 * Options of diagonalFisher().
 * @category Curvature
 */
export interface DiagonalFisherOptions extends RuntimeOptions {
  /** One non-negative finite weight per row (float64 or float32); default 1 for every row. */
  weights?: Float64Array | Float32Array;
  /** "mean" (default) divides by Σ w; "sum" does not. */
  reduction?: Reduction;
  /** A Float64Array of length dim to write the result into, returned; left untouched when the call throws. */
  out?: Float64Array;
}

const DIAGONAL_FISHER_OPTIONS: OptionSpec<DiagonalFisherOptions> = {
  ...RUNTIME_OPTION,
  weights: OPTION.floatRows,
  reduction: OPTION.oneOf("mean", "sum"),
  out: OPTION.float64Array,
};

/**
 * The diagonal of the empirical Fisher (observed scores, uncentered) of per-sample scores
 * (row-major rows × dim, a Float64Array or a Float32Array, which is widened exactly while it is
 * staged, so the result equals that of the same values as float64), without forming the dim × dim matrix: by default a MEAN,
 * F_jj = (1/Σw) Σ w s_j²; with `reduction: "sum"` the SUM Σ w s_j². dim is not limited by
 * MAX_DIM: the runtime holds only the diagonal and a 256 KiB tile of the scores at a time.
 * O(rows · dim) time in one pass, O(dim) memory.
 * @throws {TypeError} when scores or weights are not Float64Arrays or Float32Arrays, or out is not a Float64Array.
 * @throws {RangeError} on a bad dim (or one whose diagonal cannot fit in 32-bit WebAssembly
 *   memory), a length that is not a multiple of dim, bad weights or an `out` of the wrong length.
 * @throws {EmptyMeanError} for a mean of rows that hold no weight.
 * @throws {NonFiniteError} naming the row and column of the first NaN or ±Infinity score.
 * @category Curvature
 */
export function diagonalFisher(
  scores: Float64Array | Float32Array,
  dim: number,
  options?: DiagonalFisherOptions,
): Float64Array {
  assertDiagonalDim("dim", dim);
  const batch = scoreBatchOf(scores, dim, options, DIAGONAL_FISHER_OPTIONS, dim, "one entry per parameter");
  const rt = runtimeOf(options?.runtime);
  return diagonalMoment(rt, scores, dim, batch.weights, batch.reduction === "mean" ? undefined : 1, batch.out);
}

/**
 * Unchecked core of diagonalFisher(): (1/divisor) Σ w s_j², the mean (divisor Σ w) when divisor
 * is undefined, into `out` when given (written only when every score is finite and the result
 * fits). As scoreMoment(): summed on the weights as they are when Σ w is in range and the result
 * fits, else again on the weights scaled by a power of two to sum to [1/2, 1), undone exactly.
 * @throws {NonFiniteError} naming the first NaN or ±Infinity score.
 * @throws {OverflowError} when an entry of the result exceeds the largest double.
 */
export function diagonalMoment(
  rt: Runtime,
  scores: FloatRows,
  dim: number,
  weights: FloatRows | undefined,
  divisor: number | undefined,
  out?: Float64Array,
): Float64Array {
  const rows = scores.length / dim;
  let total = rows;
  if (weights !== undefined) {
    total = 0;
    for (let i = 0; i < rows; i++) total += weights[i] as number;
  }
  const weightsInRange = total === 0 || (total >= WEIGHT_SUM_RANGE.min && total <= WEIGHT_SUM_RANGE.max);
  if (weightsInRange) {
    const result = squaresPass(rt, scores, dim, weights, divisor ?? total);
    if (firstNonFiniteIndex(result) < 0) return into(out, result);
  }
  const scaled = normalizedWeights(weights, rows);
  const result = squaresPass(rt, scores, dim, scaled.weights, divisor ?? scaled.total);
  if (divisor !== undefined)
    for (let j = 0; j < dim; j++) result[j] = timesPowerOfTwo(result[j] as number, scaled.exponent);
  const bad = firstNonFiniteIndex(result);
  if (bad >= 0) {
    throw new OverflowError(
      weightsInRange ? "scores" : "options.weights",
      `entry ${bad} of the ${divisor === undefined ? "weighted mean" : "sum"} of squared scores exceeds the largest double (Σ w = ${total}).`,
    );
  }
  return into(out, result);
}

/** `result`, or `out` holding a copy of it when given. */
function into(out: Float64Array | undefined, result: Float64Array): Float64Array {
  if (out === undefined) return result;
  out.set(result);
  return out;
}

/** (1/divisor) Σ w s_j² in a new array. */
function squaresPass(
  rt: Runtime,
  scores: FloatRows,
  dim: number,
  weights: FloatRows | undefined,
  divisor: number,
): Float64Array {
  return rt.scoped([dim], (diag) => {
    const bad = addSquares(rt, scores, dim, weights, diag);
    if (bad) throw bad;
    const result = rt.read(diag, dim);
    if (divisor !== 1) for (let j = 0; j < dim; j++) result[j] = (result[j] as number) / divisor;
    return result;
  });
}

/**
 * A streaming diagonal of the empirical Fisher (observed scores): add score rows in batches
 * of any size, merge partial accumulators, serialize the state. Keeps the row count, Σw and
 * the SUM Σ w s_j² (dim values, O(dim) memory) in the memory of the runtime it was created
 * in; call dispose() to give that memory back (a finalizer does it for dropped objects).
 * The interface of FisherAccumulator, with Float64Arrays where that returns matrices.
 * @category Curvature
 */
export class DiagonalFisherAccumulator {
  /** Length of every score row. */
  readonly dim: number;
  private readonly rt: Runtime;
  private readonly block: ResidentBlock;
  private rows = 0;
  private weight = 0;
  private batch: BatchBuffer | undefined;
  /** Checks a batch's weights against what the accumulator holds; returns their Σ. */
  private readonly checkWeights = (weights: FloatRows, rows: number): number =>
    accumulatedWeightSum("options.weights", weights, rows, this.weight);

  /**
   * An empty accumulator of dimension `dim`, in the memory of `options.runtime` (default: the
   * default runtime). dim is not limited by MAX_DIM: the state is dim values.
   * @throws {RangeError} when dim is not a positive integer, or its diagonal cannot fit in 32-bit WebAssembly memory.
   * @throws {NotInitializedError} without a runtime before init().
   */
  constructor(dim: number, options?: RuntimeOptions) {
    assertDiagonalDim("dim", dim);
    assertOptions("options", options, RUNTIME_OPTION);
    const rt = runtimeOf(options?.runtime);
    this.dim = dim;
    this.block = new ResidentBlock(rt, this, "DiagonalFisherAccumulator", dim);
    this.rt = this.block.rt;
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

  /** The runtime whose memory holds this accumulator. */
  get runtime(): Runtime {
    return this.rt;
  }

  /**
   * Adds a row-major batch of scores (rows × dim, any number of rows; float64, or float32
   * widened exactly while it is staged), streamed in tiles. If any score is NaN or ±Infinity, throws NonFiniteError naming the first one's row and
   * column and leaves the accumulator exactly as it was.
   * @throws {TypeError} when scores or weights are not Float64Arrays or Float32Arrays.
   * @throws {RangeError} on a length that is not a multiple of dim, or bad weights.
   * @throws {NonFiniteError} on a non-finite score.
   */
  add(scores: Float64Array | Float32Array, options?: AddOptions): this {
    this.assertLive();
    assertOptions("options", options, ADD_OPTIONS);
    const rows = floatRowsOf("scores", scores, this.dim);
    const weights = options?.weights;
    const total = weights === undefined ? rows : this.checkWeights(weights, rows);
    if (rows === 0) return this;
    const { rt, dim } = this;
    this.absorb(rows, total, "scores", (ptr) => addSquares(rt, scores, dim, weights, ptr));
    return this;
  }

  /**
   * A view of `rows` × dim float64 values in the runtime's WebAssembly memory for a producer to
   * write a batch of scores into, then hand over with {@link commit}, which folds it where it lies:
   * the batch is copied once, by its producer. The same lifetime as
   * {@link FisherAccumulator.batchBuffer}: valid until the next commit(), batchBuffer() or
   * dispose(), and detached by any growth of the runtime's memory in between (commit() then
   * throws {@link BatchBufferError}). The accumulator keeps the buffer's memory
   * (rows × (dim + 1) + dim values, the largest asked for) until dispose().
   * @throws {RangeError} when rows is not a positive integer, or the buffer does not fit in memory.
   * @throws {DisposedError} after dispose().
   */
  batchBuffer(rows: number): Float64Array {
    this.assertLive();
    assertPositiveInteger("rows", rows);
    this.batch ??= new BatchBuffer(this.rt, this, this.dim, this.dim);
    return this.batch.request(rows);
  }

  /**
   * Adds the batch written into the view from {@link batchBuffer}: its first `rows` rows (default
   * all), with `options.weights` (one per committed row) if given, read in place; the same sums,
   * bit for bit, as add() of the same rows. The view is consumed. If a committed score is NaN or
   * ±Infinity, throws NonFiniteError (argument "batchBuffer", its row and column) and leaves the
   * accumulator exactly as it was, with the view still pending.
   * @throws {BatchBufferError} without a pending view, or when the memory grew since it was handed out (nothing added).
   * @throws {RangeError} when rows is not an integer from 0 to the rows handed out, or on bad weights.
   * @throws {NonFiniteError} on a non-finite committed score.
   */
  commit(rows?: number, options?: AddOptions): this {
    this.assertLive();
    assertOptions("options", options, ADD_OPTIONS);
    const { rt, dim } = this;
    commitPending(this.batch, rows, options?.weights, this.checkWeights, ({ rows: n, place, weights, total }) =>
      this.absorb(n, total, "batchBuffer", (ptr) =>
        addResidentSquares(rt, place.scores, n, dim, weights, ptr, place.scratch, "batchBuffer"),
      ),
    );
    return this;
  }

  /**
   * Adds a batch's Σ w s_j² with `addTo` (which reports the first non-finite score) and counts its
   * rows and Σ w; all or nothing: on a bad score, or sums past the largest double, the state
   * (dim values, so the copy is cheap beside the pass over the batch) goes back to what it was.
   */
  private absorb(
    rows: number,
    total: number,
    argument: string,
    addTo: (ptr: number) => NonFiniteError | undefined,
  ): void {
    const { rt, dim } = this;
    const ptr = this.block.ptr;
    const snapshot = rt.read(ptr, dim);
    const bad = addTo(ptr);
    if (bad) {
      rt.write(ptr, snapshot);
      throw bad;
    }
    if (firstNonFiniteIndex(rt.f64().subarray(ptr / 8, ptr / 8 + dim)) >= 0) {
      rt.write(ptr, snapshot);
      throw new OverflowError(
        argument,
        "the accumulator's sums Σ w s_j² would exceed the largest double; nothing was added. Scale the scores (or the weights) down by a power of two: a mean scales back exactly.",
      );
    }
    this.rows += rows;
    this.weight += total;
  }

  /**
   * Folds another accumulator of the same dim into this one (as if its rows had been added
   * here). The other accumulator is unchanged; it may live in another runtime, and may be this one.
   * @throws {TypeError} when other is not a DiagonalFisherAccumulator. @throws {RangeError} on different dims.
   */
  merge(other: DiagonalFisherAccumulator): this {
    this.assertLive();
    if (!(other instanceof DiagonalFisherAccumulator)) {
      throw new TypeError(`\`other\` must be a DiagonalFisherAccumulator; received ${describeValue(other)}.`);
    }
    other.assertLive();
    if (other.dim !== this.dim) {
      throw new RangeError(`\`other\` must have dim ${this.dim} to merge; received dim ${other.dim}.`);
    }
    const { rt, dim } = this;
    const rows = other.rows;
    const weight = other.weight;
    if (this.weight + weight > Number.MAX_VALUE) {
      throw new OverflowError(
        "other",
        `Σ w of the merge would be ${this.weight} + ${weight}, past the largest double.`,
      );
    }
    const merged = this.sum();
    const theirs = other.rt.read(other.block.ptr, dim);
    for (let j = 0; j < dim; j++) merged[j] = (merged[j] as number) + (theirs[j] as number);
    if (firstNonFiniteIndex(merged) >= 0) {
      throw new OverflowError("other", "the merged sums Σ w s_j² would exceed the largest double.");
    }
    if (other.rt === rt) rt.kernels.axpy(this.block.ptr, other.block.ptr, dim, 1);
    else {
      const sum = other.rt.read(other.block.ptr, dim);
      rt.scoped([dim], (temp) => {
        rt.write(temp, sum);
        rt.kernels.axpy(this.block.ptr, temp, dim, 1);
      });
    }
    this.rows += rows;
    this.weight += weight;
    return this;
  }

  /**
   * The diagonal of the empirical Fisher, a MEAN: (1/Σw) Σ w s_j², a new Float64Array of length dim.
   * @throws {EmptyMeanError} when Σ w = 0.
   */
  fisher(): Float64Array {
    this.assertLive();
    if (!(this.weight > 0)) throw new EmptyMeanError("the diagonal Fisher (a mean)");
    const result = this.rt.read(this.block.ptr, this.dim);
    for (let j = 0; j < result.length; j++) result[j] = (result[j] as number) / this.weight;
    if (firstNonFiniteIndex(result) >= 0)
      throw new OverflowError("accumulator", "its mean exceeds the largest double.");
    return result;
  }

  /** The SUM Σ w s_j², a new Float64Array of length dim (zeros when nothing was added). */
  sum(): Float64Array {
    this.assertLive();
    return this.rt.read(this.block.ptr, this.dim);
  }

  /** The state as bytes (magic "FWDG", format version, dim, count, Σw, the sums, CRC-32); deserialize() restores it bit for bit. */
  serialize(): Uint8Array {
    this.assertLive();
    const state = { dim: this.dim, count: this.rows, totalWeight: this.weight, sum: this.sum() };
    return encodeDiagonalState(state, MAX_DIAGONAL_DIM);
  }

  /**
   * Restores an accumulator from serialize() output, in `options.runtime` (default: the default runtime).
   * @throws {TypeError} when bytes is not a Uint8Array.
   * @throws {SerializationError} on truncated, corrupted or foreign bytes.
   */
  static deserialize(bytes: Uint8Array, options?: RuntimeOptions): DiagonalFisherAccumulator {
    assertOptions("options", options, RUNTIME_OPTION);
    const state = decodeDiagonalState(bytes, MAX_DIAGONAL_DIM);
    const acc = new DiagonalFisherAccumulator(state.dim, options);
    acc.rt.write(acc.block.ptr, state.sum);
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
    installDispose(DiagonalFisherAccumulator);
  }

  /** Returns the memory to the runtime. Further use throws DisposedError; disposing twice is harmless. */
  dispose(): void {
    this.batch?.dispose();
    this.block.dispose();
  }

  private assertLive(): void {
    this.block.assertLive();
  }
}

/**
 * Checks that values[i] + damping > 0 for every i, so (diag(values) + λI)⁻¹ exists; for
 * callers that solve with solveDiagonal() directly. `values` and `damping` must already be
 * finite (and damping non-negative).
 * @throws {RangeError} naming the first index where it is not, with the value and the damping.
 */
export function assertDiagonalSolvable(name: string, values: Float64Array, damping: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v + damping > 0)) {
      throw new RangeError(
        `\`${name}[${i}]\` + damping = ${v} + ${damping} is not positive, so the diagonal is singular there; pass { damping } greater than ${-v}.`,
      );
    }
  }
}

/**
 * Unchecked core of the element-wise solve: out[k·dim + i] = b[k·dim + i] / (values[i] +
 * damping) for b one vector of length dim = values.length or a row-major batch of them.
 * Trusts its inputs (see assertDiagonalSolvable()).
 */
export function solveDiagonal(
  values: Float64Array,
  b: Float64Array,
  damping: number,
  out: Float64Array = new Float64Array(b.length),
): Float64Array {
  const dim = values.length;
  if (damping === 0) {
    for (let s = 0; s < b.length; s += dim) {
      for (let i = 0; i < dim; i++) out[s + i] = (b[s + i] as number) / (values[i] as number);
    }
  } else {
    for (let s = 0; s < b.length; s += dim) {
      for (let i = 0; i < dim; i++) out[s + i] = (b[s + i] as number) / ((values[i] as number) + damping);
    }
  }
  return out;
}

/** Unchecked core of the element-wise product: out[k·dim + i] = values[i] · x[k·dim + i]. */
function multiplyDiagonal(values: Float64Array, x: Float64Array): Float64Array {
  const dim = values.length;
  const out = new Float64Array(x.length);
  for (let s = 0; s < x.length; s += dim) {
    for (let i = 0; i < dim; i++) out[s + i] = (values[i] as number) * (x[s + i] as number);
  }
  return out;
}

class DiagonalOperator implements CurvatureOperator {
  readonly dim: number;

  constructor(private readonly values: Float64Array) {
    this.dim = values.length;
  }

  matvec(x: Float64Array): Float64Array {
    vectorCount("x", x, this.dim);
    assertAllFinite("x", x);
    return multiplyDiagonal(this.values, x);
  }

  solve(b: Float64Array, options?: { damping?: number }): Float64Array {
    vectorCount("b", b, this.dim);
    assertAllFinite("b", b);
    const damping = dampingOf(options);
    assertDiagonalSolvable("values", this.values, damping);
    return solveDiagonal(this.values, b, damping);
  }
}

/**
 * A diagonal curvature matrix C = diag(values) as a CurvatureOperator (for example the
 * result of diagonalFisher() or DiagonalFisherAccumulator.fisher()): `matvec(x)` is the
 * element-wise product values ⊙ x and `solve(b, { damping })` the element-wise quotient
 * b / (values + λ), each for one vector of length dim or a row-major batch of them, O(dim)
 * time per vector. The values are copied, so later changes to the array do not reach the
 * operator. Computes in plain JavaScript: an element-wise product is bound by memory, and
 * a copy into a runtime would cost more than the product.
 * @throws {TypeError} when values is not a Float64Array. @throws {RangeError} when it is empty.
 * @throws {NonFiniteError} on a NaN or ±Infinity value. The operator's `matvec` and `solve`
 *   throw TypeError, RangeError (a wrong length; in solve, values[i] + λ ≤ 0, naming i: a
 *   zero entry needs damping) and NonFiniteError for their own bad arguments.
 * @category Curvature
 */
export function diagonalOperator(values: Float64Array): CurvatureOperator {
  assertFloat64Array("values", values);
  if (values.length === 0) throw new RangeError("`values` must hold at least one entry; received length 0.");
  assertAllFinite("values", values);
  return new DiagonalOperator(values.slice());
}
