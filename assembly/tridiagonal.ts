// Householder reduction of a packed 'U' symmetric matrix to tridiagonal form,
// T = Qᵀ A Q with Q = H(d−2) ⋯ H(0) (the scheme of LAPACK dsptrd, uplo 'U'), and
// the explicit basis Q (what dopgtr forms). Step i reflects the leading (i+1)×(i+1)
// block, whose columns are contiguous runs of the packed array, so the two level-2
// kernels that dominate the cost, a symmetric product and a rank-2 update, stream
// the block front to back in f64x2 lanes.
import { scale } from "./packed-ops";
import { columnStart } from "./packed-index";
import { dot } from "./vector";

// @ts-ignore: decorator
@inline
function at(p: usize, k: i32): usize {
  return p + (<usize>k << 3);
}

/**
 * y[0..m) = A v for the leading m×m block of the packed matrix at ap. Column j
 * serves twice while it is in registers: as the part of column j above the
 * diagonal (y[0..j) += A[0..j)[j] v[j]) and, by symmetry, as row j (y[j] += A[j][0..j] v).
 */
function symmetricProduct(ap: usize, m: i32, v: usize, y: usize): void {
  memory.fill(y, 0, <usize>m << 3);
  for (let j: i32 = 0; j < m; j++) {
    const col = ap + (columnStart(<usize>j) << 3);
    const vj = load<f64>(at(v, j));
    let rowSum: f64 = 0;
    let k: i32 = 0;
    if (ASC_FEATURE_SIMD) {
      const s = f64x2.splat(vj);
      // Two sums, so consecutive adds do not wait on each other.
      let acc0 = f64x2.splat(0);
      let acc1 = f64x2.splat(0);
      for (; k + 4 <= j; k += 4) {
        const a0 = v128.load(at(col, k));
        const a1 = v128.load(at(col, k), 16);
        v128.store(at(y, k), f64x2.add(v128.load(at(y, k)), f64x2.mul(a0, s)));
        v128.store(at(y, k), f64x2.add(v128.load(at(y, k), 16), f64x2.mul(a1, s)), 16);
        acc0 = f64x2.add(acc0, f64x2.mul(a0, v128.load(at(v, k))));
        acc1 = f64x2.add(acc1, f64x2.mul(a1, v128.load(at(v, k), 16)));
      }
      const acc = f64x2.add(acc0, acc1);
      rowSum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    }
    for (; k < j; k++) {
      const a = load<f64>(at(col, k));
      store<f64>(at(y, k), load<f64>(at(y, k)) + a * vj);
      rowSum += a * load<f64>(at(v, k));
    }
    store<f64>(at(y, j), load<f64>(at(y, j)) + rowSum + load<f64>(at(col, j)) * vj);
  }
}

/** A −= v wᵀ + w vᵀ on the leading m×m block of the packed matrix at ap. */
function symmetricRank2(ap: usize, m: i32, v: usize, w: usize): void {
  for (let j: i32 = 0; j < m; j++) {
    const col = ap + (columnStart(<usize>j) << 3);
    const vj = load<f64>(at(v, j));
    const wj = load<f64>(at(w, j));
    const len = j + 1;
    let k: i32 = 0;
    if (ASC_FEATURE_SIMD) {
      const sv = f64x2.splat(vj);
      const sw = f64x2.splat(wj);
      for (; k + 2 <= len; k += 2) {
        const update = f64x2.add(f64x2.mul(v128.load(at(v, k)), sw), f64x2.mul(v128.load(at(w, k)), sv));
        v128.store(at(col, k), f64x2.sub(v128.load(at(col, k)), update));
      }
    }
    for (; k < len; k++) {
      const update = load<f64>(at(v, k)) * wj + load<f64>(at(w, k)) * vj;
      store<f64>(at(col, k), load<f64>(at(col, k)) - update);
    }
  }
}

/** f64 slots from one 16-byte boundary to the next at or after n slots. */
// @ts-ignore: decorator
@inline
function evenUp(n: i32): i32 {
  return (n + 1) & ~1;
}

/**
 * Reduces the packed 'U' matrix at ap (dimension d) to tridiagonal form in place.
 * On return diag[0..d) and offdiag[0..d−1) hold T (offdiag[i] = T[i][i+1]) and
 * tau[0..d−1) the reflector scales: H(i) = I − tau[i] u uᵀ, where u = column i+1
 * of ap, rows 0..i (u[i] = 1 is stored), zero below. tau[i] = 0 means H(i) = I.
 * work: 2·d + 2 f64, 16-byte aligned. Entries must be finite with squares and
 * their sums in range; the host scales the matrix to keep them there.
 */
