// The unchecked core behind empiricalFisher() and every caller inside the library that
// needs Σ w s sᵀ: the second moment of a batch of rows, plain or about the weighted mean,
// streamed through the SYRK kernel in chunks. Inputs are trusted (lengths, weights, dim);
// it reports a non-finite score, which the kernel finds while packing, and a result that does
// not fit in a double.
//
// Range: the first pass runs on the caller's weights as they are, so ordinary inputs give
// today's bits. When the weights' sum lies outside [2^-128, 2^128] (it may overflow, or be so
// small that 1/Σw overflows), or the result of that pass is not finite (Σ w s sᵀ overflowed
// before the division by Σw), the rows are summed again with the weights (unit weights for an
// unweighted batch) scaled by one power of two so that they sum to [1/2, 1): every partial sum
// of a mean is then bounded by the largest product, and the factor is undone exactly at the end.
import { NonFiniteError, OverflowError } from "../base/errors.js";
import { firstNonFinite, normalizedWeights, timesPowerOfTwo, WEIGHT_SUM_RANGE } from "../base/finite-results.js";
import { packedLength } from "../base/packed-layout.js";
import type { FloatRows } from "../base/validate.js";
import { ALL_FINITE } from "../engine/kernels.js";
import type { Runtime } from "../engine/runtime.js";
import { streamChunks } from "../engine/stream.js";

/** What scoreMoment() computes. */
export interface MomentRequest {
  /** One weight per row, or undefined for unit weights. */
  readonly weights?: FloatRows | undefined;
  /** About the weighted mean (two passes: the mean first, then the centered update). */
  readonly centered?: boolean;
  /** The result is divided by this: Σ w for a mean, 1 for a sum. */
  readonly divisor: number;
  /** A mean over the weights: the divisor is Σ w (taken again from the scaled weights when they are rescaled). */
  readonly mean?: boolean;
  /** Name of the weights' argument, for an OverflowError they cause (default "options.weights"). */
  readonly weightsArgument?: string;
  /** Name of the rows' argument, for the NonFiniteError of a bad entry. */
  readonly argument: string;
  /** The number of the first row in the caller's count, for that error (default 0). */
  readonly firstRow?: number;
}

/**
 * Packed 'U' (1/divisor) Σ w (s − c)(s − c)ᵀ over the rows of `rows` (row-major, dim wide, float64 or float32),
 * with c the weighted mean when centered and 0 otherwise; into `out` when given, which is
 * written only when the whole batch was finite and the result fits.
 * @throws {NonFiniteError} naming the row and column of the first NaN or ±Infinity.
 * @throws {OverflowError} naming the rows' argument (or the weights', when their sum is out of range) when an entry of the result exceeds the largest double.
 */
export function scoreMoment(
  rt: Runtime,
  rows: FloatRows,
  dim: number,
  request: MomentRequest,
  out?: Float64Array,
): Float64Array {
  const { weights } = request;
  const count = rows.length / dim;
  const total = weights === undefined ? count : sumOf(weights);
  const weightsInRange = total === 0 || (total >= WEIGHT_SUM_RANGE.min && total <= WEIGHT_SUM_RANGE.max);
  if (weightsInRange) {
    const result = momentPass(rt, rows, dim, weights, request, request.divisor, out);
    if (result !== undefined) return result;
  }
  const scaled = normalizedWeights(weights, count);
  const divisor = request.mean ? scaled.total : request.divisor;
  const result = momentPass(rt, rows, dim, scaled.weights, request, divisor, undefined) as Float64Array;
  // Σ w s sᵀ / divisor = (Σ w' s sᵀ / divisor') · 2^exponent, w' = w · 2^-exponent; a mean has no factor to undo.
  if (!request.mean)
    for (let t = 0; t < result.length; t++) result[t] = timesPowerOfTwo(result[t] as number, scaled.exponent);
  const bad = firstNonFinite(result);
  if (bad >= 0) {
    const blamed = weightsInRange ? request.argument : (request.weightsArgument ?? "options.weights");
    const what = request.mean ? "the weighted mean" : "the sum";
    throw new OverflowError(
      blamed,
      `entry ${bad} of ${what} of outer products exceeds the largest double (Σ w = ${total}).`,
    );
  }
  if (out === undefined) return result;
  out.set(result);
  return out;
}

function sumOf(values: FloatRows): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum;
}

/** One pass of scoreMoment(): undefined, with `out` untouched, when the result is not finite. */
function momentPass(
  rt: Runtime,
  rows: FloatRows,
  dim: number,
  weights: FloatRows | undefined,
  request: MomentRequest,
  divisor: number,
  out: Float64Array | undefined,
): Float64Array | undefined {
  const p = packedLength(dim);
  const k = rt.kernels;
  return rt.scoped(request.centered ? [p, dim + 1, dim + 1] : [p], (c, mean = 0, shift = 0) => {
    // A centered moment needs the mean before any row is folded in: one pass for it.
    const center = request.centered && weightedMean(rt, rows, dim, weights, mean, shift, request) ? mean : 0;
    const bad = streamChunks(rt, rows, dim, weights, (chunk, s) =>
      k.syrk(c, s.scores, chunk.rows, dim, chunk.weights, center, s.scratch),
    );
    if (bad) throw new NonFiniteError(request.argument, (request.firstRow ?? 0) + bad.row, bad.column, bad.value);
    if (divisor !== 1) k.scale(c, p, 1 / divisor);
    if (firstNonFinite(rt.f64().subarray(c / 8, c / 8 + p)) >= 0) return undefined;
    return out === undefined ? rt.read(c, p) : rt.readInto(c, out);
  });
}

/**
 * Writes the weighted mean of the rows at `mean`; false when the rows hold no weight. Every
 * chunk mean is summed relative to a shift (the first row, written at `shift`), and the small
 * offsets are combined as running means: at scores of 1e8 + N(0, 1) a plain sum of the rows
 * would round away half the digits of the mean.
 * @throws {NonFiniteError} on a non-finite entry.
 */
function weightedMean(
  rt: Runtime,
  rows: FloatRows,
  dim: number,
  weights: FloatRows | undefined,
  mean: number,
  shift: number,
  request: MomentRequest,
): boolean {
  const k = rt.kernels;
  let total = 0;
  const bad = streamChunks(rt, rows, dim, weights, (chunk, s) => {
    if (chunk.weightSum === 0) return k.findNonFinite(s.scores, chunk.rows * dim);
    if (total === 0) k.copy(shift, s.scores, dim);
    const status = k.weightedColumnMean(s.scores, chunk.rows, dim, chunk.weights, chunk.weightSum, shift, s.mean);
    if (status !== ALL_FINITE) return status;
    total += chunk.weightSum;
    if (total === chunk.weightSum) k.copy(mean, s.mean, dim);
    else {
      // offset += (w_chunk / W) (chunk offset − offset), all relative to the shift
      k.axpy(s.mean, mean, dim, -1);
      k.axpy(mean, s.mean, dim, chunk.weightSum / total);
    }
    return ALL_FINITE;
  });
  if (bad) throw new NonFiniteError(request.argument, (request.firstRow ?? 0) + bad.row, bad.column, bad.value);
  if (total > 0) k.axpy(mean, shift, dim, 1);
  return total > 0;
}
