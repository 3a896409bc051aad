// Packed symmetric storage, LAPACK 'U' (column-major upper = row-major lower), 0-based:
// AP[i + j(j+1)/2] = A[i][j] for 0 <= i <= j < dim.
import { accumulatorPlanBytes, largestDimWithin } from "./memory-limits.js";

/** Number of stored entries of a packed dim×dim symmetric matrix (unchecked; the public one is in packed-layout-checked.ts). */
export function packedLength(dim: number): number {
  return (dim * (dim + 1)) / 2;
}

// The helpers below check nothing: callers validate at the public edge, and these run
// inside loops over every entry.

/** Position of A[0][j], the start of column j (entries A[0..j][j]) in packed 'U' storage. */
export function packedColumnStart(j: number): number {
  return (j * (j + 1)) / 2;
}

/** Position of the diagonal entry A[j][j], the last of column j. */
export function packedDiagonalIndex(j: number): number {
  return (j * (j + 3)) / 2;
}

/** Position of A[i][j] (either triangle) in packed 'U' storage (unchecked; the public one is in packed-layout-checked.ts). */
export function packedIndex(i: number, j: number): number {
  return i <= j ? packedColumnStart(j) + i : packedColumnStart(i) + j;
}

/**
 * Packs the upper triangle of a row-major dim×dim matrix (the lower one is not read),
 * into `out` when given; returns the packed array. The offsets locate one matrix of a
 * batch without a subarray per matrix, which costs more than packing a small one.
 */
export function packDense(
  a: Float64Array,
  dim: number,
  out = new Float64Array(packedLength(dim)),
  aOffset = 0,
  outOffset = 0,
): Float64Array {
  for (let j = 0; j < dim; j++) {
    const col = outOffset + packedColumnStart(j);
    for (let i = 0; i <= j; i++) out[col + i] = a[aOffset + i * dim + j] as number;
  }
  return out;
}

/** The full row-major dim×dim matrix of packed 'U' entries, into `out` when given. */
export function unpackToDense(packed: Float64Array, dim: number, out = new Float64Array(dim * dim)): Float64Array {
  for (let j = 0; j < dim; j++) {
    const col = packedColumnStart(j);
    for (let i = 0; i <= j; i++) {
      const v = packed[col + i] as number;
      out[i * dim + j] = v;
      out[j * dim + i] = v;
    }
  }
  return out;
}

/** (A + Aᵀ)/2 of a row-major dim×dim matrix, packed: for results symmetric only up to rounding. */
export function symmetrizeAndPack(a: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(packedLength(dim));
  for (let j = 0; j < dim; j++) {
    const col = packedColumnStart(j);
    for (let i = 0; i <= j; i++) out[col + i] = 0.5 * ((a[i * dim + j] as number) + (a[j * dim + i] as number));
  }
  return out;
}

/** The least symmetric pair of a dense matrix, for a symmetry check to report. */
export interface Asymmetry {
  /** Row of the upper entry, i < j. */
  i: number;
  /** Column of the upper entry. */
  j: number;
  /** A[i][j]. */
  upper: number;
  /** A[j][i]. */
  lower: number;
  /** The largest |entry| of the whole matrix, the scale the tolerance is relative to. */
  scale: number;
}

/**
 * The symmetry check of a row-major dim×dim matrix starting at `offset` in `a`: undefined
 * when every |A[i][j] − A[j][i]| <= tolerance · max|entry|, else the pair with the largest
 * difference, for the caller to word its own error. One pass; nothing is allocated for a
 * symmetric matrix, as batches check one small matrix after another. Entries must be finite
 * and the tolerance finite and non-negative (see assertSymmetryTolerance): a NaN passes.
 */
export function findAsymmetry(a: Float64Array, dim: number, tolerance: number, offset = 0): Asymmetry | undefined {
  let worstDifference = 0;
  let worstI = 0;
  let worstJ = 0;
  let scale = 0;
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i < j; i++) {
      const upper = a[offset + i * dim + j] as number;
      const lower = a[offset + j * dim + i] as number;
      const magnitude = Math.max(Math.abs(upper), Math.abs(lower));
      if (magnitude > scale) scale = magnitude;
      const difference = Math.abs(upper - lower);
      if (difference > worstDifference) {
        worstDifference = difference;
        worstI = i;
        worstJ = j;
      }
    }
    const diagonal = Math.abs(a[offset + j * dim + j] as number);
    if (diagonal > scale) scale = diagonal;
  }
  if (!(worstDifference > tolerance * scale)) return undefined;
  return {
    i: worstI,
    j: worstJ,
    upper: a[offset + worstI * dim + worstJ] as number,
    lower: a[offset + worstJ * dim + worstI] as number,
    scale,
  };
}

/**
 * The largest dimension of a dense (packed) Fisher that works in 32-bit WebAssembly memory
 * (4 GiB): a FisherAccumulator of this dim holds its packed state, a working copy of it (for
 * fisher(), covariance(), merge() and the rollback of a failed add()) and the staging area of
 * the rows at once, and empiricalFisher() needs less: 22 779 with this build; a larger dim is
 * refused at once, before anything is allocated. Other objects in the same runtime leave less
 * room (see OutOfMemoryError).
 * @category Linear algebra
 */
export const MAX_DIM = largestDimWithin(accumulatorPlanBytes);
