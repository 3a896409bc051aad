// The kernel ABI shared by every backend. Pointers are byte offsets into the
// backend's linear memory; lengths are element counts. The WebAssembly builds
// export exactly these functions; the plain-TypeScript backend implements them
// over an ArrayBuffer with the same semantics.

/** Status returned by kernels that scan their input: -1 = all finite. */
export const ALL_FINITE = -1;

import type { DiagonalKernels } from "./diagonal-kernels.js";
import type { EigenKernels } from "./eigen-kernels.js";
import type { GemmKernels } from "./gemm-kernels.js";
import type { GemvKernels } from "./gemv-kernels.js";
import type { LinalgKernels } from "./linalg-kernels.js";

export interface Kernels extends EigenKernels, LinalgKernels, GemvKernels, GemmKernels, DiagonalKernels {
  /** First byte the host may manage. */
  heapBase(): number;
  /** Index of the first non-finite of n f64 at x, or -1. */
  findNonFinite(x: number, n: number): number;
  /**
   * out[j] = Σ_r w_r (a[r][j] − shift[j]) / weightSum: the weighted column mean relative to a
   * shift (shift = 0: none); w = 0 means unit weights. Returns the first non-finite index or -1.
   */
  weightedColumnMean(
    a: number,
    rows: number,
    d: number,
    w: number,
    weightSum: number,
    shift: number,
    out: number,
  ): number;
  /** y += alpha·x over n elements. */
  axpy(y: number, x: number, n: number, alpha: number): void;
  /** dst = src over n elements. */
  copy(dst: number, src: number, n: number): void;
  /** x *= alpha over n elements. */
  scale(x: number, n: number, alpha: number): void;
  /** Packed 'U' C += alpha·x xᵀ. */
  packedRank1(c: number, d: number, alpha: number, x: number): void;
  /** Packed 'U' C += Σ_r w_r (a_r − center)(a_r − center)ᵀ; returns the first non-finite index (C untouched) or -1. */
  syrk(c: number, a: number, rows: number, d: number, w: number, center: number, scratch: number): number;
  /** Scratch bytes syrk needs for a block of rows×d. */
  syrkScratchBytes(rows: number, d: number): number;
}

/** The part of WebAssembly.Memory that the host uses; the JS backend mimics it. */
export interface LinearMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
