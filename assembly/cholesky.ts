// Cholesky factorization A + λI = UᵀU of a packed 'U' matrix, in place, and solves
// with the factor. Blocked right-looking (as LAPACK's dpotrf, which dpptrf is not):
// per block of BLOCK rows, factor the diagonal block, solve for the block's panel of
// U, and subtract the panel's Gram matrix from the trailing matrix with the same
// register-tiled rank-k kernel as the empirical Fisher, so nearly all of the d³/3
// flops run through the SIMD tiles.
import { axpy, scale } from "./packed-ops";
import { columnStart } from "./packed-index";
import { syrkScratchBytes, syrkShifted } from "./syrk";
import { dot } from "./vector";

// @ts-ignore: decorator
@inline
const BLOCK: i32 = 64;
// Columns of the panel solved at a time, so the rows being updated stay in L1.
// @ts-ignore: decorator
@inline
const PANEL_COLUMNS: i32 = 256;

// @ts-ignore: decorator
@inline
function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** Bytes of work memory choleskyPacked needs for dimension d (16-byte aligned). */
export function choleskyWorkBytes(d: i32): i32 {
  const panel = align16(<usize>BLOCK * <usize>d * 8);
  const weights = align16(<usize>BLOCK * 8);
  return <i32>(panel + weights + <usize>syrkScratchBytes(BLOCK, d));
}

// @ts-ignore: decorator
@inline
function at(ap: usize, i: i32, j: i32): usize {
  return ap + ((columnStart(<usize>j) + <usize>i) << 3);
}

/** Factors the diagonal block [k, k+b) in place (dpotf2 on the block). Returns 0 or the failing minor. */
function factorDiagonalBlock(ap: usize, k: i32, b: i32): i32 {
  for (let j = k; j < k + b; j++) {
    const colj = at(ap, k, j);
    const s = load<f64>(at(ap, j, j)) - dot(colj, colj, j - k);
    if (!(s > 0)) return j + 1;
    const ujj = Math.sqrt(s);
    store<f64>(at(ap, j, j), ujj);
    for (let i = j + 1; i < k + b; i++) {
      const p = at(ap, j, i);
      store<f64>(p, (load<f64>(p) - dot(colj, at(ap, k, i), j - k)) / ujj);
    }
  }
  return 0;
}

/**
 * Solves U_kkᵀ X = A[k..k+b)[k+b..d) for the block's panel of U, held row-major
 * (b × m) at `panel`: row j ← (row j − Σ_{l<j} U[k+l][k+j] row l) / U[k+j][k+j].
 */
function solvePanel(ap: usize, k: i32, b: i32, panel: usize, m: i32): void {
  const rowBytes = <usize>m << 3;
  for (let c0: i32 = 0; c0 < m; c0 += PANEL_COLUMNS) {
    const len = min(PANEL_COLUMNS, m - c0);
    const base = panel + (<usize>c0 << 3);
    for (let j: i32 = 0; j < b; j++) {
      const rowj = base + <usize>j * rowBytes;
      for (let l: i32 = 0; l < j; l++) {
        axpy(rowj, base + <usize>l * rowBytes, len, -load<f64>(at(ap, k + l, k + j)));
      }
      scale(rowj, len, 1.0 / load<f64>(at(ap, k + j, k + j)));
    }
  }
}

/**
 * In place: A + damping·I = UᵀU with U upper triangular, in packed 'U' storage.
 * work: choleskyWorkBytes(d) bytes, 16-byte aligned. Returns 0, or k > 0 when the
 * leading minor of order k is not positive definite (LAPACK's info); A is then
 * partly overwritten.
 */
export function choleskyPacked(ap: usize, d: i32, damping: f64, work: usize): i32 {
  choleskyBegin(ap, d, damping, work);
  for (let k: i32 = 0; k < d; k += BLOCK) {
    const info = choleskyPanel(ap, d, k, work);
    if (info != 0) return info;
    const b = min(BLOCK, d - k);
    const m = d - k - b;
    if (m == 0) break;
    // Trailing matrix −= panelᵀ panel.
    syrkShifted(ap, k + b, work, b, m, choleskyTrailingWeights(d, work), 0, choleskyTrailingScratch(d, work));
  }
  return 0;
}