export function tridiagonalize(ap: usize, d: i32, diag: usize, offdiag: usize, tau: usize, work: usize): void {
  if (d <= 0) return;
  const v = work;
  const w = work + (<usize>evenUp(d) << 3);
  for (let i: i32 = d - 2; i >= 0; i--) {
    const col = ap + (columnStart(<usize>(i + 1)) << 3);
    const alpha = load<f64>(at(col, i));
    const tail = dot(col, col, i);
    let beta = alpha;
    let t: f64 = 0;
    if (tail > 0) {
      // H maps (col[0..i), alpha) to (0, …, 0, beta); the sign of beta avoids cancellation.
      beta = -copysign(sqrt(alpha * alpha + tail), alpha);
      t = (beta - alpha) / beta;
      scale(col, i, 1 / (alpha - beta));
      store<f64>(at(col, i), 1);
      memory.copy(v, col, <usize>(i + 1) << 3);
      // H A H = A − u wᵀ − w uᵀ with w = τ A u − ½ τ² (uᵀ A u) u.
      symmetricProduct(ap, i + 1, v, w);
      const half = -0.5 * t * t * dot(w, v, i + 1);
      for (let k: i32 = 0; k <= i; k++) store<f64>(at(w, k), t * load<f64>(at(w, k)) + half * load<f64>(at(v, k)));
      symmetricRank2(ap, i + 1, v, w);
    }
    store<f64>(at(offdiag, i), beta);
    store<f64>(at(tau, i), t);
    store<f64>(at(diag, i + 1), load<f64>(at(col, i + 1)));
  }
  store<f64>(diag, load<f64>(ap));
}

/** row −= τ (uᵀ row) u over the first n entries. */
function reflectRow(row: usize, u: usize, n: i32, t: f64): void {
  const s = t * dot(u, row, n);
  if (s == 0) return;
  let k: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f64x2.splat(s);
    for (; k + 2 <= n; k += 2) {
      v128.store(at(row, k), f64x2.sub(v128.load(at(row, k)), f64x2.mul(v128.load(at(u, k)), sv)));
    }
  }
  for (; k < n; k++) store<f64>(at(row, k), load<f64>(at(row, k)) - s * load<f64>(at(u, k)));
}

/**
 * reflectRow on four rows `stride` bytes apart: u is read once for all four, and
 * the four dot products are independent chains.
 */
function reflectRows4(row: usize, stride: usize, u: usize, n: i32, t: f64): void {
  const r1 = row + stride;
  const r2 = r1 + stride;
  const r3 = r2 + stride;
  let d0: f64 = 0, d1: f64 = 0, d2: f64 = 0, d3: f64 = 0;
  let k: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (; k + 2 <= n; k += 2) {
      const x = v128.load(at(u, k));
      a0 = f64x2.add(a0, f64x2.mul(x, v128.load(at(row, k))));
      a1 = f64x2.add(a1, f64x2.mul(x, v128.load(at(r1, k))));
      a2 = f64x2.add(a2, f64x2.mul(x, v128.load(at(r2, k))));
      a3 = f64x2.add(a3, f64x2.mul(x, v128.load(at(r3, k))));
    }
    d0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    d1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    d2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    d3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
  }
  for (let j = k; j < n; j++) {
    const x = load<f64>(at(u, j));
    d0 += x * load<f64>(at(row, j));
    d1 += x * load<f64>(at(r1, j));
    d2 += x * load<f64>(at(r2, j));
    d3 += x * load<f64>(at(r3, j));
  }
  const s0 = t * d0, s1 = t * d1, s2 = t * d2, s3 = t * d3;
  k = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f64x2.splat(s0), v1 = f64x2.splat(s1), v2 = f64x2.splat(s2), v3 = f64x2.splat(s3);
    for (; k + 2 <= n; k += 2) {
      const x = v128.load(at(u, k));
      v128.store(at(row, k), f64x2.sub(v128.load(at(row, k)), f64x2.mul(x, v0)));
      v128.store(at(r1, k), f64x2.sub(v128.load(at(r1, k)), f64x2.mul(x, v1)));
      v128.store(at(r2, k), f64x2.sub(v128.load(at(r2, k)), f64x2.mul(x, v2)));
      v128.store(at(r3, k), f64x2.sub(v128.load(at(r3, k)), f64x2.mul(x, v3)));
    }
  }
  for (; k < n; k++) {
    const x = load<f64>(at(u, k));
    store<f64>(at(row, k), load<f64>(at(row, k)) - x * s0);
    store<f64>(at(r1, k), load<f64>(at(r1, k)) - x * s1);
    store<f64>(at(r2, k), load<f64>(at(r2, k)) - x * s2);
    store<f64>(at(r3, k), load<f64>(at(r3, k)) - x * s3);
  }
}

/**
 * Writes Qᵀ, row-major d×d, at q: row c is column c of Q = H(d−2) ⋯ H(0), from the
 * reflectors that tridiagonalize left in ap and tau. Rows are independent:
 * Q e_c = H(d−2) ⋯ H(c) e_c, because H(i) for i < c acts on rows 0..i, where e_c is
 * zero. So each group of four rows is built in cache with every reflector applied
 * once to the group; reflectors c..c+3 meet rows still zero in their support.
 */
export function tridiagonalBasis(ap: usize, d: i32, tau: usize, q: usize): void {
  if (d <= 0) return;
  const stride = <usize>d << 3;
  memory.fill(q, 0, <usize>d * stride);
  for (let c: i32 = 0; c < d; c += 4) {
    const rows = min(4, d - c);
    const first = q + <usize>c * stride;
    for (let r: i32 = 0; r < rows; r++) store<f64>(at(first + <usize>r * stride, c + r), 1);
    for (let i: i32 = c; i <= d - 2; i++) {
      const t = load<f64>(at(tau, i));
      if (t == 0) continue;
      const u = ap + (columnStart(<usize>(i + 1)) << 3);
      if (rows == 4) {
        reflectRows4(first, stride, u, i + 1, t);
      } else {
        for (let r: i32 = 0; r < rows; r++) reflectRow(first + <usize>r * stride, u, i + 1, t);
      }
    }
  }
}
