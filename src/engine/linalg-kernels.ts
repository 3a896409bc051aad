// The packed linear-algebra part of the kernel ABI (pointers are byte offsets).
export interface LinalgKernels {
  /** Work bytes choleskyPacked needs for dimension d. */
  choleskyWorkBytes(d: number): number;
  /** In place A + damping·I = UᵀU (packed 'U'); returns 0 or the order of the first non-positive-definite leading minor. */
  choleskyPacked(ap: number, d: number, damping: number, work: number): number;
  /** Solves (UᵀU) X = B in place for nrhs contiguous right-hand sides of length d. */
  choleskySolve(u: number, d: number, b: number, nrhs: number): void;
  /** Work bytes choleskyInverse needs for dimension d. */
  choleskyInverseWorkBytes(d: number): number;
  /** In place: the packed factor U becomes the packed inverse (UᵀU)⁻¹ (blocked in the WebAssembly builds). */
  choleskyInverse(u: number, d: number, work: number): void;
  /** The same inverse by the unblocked algorithm, with no work area (the benchmarks' named variant). */
  choleskyInverseUnblocked(u: number, d: number): void;
  /** y = A x for packed 'U' A (y must not alias x). */
  packedMatvec(ap: number, d: number, x: number, y: number): void;
}
