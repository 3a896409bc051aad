// The matrix-vector part of the kernel ABI (pointers are byte offsets, lengths element
// counts): products of a row-major rows×d block with vectors, the two passes of a
// matrix-free low-rank operator, and the transpose that stages its columns as rows.
export interface GemvKernels {
  /** y = A x for the row-major rows×d block at a: y[r] = Σ_j a[r][j]·x[j] (y must not overlap a or x). */
  rowDots(y: number, a: number, rows: number, d: number, x: number): void;
  /** x += Aᵀ y for the row-major rows×d block at a: x[j] += Σ_r y[r]·a[r][j] (x must not overlap a or y). */
  addWeightedRows(x: number, a: number, rows: number, d: number, y: number): void;
  /** dst[c][r] = a[r][c] for r < rows, c < cols: rows `stride` f64 apart in, a row-major cols×rows block out. */
  transposeBlock(dst: number, a: number, rows: number, stride: number, cols: number): void;
}
