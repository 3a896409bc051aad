// The dense matrix-product part of the kernel ABI (pointers are byte offsets, lengths
// element counts): what the Kronecker-factored Fisher multiplies and solves with.
export interface GemmKernels {
  /** Scratch bytes gemm needs for an m×k by k×n product. */
  gemmScratchBytes(m: number, k: number, n: number): number;
  /**
   * Row-major C (m×n) = A (m×k) · B (k×n) + beta·C; beta = 0 overwrites C without reading it.
   * scratch: gemmScratchBytes(m, k, n) bytes, 16-byte aligned. C must not overlap A, B or the
   * scratch; A and B may be the same matrix.
   */
  gemm(c: number, a: number, b: number, m: number, k: number, n: number, beta: number, scratch: number): void;
}
