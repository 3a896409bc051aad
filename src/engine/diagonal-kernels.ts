// The diagonal part of the kernel ABI (pointers are byte offsets, lengths element counts):
// weighted column sums of squares over a staged block, the diagonal of Σ w s sᵀ.
export interface DiagonalKernels {
  /**
   * diag[j] += Σ_r w_r a[r][j]² for the row-major rows×d block at a; w = 0 means unit
   * weights; scratch holds d f64 (16-byte aligned). Returns the flat index of the first
   * non-finite score, leaving diag untouched, or -1.
   */
  diagonalSquares(diag: number, a: number, rows: number, d: number, w: number, scratch: number): number;
}
