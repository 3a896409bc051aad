// Packed symmetric storage, LAPACK 'U' (column-major upper = row-major lower), 0-based:
// AP[i + j(j+1)/2] = A[i][j] for 0 <= i <= j < dim.
import { MAX_PAGES, PAGE_BYTES } from "./memory-limits.js";

/** Number of stored entries of a packed dim×dim symmetric matrix. */
export function packedLength(dim: number): number {
  return (dim * (dim + 1)) / 2;
}

/** Position of A[i][j] (either triangle) in packed 'U' storage. */
export function packedIndex(i: number, j: number): number {
  return i <= j ? i + (j * (j + 1)) / 2 : j + (i * (i + 1)) / 2;
}

// One page stays free for the module's static data and stack.
const MAX_PACKED_BYTES = (MAX_PAGES - 1) * PAGE_BYTES;

/** Largest dimension whose packed matrix fits in 32-bit WebAssembly memory. */
export const MAX_DIM = Math.floor((Math.sqrt(1 + MAX_PACKED_BYTES) - 1) / 2);
