// Symmetric eigen-decomposition of a packed 'U' matrix in a runtime's kernels:
// Householder tridiagonalization, then implicit QL for the values alone, divide and
// conquer and a blocked back-transformation when vectors are wanted. Input is assumed validated (finite, right length).
import { ConvergenceError } from "../base/errors.js";
import { largestDimWithin, RESERVED_BYTES } from "../base/memory-limits.js";
import { EIGEN_CONVERGED, QL_SWEEPS_PER_VALUE } from "../engine/eigen-kernels.js";
import type { Runtime } from "../engine/runtime.js";
import { applyReflectors, backTransformLengths } from "./householder-back-transform.js";
import { divideConquerLengths, tridiagonalDivideConquer } from "./tridiagonal-divide-conquer.js";

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Row-major dim×dim, eigenvector k in column k: A = V diag(values) Vᵀ, VᵀV = I. */
  vectors: Float64Array;
}

// The kernels square entries and sum the squares; a power of two that brings the
// largest entry near 1 keeps every square in range and is undone exactly.
const SAFE_EXPONENT = 128;
const MAX_EXPONENT = 1000;

/** The packed matrix scaled into the safe range, and the factor that undoes it. */
function scaled(packed: Float64Array): { data: Float64Array; unscale: number } {
  let largest = 0;
  for (const x of packed) largest = Math.max(largest, Math.abs(x));
  // Clamped so that 2^±exponent stays finite even for a subnormal largest entry.
  const exponent = largest > 0 ? Math.max(-MAX_EXPONENT, Math.min(MAX_EXPONENT, Math.round(Math.log2(largest)))) : 0;
  if (Math.abs(exponent) <= SAFE_EXPONENT) return { data: packed, unscale: 1 };
  return { data: packed.map((x) => x * 2 ** -exponent), unscale: 2 ** exponent };
}

function notConverged(status: number, dim: number): ConvergenceError {
  return new ConvergenceError(
    `the QL iteration for eigenvalue ${status - 1} of ${dim} ran out of sweeps`,
    `Symmetric eigen-decomposition failed: the QL iteration for eigenvalue ${status - 1} of ${dim} ` +
      `did not converge within ${QL_SWEEPS_PER_VALUE * dim} sweeps.`,
  );
}

/** Where a reduced matrix lives in backend memory (byte offsets). */
export interface Tridiagonal {
  /** The reflectors: u for H(i) in column i+1, rows 0..i, of a column-major dim×dim matrix. */
  a: number;
  diag: number;
  offdiag: number;
  tau: number;
}

/**
 * Unpacks `packed` into a column-major dim×dim matrix in backend memory (upper triangle; column
 * j of packed 'U' storage is a contiguous run at j(j+1)/2, of the full matrix at j·dim), reduces
 * it to tridiagonal form in panels and hands the arrays on. The full copy costs dim² f64
 * against the packed dim(dim+1)/2, and buys a fixed column stride for the rank-2k updates.
 */
export function withTridiagonal<T>(
  rt: Runtime,
  packed: Float64Array,
  dim: number,
  body: (rt: Runtime, t: Tridiagonal) => T,
): T {
  const workBytes = rt.kernels.tridiagonalizeDenseWorkBytes(dim);
  return rt.scoped([dim * dim, dim, dim, dim, Math.ceil(workBytes / 8)], (a, diag, offdiag, tau, work) => {
    const mem = rt.f64();
    const base = (a as number) / 8;
    for (let j = 0, start = 0; j < dim; start += ++j) mem.set(packed.subarray(start, start + j + 1), base + j * dim);
    rt.kernels.tridiagonalizeDense(a as number, dim, diag as number, offdiag as number, tau as number, work as number);
    return body(rt, { a: a as number, diag: diag as number, offdiag: offdiag as number, tau: tau as number });
  });
}

/** As withTridiagonal, by the previous reduction: packed storage, one column at a time; `extra` f64 more for the caller. */
export function withPackedTridiagonal<T>(
  rt: Runtime,
  packed: Float64Array,
  dim: number,
  extra: number,
  body: (rt: Runtime, t: Tridiagonal & { work: number; extra: number }) => T,
): T {
  return rt.scoped(
    [packed.length, dim, dim, dim, 2 * dim + 2, Math.max(extra, 1)],
    (ap, diag, offdiag, tau, work, more) => {
      rt.write(ap as number, packed);
      rt.kernels.tridiagonalize(ap as number, dim, diag as number, offdiag as number, tau as number, work as number);
      const t = { a: ap as number, diag: diag as number, offdiag: offdiag as number, tau: tau as number };
      return body(rt, { ...t, work: work as number, extra: more as number });
    },
  );
}

/** Eigenvalues of the dim×dim symmetric matrix in packed 'U' storage, ascending. */
export function symmetricEigenvalues(rt: Runtime, packed: Float64Array, dim: number): Float64Array {
  if (dim === 0) return new Float64Array(0);
  const { data, unscale } = scaled(packed);
  const qlValues = (rt: Runtime, t: Tridiagonal): Float64Array => {
    const status = rt.kernels.tridiagonalEigenvalues(t.diag, t.offdiag, dim);
    if (status !== EIGEN_CONVERGED) throw notConverged(status, dim);
    return rt.read(t.diag, dim);
  };
  // Past eigh's limit the d × d copy would crowd out the rest of memory (at MAX_DIM it would not
  // fit at all): the packed reduction, one column at a time, needs half as much.
  const values =
    dim <= MAX_EIGENVECTOR_DIM
      ? withTridiagonal(rt, data, dim, qlValues)
      : withPackedTridiagonal(rt, data, dim, 0, qlValues);
  if (unscale !== 1) for (let k = 0; k < dim; k++) values[k] = (values[k] as number) * unscale;
  return values;
}

