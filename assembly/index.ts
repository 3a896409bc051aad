// The kernel ABI: every export takes i32/f64 only; pointers are byte offsets into
// the one exported memory. Kernels never allocate and never trap on valid input.
export {
  choleskyBegin,
  choleskyBlockRows,
  choleskyPacked,
  choleskyPanel,
  choleskySolve,
  choleskyTrailingScratch,
  choleskyTrailingWeights,
  choleskyWorkBytes,
} from "./cholesky";
export { choleskyInverse, choleskyInverseUnblocked, choleskyInverseWorkBytes } from "./cholesky-inverse";
export { diagonalSquares } from "./diagonal";
export * from "./eigen";
export { secularRoots } from "./secular-equation";
export { tridiagonalizeDense, tridiagonalizeDenseWorkBytes } from "./tridiagonal-blocked";
export { gemm, gemmScratchBytes } from "./gemm";
export { addWeightedRows, rowDots, transposeBlock } from "./gemv";
export { axpy, copy, packedRank1, scale } from "./packed-ops";
export { findNonFinite, weightedColumnMean } from "./scan";
export { packedMatvec } from "./spmv";
export { syrk, syrkPrepare, syrkScratchBytes, syrkSweep } from "./syrk";

/** First byte that the host may manage (after static data and the stack). */
export function heapBase(): usize {
  return __heap_base;
}
