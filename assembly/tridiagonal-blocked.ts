// Householder reduction of a full column-major symmetric matrix (upper triangle referenced,
// lda = d) to tridiagonal form by panels, the split of LAPACK's dsytrd and dlatrd (uplo 'U'):
// the last NB columns of the leading block are reduced one at a time while the updates they
// owe the rest of the block are held back as two n×NB matrices, V (the reflectors, left in the
// columns) and W, so that the block takes them at once as a rank-2·NB update
// A −= V Wᵀ + W Vᵀ in the 4×4 register tiles of the GEMM kernel. The columns of the panel see
// the held-back updates through small products with V and W instead. Column j of the upper
// triangle is a contiguous run of j + 1 values, as in packed storage, but a fixed lda lets a
// tile of the update step from column to column by a constant stride.
import { tileScalar, tileSimd } from "./gemm";
import { scale } from "./packed-ops";
import { madd, padded4, panelStride } from "./simd-tiles";
import { dot } from "./vector";

// Columns per panel, as LAPACK's dsytrd takes by default: each trailing update has rank 2·NB.
// @ts-ignore: decorator
@inline
const NB: i32 = 32;

// Columns of the trailing matrix per packed block of the update's left factor (as gemm's MC).
// @ts-ignore: decorator
@inline
const MC: i32 = 32;

// @ts-ignore: decorator
@inline
function at(p: usize, k: i32): usize {
  return p + (<usize>k << 3);
}

/** Column c of the column-major matrix at a whose columns lie lda f64 apart. */
// @ts-ignore: decorator
@inline
function column(a: usize, lda: i32, c: i32): usize {
  return a + ((<usize>c * <usize>lda) << 3);
}

/**
 * y[0..m) = A v for the leading m×m block (upper triangle, columns lda f64 apart). Two
 * columns at a time: each serves as the part of its column above the diagonal
 * (y[0..j) += A[0..j)[j] v[j]) and, by symmetry, as row j (y[j] += A[0..j][j]·v), so y is
 * loaded and stored once for two columns.
 */
function symmetricProduct(a: usize, lda: i32, m: i32, v: usize, y: usize): void {
  memory.fill(y, 0, <usize>m << 3);
  let j: i32 = 0;
  for (; j + 2 <= m; j += 2) {
    const c0 = column(a, lda, j);
    const c1 = column(a, lda, j + 1);
    const v0 = load<f64>(at(v, j));
    const v1 = load<f64>(at(v, j + 1));
    let s0: f64 = 0;
    let s1: f64 = 0;
    let k: i32 = 0;
    if (ASC_FEATURE_SIMD) {
      const w0 = f64x2.splat(v0);
      const w1 = f64x2.splat(v1);
      let acc0 = f64x2.splat(0);
      let acc1 = f64x2.splat(0);
      for (; k + 2 <= j; k += 2) {
        const a0 = v128.load(at(c0, k));
        const a1 = v128.load(at(c1, k));
        const x = v128.load(at(v, k));
        v128.store(at(y, k), madd(madd(v128.load(at(y, k)), a0, w0), a1, w1));
        acc0 = madd(acc0, a0, x);
        acc1 = madd(acc1, a1, x);
      }
      s0 = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
      s1 = f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
    }
    for (; k < j; k++) {
      const a0 = load<f64>(at(c0, k));
      const a1 = load<f64>(at(c1, k));
      const x = load<f64>(at(v, k));
      store<f64>(at(y, k), load<f64>(at(y, k)) + a0 * v0 + a1 * v1);
      s0 += a0 * x;
      s1 += a1 * x;
    }
    // Row j of column j + 1 is above its diagonal; then the two diagonal entries.
    const a1j = load<f64>(at(c1, j));
    store<f64>(at(y, j), load<f64>(at(y, j)) + s0 + load<f64>(at(c0, j)) * v0 + a1j * v1);
    store<f64>(at(y, j + 1), s1 + a1j * v0 + load<f64>(at(c1, j + 1)) * v1);
  }
  if (j < m) {
    const c0 = column(a, lda, j);
    const v0 = load<f64>(at(v, j));
    let s0: f64 = 0;
    for (let k: i32 = 0; k < j; k++) {
      const a0 = load<f64>(at(c0, k));
      store<f64>(at(y, k), load<f64>(at(y, k)) + a0 * v0);
      s0 += a0 * load<f64>(at(v, k));
    }
    store<f64>(at(y, j), load<f64>(at(y, j)) + s0 + load<f64>(at(c0, j)) * v0);
  }
}

