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
  /** Byte offset of the chunk's rows (rows × dim, row-major) in the runtime's memory. */
  readonly scores: number;
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
    const chunk = { rowStart, scores: staging.scores, rows: n, weights: weights ? staging.weights : 0, weightSum };
    const status = fold(chunk, staging);
    if (status !== ALL_FINITE) return badEntry(status, rowStart, dim, (i) => scores[i] as number);
  }
  return undefined;
}

/**
 * The same fold over a batch that already lies in the runtime's memory (rows × dim at byte
 * offset `scores`, its weights at `weights`, or 0 for unit weights): chunks of CHUNK_ROWS rows
 * read in place, with no staging copy, so a chunk's kernel calls see exactly what
 * streamChunks() would have staged. The staging area still serves the kernels' work space.
 */
export function residentChunks(
  rt: Runtime,
  scores: number,
  rows: number,
  dim: number,
  weights: number,
  fold: (chunk: Chunk, staging: Staging) => number,
): BadEntry | undefined {
  const staging = rt.staging(dim);
  for (let rowStart = 0; rowStart < rows; rowStart += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - rowStart);
    let weightSum = n;
    if (weights !== 0) {
      const memory = rt.f64();
      weightSum = 0;
      for (let i = weights / 8 + rowStart, end = i + n; i < end; i++) weightSum += memory[i] as number;
    }
    const at = scores + rowStart * dim * 8;
    const chunk = { rowStart, scores: at, rows: n, weights: weights === 0 ? 0 : weights + rowStart * 8, weightSum };
    const status = fold(chunk, staging);
    if (status !== ALL_FINITE) return badEntry(status, rowStart, dim, (i) => rt.f64()[scores / 8 + i] as number);
  }
  return undefined;
}

/** Where a kernel's status (the flat index of a non-finite score within a chunk) points in the batch. */
function badEntry(status: number, rowStart: number, dim: number, valueAt: (index: number) => number): BadEntry {
  const column = status % dim;
  const row = rowStart + (status - column) / dim;
  return { row, column, value: valueAt(row * dim + column) };
}