/**
 * Runs `body` with uninitialised regions of the given f64 lengths (byte offsets) and frees them
 * whatever happens: the divide and conquer writes every entry it reads, and zero-filling its
 * five d×d regions would cost as much as a merge.
 */
function withRegions<T>(rt: Runtime, lengths: readonly number[], body: (ptrs: number[]) => T): T {
  const ptrs: number[] = [];
  try {
    for (const n of lengths) ptrs.push(rt.arena.alloc(Math.max(n, 1) * 8));
    return body(ptrs);
  } finally {
    for (const p of ptrs) rt.arena.free(p);
  }
}

/** Bytes of an arena block of n f64 (16-byte granules). */
const blockBytes = (n: number): number => Math.ceil((Math.max(n, 1) * 8) / 16) * 16;

/**
 * An upper bound on tridiagonalizeDenseWorkBytes(d) for every backend: the WebAssembly kernel's
 * W (d × 32), 32 f64 of scratch and the packed factors of the rank-64 update (⌈d/4⌉ + 8 panels
 * of 64 rows, 2 112 bytes each); the plain-TypeScript kernel needs 2d + 2 f64.
 */
export function tridiagonalWorkBound(d: number): number {
  return 8 * (32 * d + 32) + (Math.ceil(d / 4) + 8) * 2112;
}

/** What the reduction in panels holds in backend memory: the d × d copy, T, τ and its work. */
function reductionPlanBytes(d: number): number {
  return blockBytes(d * d) + 3 * blockBytes(d) + blockBytes(Math.ceil(tridiagonalWorkBound(d) / 8));
}

/**
 * An upper bound on the GEMM kernel's scratch for the products of eigh (the merges' and the
 * back-transformation's, one at a time): ⌈d/4⌉ + 8 panels of at most 128 rows, 4 160 bytes each.
 */
function gemmScratchBound(d: number): number {
  return (Math.ceil(d / 4) + 8) * 4160;
}

/**
 * What symmetricEigen holds in backend memory at once for dimension d: the reduction's d × d
 * copy (which keeps the reflectors), T, τ and its work, the divide and conquer's and the
 * back-transformation's regions, and the GEMM scratch of one of them.
 */
export function eigenvectorsPlanBytes(d: number): number {
  const regions = [...divideConquerLengths(d), ...backTransformLengths(d)].reduce((sum, n) => sum + blockBytes(n), 0);
  return reductionPlanBytes(d) + regions + blockBytes(gemmScratchBound(d) / 8) + RESERVED_BYTES;
}

/** The largest dim whose eigenvectors (dim × dim) and work areas fit in 32-bit WebAssembly memory. */
export const MAX_EIGENVECTOR_DIM = largestDimWithin(eigenvectorsPlanBytes);

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (column k for value k) of a packed 'U'
 * matrix: Householder tridiagonalization, divide and conquer on the tridiagonal matrix, and the
 * reflectors applied to its eigenvectors in blocks.
 */
export function symmetricEigen(rt: Runtime, packed: Float64Array, dim: number): SymmetricEigen {
  if (dim === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const { data, unscale } = scaled(packed);
  const result = withTridiagonal(rt, data, dim, (rt, t) => {
    const diag = rt.read(t.diag, dim);
    const offdiag = rt.read(t.offdiag, dim - 1);
    const tau = rt.read(t.tau, dim - 1);
    const split = divideConquerLengths(dim);
    return withRegions(rt, [...split, ...backTransformLengths(dim)], (ptrs) => {
      const values = tridiagonalDivideConquer(rt, diag, offdiag, dim, ptrs);
      // Vectors leave the divide and conquer as rows; the back-transformation and the API want columns.
      const [rows, columns] = ptrs as [number, number];
      rt.kernels.transposeBlock(columns, rows, dim, dim, dim);
      applyReflectors(rt, t.a, tau, dim, columns, ptrs.slice(split.length));
      return { values, vectors: rt.read(columns, dim * dim) };
    });
  });
  if (unscale !== 1) for (let k = 0; k < dim; k++) result.values[k] = (result.values[k] as number) * unscale;
  return result;
}

/**
 * As symmetricEigen, by the previous algorithm: the explicit basis Q, rotated by the QL
 * iteration into the eigenvectors. Kept as the reference the benchmark compares with.
 */
export function symmetricEigenByQL(rt: Runtime, packed: Float64Array, dim: number): SymmetricEigen {
  if (dim === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const { data, unscale } = scaled(packed);
  const { values, rows } = withPackedTridiagonal(rt, data, dim, dim * dim, (rt, t) => {
    const z = t.extra;
    rt.kernels.tridiagonalBasis(t.a, dim, t.tau, z);
    // The reduction's work area is free again: it serves as the QL's rotation store.
    const status = rt.kernels.tridiagonalEigenvectors(t.diag, t.offdiag, dim, z, t.work);
    if (status !== EIGEN_CONVERGED) throw notConverged(status, dim);
    return { values: rt.read(t.diag, dim), rows: rt.read(z, dim * dim) };
  });
  if (unscale !== 1) for (let k = 0; k < dim; k++) values[k] = (values[k] as number) * unscale;
  // The kernel leaves eigenvector k in row k; the API has it in column k.
  const vectors = new Float64Array(dim * dim);
  for (let k = 0; k < dim; k++) {
    for (let i = 0; i < dim; i++) vectors[i * dim + k] = rows[k * dim + i] as number;
  }
  return { values, vectors };
}