/** x[0..n) += c·y[0..n). */
function addScaled(x: usize, y: usize, c: f64, n: i32): void {
  let k: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f64x2.splat(c);
    for (; k + 2 <= n; k += 2) v128.store(at(x, k), madd(v128.load(at(x, k)), v128.load(at(y, k)), s));
  }
  for (; k < n; k++) store<f64>(at(x, k), load<f64>(at(x, k)) + c * load<f64>(at(y, k)));
}

/**
 * x[0..n) −= Σ_q coef_q · col_q over `count` columns col_q = first + q·ld f64, the
 * coefficients coefStride bytes apart from coef. Two columns per pass over x.
 */
function subtractColumns(x: usize, first: usize, ld: i32, count: i32, n: i32, coef: usize, coefStride: usize): void {
  const step = <usize>ld << 3;
  let q: i32 = 0;
  for (; q + 2 <= count; q += 2) {
    const y0 = first + <usize>q * step;
    const y1 = y0 + step;
    const c0 = -load<f64>(coef + <usize>q * coefStride);
    const c1 = -load<f64>(coef + <usize>(q + 1) * coefStride);
    let k: i32 = 0;
    if (ASC_FEATURE_SIMD) {
      const s0 = f64x2.splat(c0);
      const s1 = f64x2.splat(c1);
      for (; k + 2 <= n; k += 2) {
        v128.store(at(x, k), madd(madd(v128.load(at(x, k)), v128.load(at(y0, k)), s0), v128.load(at(y1, k)), s1));
      }
    }
    for (; k < n; k++) store<f64>(at(x, k), load<f64>(at(x, k)) + c0 * load<f64>(at(y0, k)) + c1 * load<f64>(at(y1, k)));
  }
  if (q < count) addScaled(x, first + <usize>q * step, -load<f64>(coef + <usize>q * coefStride), n);
}

/** out[q] = col_qᵀ x over n rows, for `count` columns col_q = first + q·ld f64. */
function columnDots(out: usize, first: usize, ld: i32, count: i32, n: i32, x: usize): void {
  const step = <usize>ld << 3;
  for (let q: i32 = 0; q < count; q++) store<f64>(at(out, q), dot(first + <usize>q * step, x, n));
}

/**
 * Reduces columns n−nb..n−1 of the leading n×n block of a (lda f64 between columns), last
 * first, as dlatrd does: before column j is reflected it takes the updates that the panel's
 * later columns owe it, and its W column (w, columns ldw f64 apart, column p for matrix column
 * n−nb+p) is A u corrected by the same held-back updates, then τ and the ½ τ² (uᵀ w) u term.
 * Writes diag[j], offdiag[j−1] and tau[j−1] for every column j of the panel; tmp: nb f64.
 */