/** Rows of U that each step of the blocked factorization solves (the k of choleskyPanel steps by it). */
export function choleskyBlockRows(): i32 {
  return BLOCK;
}

/** The −1 weights of the trailing update's rows, in the work area after the panel. */
export function choleskyTrailingWeights(d: i32, work: usize): usize {
  return work + align16(<usize>BLOCK * <usize>d * 8);
}

/** The trailing update's SYRK scratch, in the work area after its weights. */
export function choleskyTrailingScratch(d: i32, work: usize): usize {
  return choleskyTrailingWeights(d, work) + align16(<usize>BLOCK * 8);
}

/** The first step of choleskyPacked: adds the damping to the diagonal and sets up the work area. */
export function choleskyBegin(ap: usize, d: i32, damping: f64, work: usize): void {
  if (damping != 0) {
    for (let j: i32 = 0; j < d; j++) {
      const p = at(ap, j, j);
      store<f64>(p, load<f64>(p) + damping);
    }
  }
  const weights = choleskyTrailingWeights(d, work);
  for (let r: i32 = 0; r < BLOCK; r++) store<f64>(weights + (<usize>r << 3), -1.0);
}

/**
 * One block step of choleskyPacked before its trailing update: factors the diagonal
 * block [k, k+b), solves for the block's panel of U and leaves it row-major (b × m) at
 * the start of `work`, the rows of the update A[k+b.., k+b..] −= panelᵀ panel that the
 * caller then applies. Returns 0 or the failing minor.
 */
export function choleskyPanel(ap: usize, d: i32, k: i32, work: usize): i32 {
  const panel = work;
  const b = min(BLOCK, d - k);
  const info = factorDiagonalBlock(ap, k, b);
  if (info != 0) return info;
  const m = d - k - b;
  if (m == 0) return 0;
  // Gather the panel A[k..k+b)[k+b..d) row-major: its rows are the rank-k update's rows.
  for (let c: i32 = 0; c < m; c++) {
    const col = at(ap, k, k + b + c);
    for (let r: i32 = 0; r < b; r++) {
      store<f64>(panel + ((<usize>r * <usize>m + <usize>c) << 3), load<f64>(col + (<usize>r << 3)));
    }
  }
  solvePanel(ap, k, b, panel, m);
  for (let c: i32 = 0; c < m; c++) {
    const col = at(ap, k, k + b + c);
    for (let r: i32 = 0; r < b; r++) {
      store<f64>(col + (<usize>r << 3), load<f64>(panel + ((<usize>r * <usize>m + <usize>c) << 3)));
    }
  }
  return 0;
}

/**
 * Solves (UᵀU) X = B in place for nrhs right-hand sides, each a contiguous run of d
 * f64 at b (row-major nrhs × d), with U the packed factor from choleskyPacked.
 */
export function choleskySolve(u: usize, d: i32, b: usize, nrhs: i32): void {
  for (let r: i32 = 0; r < nrhs; r++) {
    const x = b + <usize>r * (<usize>d << 3);
    // Uᵀ y = x: row j of Uᵀ is column j of U, contiguous.
    for (let j: i32 = 0; j < d; j++) {
      const col = at(u, 0, j);
      const p = x + (<usize>j << 3);
      store<f64>(p, (load<f64>(p) - dot(col, x, j)) / load<f64>(col + (<usize>j << 3)));
    }
    // U z = y by columns: z_j = y_j / U[j][j], then y[0..j) −= z_j U[0..j)[j].
    for (let j: i32 = d - 1; j >= 0; j--) {
      const col = at(u, 0, j);
      const p = x + (<usize>j << 3);
      const zj = load<f64>(p) / load<f64>(col + (<usize>j << 3));
      store<f64>(p, zj);
      axpy(x, col, j, -zj);
    }
  }
}
