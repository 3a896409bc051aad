// Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by the implicit
// QL algorithm with Wilkinson-type shifts: root-free (Pal–Walker–Kahan, as in
// LAPACK dsterf) when only values are wanted, with explicit rotations (as in
// dsteqr and EISPACK tql2) when vectors are. The vectors are rows of a row-major
// matrix, so a rotation in the plane (i, i+1) combines two contiguous rows.
export { tridiagonalBasis, tridiagonalize } from "./tridiagonal";

/** Unit roundoff, 2⁻⁵³. */
// @ts-ignore: decorator
@inline
const EPS: f64 = 1.1102230246251565e-16;

/** Sweeps allowed per eigenvalue on average, one budget per matrix (QL_SWEEPS_PER_VALUE on the host). */
// @ts-ignore: decorator
@inline
const SWEEPS_PER_VALUE: i32 = 30;

// @ts-ignore: decorator
@inline
function at(p: usize, k: i32): usize {
  return p + (<usize>k << 3);
}

/** √(a² + b²) without overflow or underflow of the squares. */
function hypot(a: f64, b: f64): f64 {
  a = abs(a);
  b = abs(b);
  const big = max(a, b);
  const small = min(a, b);
  if (small == 0) return big;
  const q = small / big;
  return big * sqrt(1 + q * q);
}

/**
 * Off-diagonals below this are zero whatever their neighbours: it spares blocks of
 * (near) zero diagonal entries the iterations that a purely relative test would
 * spend, at a cost (ε²·‖T‖) far below the rounding error of the reduction.
 */
function negligibleFloor(diag: usize, offdiag: usize, n: i32): f64 {
  let norm: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const e = i < n - 1 ? abs(load<f64>(at(offdiag, i))) : 0;
    norm = max(norm, abs(load<f64>(at(diag, i))) + e);
  }
  return EPS * EPS * norm;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal diag[0..n) and
 * off-diagonal offdiag[0..n−1); on return diag holds them ascending and offdiag is
 * destroyed. Returns 0, or 1 + l when the sweep budget (30·n) ran out while
 * diag[l] was being resolved.
 */
export function tridiagonalEigenvalues(diag: usize, offdiag: usize, n: i32): i32 {
  if (n <= 1) return 0;
  const floor = negligibleFloor(diag, offdiag, n);
  const floor2 = floor * floor;
  // The root-free sweep needs only the squares of the off-diagonal.
  for (let i: i32 = 0; i < n - 1; i++) {
    const e = load<f64>(at(offdiag, i));
    store<f64>(at(offdiag, i), e * e);
  }
  let budget = SWEEPS_PER_VALUE * n;
  let l: i32 = 0;
  while (l < n) {
    // The block l..m is unreduced: every e² in it is above the negligible level.
    let m = l;
    for (; m < n - 1; m++) {
      const e2 = load<f64>(at(offdiag, m));
      const tst = EPS * (abs(load<f64>(at(diag, m))) + abs(load<f64>(at(diag, m + 1))));
      if (e2 <= tst * tst || e2 <= floor2) break;
    }
    if (m == l) {
      l++;
      continue;
    }
    if (m < n - 1) store<f64>(at(offdiag, m), 0);
    if (budget == 0) return l + 1;
    budget--;
    // Shift: the eigenvalue of the leading 2×2 of the block nearer to diag[l].
    const p = load<f64>(at(diag, l));
    const rte = sqrt(load<f64>(at(offdiag, l)));
    let sigma = (load<f64>(at(diag, l + 1)) - p) / (2 * rte);
    sigma = p - rte / (sigma + copysign(hypot(sigma, 1), sigma));
    let c: f64 = 1;
    let s: f64 = 0;
    let gamma = load<f64>(at(diag, m)) - sigma;
    let q = gamma * gamma;
    for (let i = m - 1; i >= l; i--) {
      const bb = load<f64>(at(offdiag, i));
      const r = q + bb;
      if (i != m - 1) store<f64>(at(offdiag, i + 1), s * r);
      const oldc = c;
      c = q / r;
      s = bb / r;
      const oldgam = gamma;
      const alpha = load<f64>(at(diag, i));
      gamma = c * (alpha - sigma) - s * oldgam;
      store<f64>(at(diag, i + 1), oldgam + (alpha - gamma));
      q = c != 0 ? (gamma * gamma) / c : oldc * bb;
    }
    store<f64>(at(offdiag, l), s * q);
    store<f64>(at(diag, l), sigma + gamma);
  }
  sortValues(diag, n, 0);
  return 0;
}

