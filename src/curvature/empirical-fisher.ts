// The one-shot empirical Fisher: the weighted rank-k update of a whole batch,
// streamed through the kernel in chunks.

import { NonFiniteError } from "../base/errors.js";
import { packedLength } from "../base/packed-layout.js";
import { assertDim, assertFloat64Array, assertLength, assertOptions, rowsOf, weightSum } from "../base/validate.js";
import { runtime } from "../engine/init.js";
import { streamChunks } from "../engine/stream.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { FisherAccumulator } from "./fisher-accumulator.js";

/** Options of empiricalFisher(). */
export interface EmpiricalFisherOptions {
  /** One non-negative finite weight per row; default 1 for every row. */
  weights?: Float64Array;
  /** Subtract the (weighted) mean score first: the score covariance. Default false. */
  centered?: boolean;
  /** "mean" (default) divides by Σ w; "sum" does not. */
  reduction?: "mean" | "sum";
  /**
   * A Float64Array of length dim(dim+1)/2 to write the packed result into, instead of a new
   * array: the returned matrix's `packed` IS this array, so a later call with the same `out`
   * overwrites it. For loops that compute one Fisher after another at large dim, where a
   * fresh multi-megabyte result array costs the operating system's zero-filling of new pages
   * on every call. Left untouched when the call throws.
   */
  out?: Float64Array;
}

/**
 * The empirical Fisher of per-sample scores (row-major rows × dim).
 * By default a MEAN, uncentered: (1/Σw) Σ w s sᵀ. With `centered`:
 * (1/Σw) Σ w (s − s̄)(s − s̄)ᵀ. With `reduction: "sum"` the same without the 1/Σw.
 * @throws {TypeError} when scores or weights are not Float64Arrays.
 * @throws {RangeError} on a bad dim, a length that is not a multiple of dim, bad
 *   weights, an `out` of the wrong length, or (for a mean) no row with positive weight.
 * @throws {NonFiniteError} naming the row and column of a NaN or ±Infinity score.
 */
export function empiricalFisher(scores: Float64Array, dim: number, options?: EmpiricalFisherOptions): SymmetricMatrix {
  assertDim("dim", dim);
  assertOptions("options", options);
  const rows = rowsOf("scores", scores, dim);
  const weights = options?.weights;
  const total = weights === undefined ? rows : weightSum("options.weights", weights, rows);
  const reduction = options?.reduction ?? "mean";
  if (reduction !== "mean" && reduction !== "sum") {
    throw new RangeError(`\`options.reduction\` must be "mean" or "sum"; received ${String(reduction)}.`);
  }
  if (reduction === "mean" && !(total > 0)) {
    throw new RangeError(
      `\`scores\` must hold at least one row of positive weight to take a mean; received ${rows} rows of total weight ${total}.`,
    );
  }
  const out = options?.out;
  if (out !== undefined) {
    assertFloat64Array("options.out", out);
    assertLength("options.out", out, packedLength(dim), "the packed dim(dim+1)/2 entries of the result");
  }
  if (options?.centered) {
    const acc = new FisherAccumulator(dim);
    try {
      acc.add(scores, weights === undefined ? {} : { weights });
      const result = reduction === "mean" ? acc.covariance() : acc.comoment();
      if (out === undefined) return result;
      out.set(result.packed);
      return SymmetricMatrix.adopt(out, dim);
    } finally {
      acc.dispose();
    }
  }
  const rt = runtime();
  const k = rt.kernels;
  const p = packedLength(dim);
  const c = rt.alloc(p);
  try {
    const bad = streamChunks(rt, scores, dim, weights, (chunk, s) =>
      k.syrk(c, s.scores, chunk.rows, dim, chunk.weights, 0, s.scratch),
    );
    if (bad) throw new NonFiniteError("scores", bad.row, bad.column, bad.value);
    if (reduction === "mean") k.scale(c, p, 1 / total);
    return SymmetricMatrix.adopt(out === undefined ? rt.read(c, p) : rt.readInto(c, out), dim);
  } finally {
    rt.free(c);
  }
}
