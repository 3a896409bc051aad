// Streams a row-major batch through the staging area in chunks of CHUNK_ROWS, so a
// batch of any length needs O(chunk·dim) wasm memory, never a copy of the batch. Float32
// rows are widened to float64 by the staging copy itself (a typed-array set converts
// exactly), so the kernels see the same values either way.
import type { FloatRows } from "../base/validate.js";
import { ALL_FINITE } from "./kernels.js";
import { CHUNK_ROWS, type Runtime, type Staging } from "./runtime.js";

export interface Chunk {
  /** First row of the chunk within the batch. */
  readonly rowStart: number;
  readonly rows: number;
  /** Byte offset of the staged weights, or 0 for unit weights. */
  readonly weights: number;
  /** Σ of the chunk's weights (its row count when unweighted). */
  readonly weightSum: number;
}

/** Where a chunk kernel found a non-finite score: row within the batch, and column. */
export interface BadEntry {
  readonly row: number;
  readonly column: number;
  readonly value: number;
}

/**
 * Stages each chunk and calls `fold`, which returns a kernel status (-1 = fine, else
 * the flat index of a non-finite score within the chunk). Stops at the first bad
 * chunk and says where; the caller decides what to roll back.
 */
export function streamChunks(
  rt: Runtime,
  scores: FloatRows,
  dim: number,
  weights: FloatRows | undefined,
  fold: (chunk: Chunk, staging: Staging) => number,
): BadEntry | undefined {
  const staging = rt.staging(dim);
  const rows = scores.length / dim;
  for (let rowStart = 0; rowStart < rows; rowStart += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - rowStart);
    const memory = rt.f64();
    memory.set(scores.subarray(rowStart * dim, (rowStart + n) * dim), staging.scores / 8);
    let weightSum = n;
    if (weights) {
      const w = weights.subarray(rowStart, rowStart + n);
      memory.set(w, staging.weights / 8);
      weightSum = 0;
      for (let i = 0; i < n; i++) weightSum += w[i] as number;
    }
    const status = fold({ rowStart, rows: n, weights: weights ? staging.weights : 0, weightSum }, staging);
    if (status !== ALL_FINITE) {
      const column = status % dim;
      const row = rowStart + (status - column) / dim;
      return { row, column, value: scores[row * dim + column] as number };
    }
  }
  return undefined;
}