function reducePanel(
  a: usize,
  lda: i32,
  n: i32,
  nb: i32,
  diag: usize,
  offdiag: usize,
  tau: usize,
  w: usize,
  ldw: i32,
  tmp: usize,
): void {
  const wRow = <usize>ldw << 3;
  const aRow = <usize>lda << 3;
  for (let p: i32 = nb - 1; p >= 0; p--) {
    const j = n - nb + p;
    const cj = column(a, lda, j);
    // Columns j+1..n−1 of the panel, reduced already: V columns in a, W columns in w.
    const later = nb - 1 - p;
    const laterV = column(a, lda, j + 1);
    const laterW = column(w, ldw, p + 1);
    if (later > 0) {
      // A[0..j][j] −= V W[j]ᵀ + W V[j]ᵀ: the held-back updates, on this column only.
      subtractColumns(cj, laterV, lda, later, j + 1, at(laterW, j), wRow);
      subtractColumns(cj, laterW, ldw, later, j + 1, at(laterV, j), aRow);
    }
    store<f64>(at(diag, j), load<f64>(at(cj, j)));
    if (j == 0) continue;
    const i = j - 1;
    const wp = column(w, ldw, p);
    const alpha = load<f64>(at(cj, i));
    const tail = dot(cj, cj, i);
    let beta = alpha;
    let t: f64 = 0;
    if (tail > 0) {
      // H maps (A[0..i)[j], alpha) to (0, …, 0, beta); the sign of beta avoids cancellation.
      beta = -copysign(sqrt(alpha * alpha + tail), alpha);
      t = (beta - alpha) / beta;
      scale(cj, i, 1 / (alpha - beta));
      store<f64>(at(cj, i), 1);
      // w = A u with A as the panel has left it, then the updates the panel holds back.
      symmetricProduct(a, lda, j, cj, wp);
      if (later > 0) {
        columnDots(tmp, laterW, ldw, later, j, cj);
        subtractColumns(wp, laterV, lda, later, j, tmp, 8);
        columnDots(tmp, laterV, lda, later, j, cj);
        subtractColumns(wp, laterW, ldw, later, j, tmp, 8);
      }
      // w = τ A u − ½ τ² (uᵀ A u) u, so that H A H = A − u wᵀ − w uᵀ.
      scale(wp, j, t);
      addScaled(wp, cj, -0.5 * t * dot(wp, cj, j), j);
    } else {
      // H = I: a zero W column makes the held-back update of this column vanish.
      memory.fill(wp, 0, <usize>j << 3);
    }
    store<f64>(at(offdiag, i), beta);
    store<f64>(at(tau, i), t);
  }
}

/**
 * Copies four consecutive entries r0..r0+3 of the column at src (zero past n) to dst, times s.
 */
// @ts-ignore: decorator
@inline
function packFour(dst: usize, src: usize, r0: i32, n: i32, s: f64): void {
  if (r0 + 4 <= n) {
    if (ASC_FEATURE_SIMD) {
      const m = f64x2.splat(s);
      v128.store(dst, f64x2.mul(v128.load(at(src, r0)), m));
      v128.store(dst, f64x2.mul(v128.load(at(src, r0), 16), m), 16);
    } else {
      store<f64>(dst, load<f64>(at(src, r0)) * s);
      store<f64>(dst, load<f64>(at(src, r0 + 1)) * s, 8);
      store<f64>(dst, load<f64>(at(src, r0 + 2)) * s, 16);
      store<f64>(dst, load<f64>(at(src, r0 + 3)) * s, 24);
    }
  } else {
    for (let q: i32 = 0; q < 4; q++) {
      const r = r0 + q;
      store<f64>(dst + (<usize>q << 3), r < n ? load<f64>(at(src, r)) * s : 0.0);
    }
  }
}

/**
 * A[0..m)[0..m) −= V Wᵀ + W Vᵀ on the upper triangle, V the nb columns at v (lda apart), W
 * the nb columns at w (ldw apart), both m rows. Seen row-major, column c of A is row c of a
 * matrix M whose lower triangle is wanted, and M[c][r] −= Σ_k W[c][k] V[r][k] + V[c][k] W[r][k]
 * is the product of the m×2nb left factor −[W V] and the 2nb×m right factor [V W]ᵀ, packed as
 * gemm packs them (four-row and four-column panels). Tiles straddling the diagonal also write
 * below it in M, that is into the unreferenced lower triangle of A.
 */