/** (a, b) ← (c·a − s·b, s·a + c·b) over n entries of two rows. */
function rotateRows(a: usize, b: usize, n: i32, c: f64, s: f64): void {
  let k: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const cv = f64x2.splat(c);
    const sv = f64x2.splat(s);
    for (; k + 2 <= n; k += 2) {
      const x = v128.load(at(a, k));
      const y = v128.load(at(b, k));
      v128.store(at(a, k), f64x2.sub(f64x2.mul(x, cv), f64x2.mul(y, sv)));
      v128.store(at(b, k), f64x2.add(f64x2.mul(x, sv), f64x2.mul(y, cv)));
    }
  }
  for (; k < n; k++) {
    const x = load<f64>(at(a, k));
    const y = load<f64>(at(b, k));
    store<f64>(at(a, k), c * x - s * y);
    store<f64>(at(b, k), s * x + c * y);
  }
}

/** Swaps two rows of n f64. */
function swapRows(a: usize, b: usize, n: i32): void {
  let k: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    for (; k + 2 <= n; k += 2) {
      const x = v128.load(at(a, k));
      v128.store(at(a, k), v128.load(at(b, k)));
      v128.store(at(b, k), x);
    }
  }
  for (; k < n; k++) {
    const x = load<f64>(at(a, k));
    store<f64>(at(a, k), load<f64>(at(b, k)));
    store<f64>(at(b, k), x);
  }
}

/**
 * Sorts diag[0..n) ascending by selection (at most n − 1 swaps, O(n²) comparisons:
 * negligible beside the iteration), swapping the matching rows of z when z != 0.
 */
function sortValues(diag: usize, n: i32, z: usize): void {
  const rowBytes = <usize>n << 3;
  for (let i: i32 = 0; i < n - 1; i++) {
    let k = i;
    let p = load<f64>(at(diag, i));
    for (let j: i32 = i + 1; j < n; j++) {
      const x = load<f64>(at(diag, j));
      if (x < p) {
        k = j;
        p = x;
      }
    }
    if (k != i) {
      store<f64>(at(diag, k), load<f64>(at(diag, i)));
      store<f64>(at(diag, i), p);
      if (z != 0) swapRows(z + <usize>i * rowBytes, z + <usize>k * rowBytes, n);
    }
  }
}

/**
 * Eigenvalues and eigenvectors of the symmetric tridiagonal matrix (diag, offdiag)
 * as in tridiagonalEigenvalues. z: n×n row-major whose rows are the basis the
 * tridiagonal matrix is expressed in (the identity, or Qᵀ from tridiagonalBasis);
 * on return row k of z is the unit eigenvector of diag[k], values ascending.
 * work: 2·n f64. Returns 0, or 1 + l as tridiagonalEigenvalues does.
 */
export function tridiagonalEigenvectors(diag: usize, offdiag: usize, n: i32, z: usize, work: usize): i32 {
  if (n <= 1) return 0;
  const cosines = work;
  const sines = work + (<usize>n << 3);
  const rowBytes = <usize>n << 3;
  const floor = negligibleFloor(diag, offdiag, n);
  let budget = SWEEPS_PER_VALUE * n;
  let l: i32 = 0;
  while (l < n) {
    let m = l;
    for (; m < n - 1; m++) {
      const e = abs(load<f64>(at(offdiag, m)));
      if (e <= EPS * (abs(load<f64>(at(diag, m))) + abs(load<f64>(at(diag, m + 1)))) || e <= floor) break;
    }
    if (m == l) {
      l++;
      continue;
    }
    if (m < n - 1) store<f64>(at(offdiag, m), 0);
    if (budget == 0) return l + 1;
    budget--;
    // Implicit shift: g = diag[m] − σ with σ the eigenvalue of the leading 2×2 nearer diag[l].
    const el = load<f64>(at(offdiag, l));
    const dl = load<f64>(at(diag, l));
    let g = (load<f64>(at(diag, l + 1)) - dl) / (2 * el);
    g = load<f64>(at(diag, m)) - dl + el / (g + copysign(hypot(g, 1), g));
    let c: f64 = 1;
    let s: f64 = 1;
    let p: f64 = 0;
    for (let i = m - 1; i >= l; i--) {
      const e = load<f64>(at(offdiag, i));
      const f = s * e;
      const b = c * e;
      // The rotation [c s; −s c] takes (g, f) to (r, 0).
      let r: f64;
      if (f == 0) {
        c = 1;
        s = 0;
        r = g;
      } else {
        r = hypot(f, g);
        c = g / r;
        s = f / r;
      }
      if (i != m - 1) store<f64>(at(offdiag, i + 1), r);
      g = load<f64>(at(diag, i + 1)) - p;
      r = (load<f64>(at(diag, i)) - g) * s + 2 * c * b;
      p = s * r;
      store<f64>(at(diag, i + 1), g + p);
      g = c * r - b;
      store<f64>(at(cosines, i), c);
      store<f64>(at(sines, i), s);
    }
    store<f64>(at(diag, l), load<f64>(at(diag, l)) - p);
    store<f64>(at(offdiag, l), g);
    for (let i = m - 1; i >= l; i--) {
      const row = z + <usize>i * rowBytes;
      rotateRows(row, row + rowBytes, n, load<f64>(at(cosines, i)), load<f64>(at(sines, i)));
    }
  }
  sortValues(diag, n, z);
  return 0;
}
