// The size limits of 32-bit WebAssembly memory, which every backend (the plain-TypeScript one
// too) shares so that a dimension that fits one fits them all, and the memory plans that turn
// a dimension into the bytes an object or a call needs, so that a size that cannot fit is
// refused before anything is allocated.

/** Bytes in one page of WebAssembly memory. */
export const PAGE_BYTES = 65536;
/** 32-bit WebAssembly memory: 65536 pages of 64 KiB. */
export const MAX_PAGES = 65536;
/** The whole 32-bit memory, 4 GiB. */
export const MEMORY_LIMIT_BYTES = MAX_PAGES * PAGE_BYTES;
/** Kept aside in every plan: the module's static data and stack, and the small blocks of other calls. */
export const RESERVED_BYTES = 16 * PAGE_BYTES;

/** Rows staged per kernel call: big enough to amortise the sweep, small enough to stay in cache. */
export const CHUNK_ROWS = 256;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * An upper bound of the rank-k kernel's scratch for `rows` rows of dimension d: two panel
 * copies of the rows, four columns wide, 32 bytes per row and panel plus a cache line
 * (assembly/syrk.ts, syrkScratchBytes). The plain-TypeScript backend needs none.
 */
export function syrkScratchBound(rows: number, d: number): number {
  return Math.ceil(d / 4) * 2 * (rows * 32 + 64);
}

/**
 * Bytes of a runtime's staging area for chunks of dimension d: the rows, their weights, a mean
 * and the kernel's scratch, plus a cache line to align them (see Runtime.staging).
 */
export function stagingBytes(d: number): number {
  return align16(CHUNK_ROWS * d * 8) + align16(CHUNK_ROWS * 8) + align16(d * 8) + syrkScratchBound(CHUNK_ROWS, d) + 64;
}

/** Bytes of a packed d×d symmetric matrix, 16-byte aligned. */
export function packedBytes(d: number): number {
  return align16(((d * (d + 1)) / 2) * 8);
}

/**
 * The most a FisherAccumulator of dimension d holds at once: its state (three vectors and the
 * packed co-moment), one working copy of that state (the rollback copy of a multi-chunk add(), the
 * copy fisher(), covariance() and merge() return from), and the staging area; beside it, room
 * for a centered empiricalFisher() (one packed result and two vectors) in place of the copy.
 */
export function accumulatorPlanBytes(d: number): number {
  // The state: the shift, the offset and the mean (a vector each) and the packed co-moment.
  const state = 3 * align16(d * 8) + packedBytes(d);
  // The centered empiricalFisher holds a packed result and two vectors (the mean and the shift).
  return 2 * state + 2 * align16((d + 1) * 8) + stagingBytes(d) + RESERVED_BYTES;
}

/** The largest dim ≥ 1 whose plan fits in `limit` bytes (0 when none does); plans grow with dim. */
export function largestDimWithin(plan: (dim: number) => number, limit = MEMORY_LIMIT_BYTES): number {
  let low = 0;
  let high = 1;
  while (plan(high) <= limit) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (plan(mid) <= limit) low = mid;
    else high = mid;
  }
  return low;
}

/**
 * What a KroneckerFactoredFisher with factors of orders a and o holds at once: the two packed
 * sums, the batch's two packed sums before they are added, and the staged rows of the wider factor.
 */
export function kroneckerPlanBytes(a: number, o: number): number {
  return 2 * (packedBytes(a) + packedBytes(o)) + stagingBytes(Math.max(a, o)) + RESERVED_BYTES;
}