function rank2kUpdate(a: usize, lda: i32, m: i32, v: usize, w: usize, ldw: i32, nb: i32, scratch: usize): void {
  if (m <= 0) return;
  const kc = nb << 1;
  const stride = panelStride(kc);
  const bPanels = padded4(m) >> 2;
  const packedB = scratch;
  const packedA = scratch + <usize>bPanels * stride;
  for (let t: i32 = 0; t < bPanels; t++) {
    const base = packedB + <usize>t * stride;
    for (let k: i32 = 0; k < nb; k++) {
      packFour(base + (<usize>k << 5), column(v, lda, k), t << 2, m, 1);
      packFour(base + (<usize>(k + nb) << 5), column(w, ldw, k), t << 2, m, 1);
    }
  }
  const rowBytes = <usize>lda << 3;
  for (let ic: i32 = 0; ic < m; ic += MC) {
    const mc = min(MC, m - ic);
    const aPanels = padded4(mc) >> 2;
    for (let s: i32 = 0; s < aPanels; s++) {
      const base = packedA + <usize>s * stride;
      const r0 = ic + (s << 2);
      for (let k: i32 = 0; k < nb; k++) {
        packFour(base + (<usize>k << 5), column(w, ldw, k), r0, m, -1);
        packFour(base + (<usize>(k + nb) << 5), column(v, lda, k), r0, m, -1);
      }
    }
    // Row c of M needs columns r ≤ c: the B panels up to the block's last row.
    const tPanels = padded4(ic + mc) >> 2;
    for (let t: i32 = 0; t < tPanels; t++) {
      const j0 = t << 2;
      const cols = min(4, ic + mc - j0);
      const bp = packedB + <usize>t * stride;
      for (let s: i32 = 0; s < aPanels; s++) {
        const i0 = ic + (s << 2);
        const rows = min(4, m - i0);
        if (j0 >= i0 + rows) continue;
        const cp = column(a, lda, i0) + (<usize>j0 << 3);
        const ap = packedA + <usize>s * stride;
        if (ASC_FEATURE_SIMD) tileSimd(cp, rowBytes, rows, cols, ap, bp, kc);
        else tileScalar(cp, rowBytes, rows, cols, ap, bp, kc);
      }
    }
  }
}

/** Bytes of work that tridiagonalizeDense needs for dimension d (16-byte aligned). */
export function tridiagonalizeDenseWorkBytes(d: i32): i32 {
  if (d <= 0) return 0;
  const nb = min(NB, d);
  const packed = (padded4(d) >> 2) + (padded4(MC) >> 2);
  return <i32>((<usize>d * <usize>nb << 3) + (<usize>nb << 3) + <usize>packed * panelStride(nb << 1));
}

/**
 * Reduces the d×d column-major symmetric matrix at a (upper triangle referenced, lda = d) in
 * place to T = Qᵀ A Q, Q = H(d−2) ⋯ H(0): diag[0..d), offdiag[0..d−1) (T[i][i+1]) and
 * tau[0..d−1); H(i) = I − tau[i] u uᵀ with u = column i+1 of a, rows 0..i (u[i] = 1 is
 * stored), zero below; tau[i] = 0 means H(i) = I. The strict lower triangle is overwritten.
 * work: tridiagonalizeDenseWorkBytes(d) bytes, 16-byte aligned. Entries must be finite with
 * squares and their sums in range; the host scales the matrix to keep them there.
 */
export function tridiagonalizeDense(a: usize, d: i32, diag: usize, offdiag: usize, tau: usize, work: usize): void {
  if (d <= 0) return;
  const w = work;
  const tmp = work + (<usize>d * <usize>min(NB, d) << 3);
  const scratch = tmp + (<usize>min(NB, d) << 3);
  let n = d;
  // Panels of NB with a trailing update while one remains after them; the last block in one panel.
  while (n > NB) {
    reducePanel(a, d, n, NB, diag, offdiag, tau, w, d, tmp);
    const m = n - NB;
    rank2kUpdate(a, d, m, column(a, d, m), w, d, NB, scratch);
    n = m;
  }
  reducePanel(a, d, n, n, diag, offdiag, tau, w, d, tmp);
}
