// The unchecked core behind empiricalFisher() and every caller inside the library that
// needs Σ w s sᵀ: the second moment of a batch of rows, plain or about the weighted mean,
// streamed through the SYRK kernel in chunks. Inputs are trusted (lengths, weights, dim);
// the only thing it reports is a non-finite score, which the kernel finds while packing.
import { NonFiniteError } from "../base/errors.js";
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
  /** Name of the rows' argument, for the NonFiniteError of a bad entry. */
  readonly argument: string;
  /** The number of the first row in the caller's count, for that error (default 0). */
  readonly firstRow?: number;
}

/**
 * Packed 'U' (1/divisor) Σ w (s − c)(s − c)ᵀ over the rows of `rows` (row-major, dim wide, float64 or float32),
 * with c the weighted mean when centered and 0 otherwise; into `out` when given, which is
 * written only when the whole batch was finite.
 * @throws {NonFiniteError} naming the row and column of the first NaN or ±Infinity.
 */
export function scoreMoment(
  rt: Runtime,
  rows: FloatRows,
  dim: number,
  request: MomentRequest,
  out?: Float64Array,
): Float64Array {
  const p = packedLength(dim);
  const k = rt.kernels;
  const { weights } = request;
  return rt.scoped(request.centered ? [p, dim + 1, dim + 1] : [p], (c, mean = 0, shift = 0) => {
    // A centered moment needs the mean before any row is folded in: one pass for it.
    const center = request.centered && weightedMean(rt, rows, dim, weights, mean, shift, request) ? mean : 0;
    const bad = streamChunks(rt, rows, dim, weights, (chunk, s) =>
      k.syrk(c, s.scores, chunk.rows, dim, chunk.weights, center, s.scratch),
    );
    if (bad) throw new NonFiniteError(request.argument, (request.firstRow ?? 0) + bad.row, bad.column, bad.value);
    if (request.divisor !== 1) k.scale(c, p, 1 / request.divisor);
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
