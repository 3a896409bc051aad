// Dense row-major matrix product C (m×n) = A (m×k) · B (k×n) + beta·C.
// Blocked as in GotoBLAS: a block of KC rows of B is packed into four-column panels
// (32 bytes per row, zero-padded past n), a block of MC rows of A into four-row panels
// (the four entries of one column side by side, zero-padded past m), and a 4×4 register
// tile (8 f64x2 accumulators, as in syrk) sweeps one B panel (held in L1) against every A
// panel of the block (also in L1). One source for the SIMD and scalar builds.
import { madd, padded4, panelStride } from "./simd-tiles";

// Rows of B (columns of A) per packed block: a panel is 4 KiB (measured against 256).
// @ts-ignore: decorator
@inline
const KC: i32 = 128;

// Rows of A per packed block: 32 KiB, within L1 beside the B panel (measured against 64 and 128).
// @ts-ignore: decorator
@inline
const MC: i32 = 32;

/** Bytes of scratch that gemm needs for an m×k by k×n product. */
export function gemmScratchBytes(m: i32, k: i32, n: i32): i32 {
  if (m <= 0 || k <= 0 || n <= 0) return 0;
  const kc = min(k, KC);
  const bPanels = padded4(n) >> 2;
  const aPanels = padded4(min(m, MC)) >> 2;
  return <i32>(<usize>(bPanels + aPanels) * panelStride(kc));
}

// Rows pc..pc+kc of B (k×n, row-major) into four-column panels at `packed`, `stride` bytes apart.
export function packB(b: usize, n: i32, pc: i32, kc: i32, packed: usize, stride: usize): void {
  const full = n >> 2;
  const rowBytes = <usize>n << 3;
  for (let p: i32 = 0; p < kc; p++) {
    const src = b + <usize>(pc + p) * rowBytes;
    let dst = packed + (<usize>p << 5);
    for (let t: i32 = 0; t < full; t++, dst += stride) {
      const s = src + (<usize>t << 5);
      if (ASC_FEATURE_SIMD) {
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
      } else {
        store<f64>(dst, load<f64>(s));
        store<f64>(dst, load<f64>(s, 8), 8);
        store<f64>(dst, load<f64>(s, 16), 16);
        store<f64>(dst, load<f64>(s, 24), 24);
      }
    }
    if (n & 3) {
      const j0 = full << 2;
      for (let q: i32 = 0; q < 4; q++) {
        const j = j0 + q;
        store<f64>(dst + (<usize>q << 3), j < n ? load<f64>(src + (<usize>j << 3)) : 0.0);
      }
    }
  }
}

// Rows ic..ic+mc, columns pc..pc+kc of A (m×k, row-major) into four-row panels at `packed`:
// panel s, row p holds A[ic+4s+r][pc+p] for r = 0..3.
function packA(a: usize, k: i32, ic: i32, mc: i32, pc: i32, kc: i32, packed: usize, stride: usize): void {
  const panels = padded4(mc) >> 2;
  const rowBytes = <usize>k << 3;
  for (let s: i32 = 0; s < panels; s++) {
    const base = packed + <usize>s * stride;
    for (let r: i32 = 0; r < 4; r++) {
      const i = (s << 2) + r;
      const dst = base + (<usize>r << 3);
      if (i < mc) {
        const src = a + <usize>(ic + i) * rowBytes + (<usize>pc << 3);
        for (let p: i32 = 0; p < kc; p++) store<f64>(dst + (<usize>p << 5), load<f64>(src + (<usize>p << 3)));
      } else {
        for (let p: i32 = 0; p < kc; p++) store<f64>(dst + (<usize>p << 5), 0.0);
      }
    }
  }
}

// Adds the two halves of one tile row into C at `p` (the row's column j0), `cols` of them.
// @ts-ignore: decorator
@inline
function addRow(p: usize, lo: v128, hi: v128, cols: i32): void {
  if (cols == 4) {
    v128.store(p, f64x2.add(v128.load(p), lo));
    v128.store(p, f64x2.add(v128.load(p, 16), hi), 16);
  } else {
    store<f64>(p, load<f64>(p) + f64x2.extract_lane(lo, 0));
    if (cols > 1) store<f64>(p, load<f64>(p, 8) + f64x2.extract_lane(lo, 1), 8);
    if (cols > 2) store<f64>(p, load<f64>(p, 16) + f64x2.extract_lane(hi, 0), 16);
  }
}

// C[i0..i0+rows) × [j0..j0+cols) += (A panel)·(B panel) over kc rows. Inlined into the
// sweep, as syrk's full tile.
// @ts-ignore: decorator
@inline
export function tileSimd(c: usize, rowBytes: usize, rows: i32, cols: i32, ap: usize, bp: usize, kc: i32): void {
  let c0lo = f64x2.splat(0), c0hi = f64x2.splat(0);
  let c1lo = f64x2.splat(0), c1hi = f64x2.splat(0);
  let c2lo = f64x2.splat(0), c2hi = f64x2.splat(0);
  let c3lo = f64x2.splat(0), c3hi = f64x2.splat(0);
  const end = bp + (<usize>kc << 5);
  for (; bp < end; bp += 32, ap += 32) {
    const x0 = v128.load(bp);
    const x1 = v128.load(bp, 16);
    const s0 = v128.load64_splat(ap);
    const s1 = v128.load64_splat(ap, 8);
    const s2 = v128.load64_splat(ap, 16);
    const s3 = v128.load64_splat(ap, 24);
    c0lo = madd(c0lo, x0, s0);
    c0hi = madd(c0hi, x1, s0);
    c1lo = madd(c1lo, x0, s1);
    c1hi = madd(c1hi, x1, s1);
    c2lo = madd(c2lo, x0, s2);
    c2hi = madd(c2hi, x1, s2);
    c3lo = madd(c3lo, x0, s3);
    c3hi = madd(c3hi, x1, s3);
  }
  addRow(c, c0lo, c0hi, cols);
  if (rows > 1) addRow(c + rowBytes, c1lo, c1hi, cols);
  if (rows > 2) addRow(c + 2 * rowBytes, c2lo, c2hi, cols);
  if (rows > 3) addRow(c + 3 * rowBytes, c3lo, c3hi, cols);
}

// @ts-ignore: decorator
@inline
function addScalarRow(p: usize, cols: i32, v0: f64, v1: f64, v2: f64, v3: f64): void {
  store<f64>(p, load<f64>(p) + v0);
  if (cols > 1) store<f64>(p, load<f64>(p, 8) + v1, 8);
  if (cols > 2) store<f64>(p, load<f64>(p, 16) + v2, 16);
  if (cols > 3) store<f64>(p, load<f64>(p, 24) + v3, 24);
}

export function tileScalar(c: usize, rowBytes: usize, rows: i32, cols: i32, ap: usize, bp: usize, kc: i32): void {
  let s00: f64 = 0, s01: f64 = 0, s02: f64 = 0, s03: f64 = 0;
  let s10: f64 = 0, s11: f64 = 0, s12: f64 = 0, s13: f64 = 0;
  let s20: f64 = 0, s21: f64 = 0, s22: f64 = 0, s23: f64 = 0;
  let s30: f64 = 0, s31: f64 = 0, s32: f64 = 0, s33: f64 = 0;
  const end = bp + (<usize>kc << 5);
  for (; bp < end; bp += 32, ap += 32) {
    const b0 = load<f64>(bp), b1 = load<f64>(bp, 8), b2 = load<f64>(bp, 16), b3 = load<f64>(bp, 24);
    const a0 = load<f64>(ap), a1 = load<f64>(ap, 8), a2 = load<f64>(ap, 16), a3 = load<f64>(ap, 24);
    s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
    s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
    s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
    s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
  }
  addScalarRow(c, cols, s00, s01, s02, s03);
  if (rows > 1) addScalarRow(c + rowBytes, cols, s10, s11, s12, s13);
  if (rows > 2) addScalarRow(c + 2 * rowBytes, cols, s20, s21, s22, s23);
  if (rows > 3) addScalarRow(c + 3 * rowBytes, cols, s30, s31, s32, s33);
}

/**
 * Row-major C (m×n) = A (m×k) · B (k×n) + beta·C; beta = 0 overwrites C without reading it.
 * scratch: gemmScratchBytes(m, k, n) bytes, 16-byte aligned. C must not overlap A, B or
 * the scratch; A and B may be the same matrix.
 */
export function gemm(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, beta: f64, scratch: usize): void {
  if (m <= 0 || n <= 0) return;
  const total = m * n;
  if (beta == 0) {
    memory.fill(c, 0, <usize>total << 3);
  } else if (beta != 1) {
    for (let t: i32 = 0; t < total; t++) {
      const p = c + (<usize>t << 3);
      store<f64>(p, load<f64>(p) * beta);
    }
  }
  if (k <= 0) return;
  const kcMax = min(k, KC);
  const stride = panelStride(kcMax);
  const bPanels = padded4(n) >> 2;
  const packedB = scratch;
  const packedA = scratch + <usize>bPanels * stride;
  const rowBytes = <usize>n << 3;
  for (let pc: i32 = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    // Panels keep the stride of a full block, so the layout is the same for every block.
    packB(b, n, pc, kc, packedB, stride);
    for (let ic: i32 = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      packA(a, k, ic, mc, pc, kc, packedA, stride);
      const aPanels = padded4(mc) >> 2;
      for (let t: i32 = 0; t < bPanels; t++) {
        const j0 = t << 2;
        const cols = min(4, n - j0);
        const bp = packedB + <usize>t * stride;
        for (let s: i32 = 0; s < aPanels; s++) {
          const i0 = ic + (s << 2);
          const rows = min(4, m - i0);
          const cp = c + <usize>i0 * rowBytes + (<usize>j0 << 3);
          const ap = packedA + <usize>s * stride;
          if (ASC_FEATURE_SIMD) tileSimd(cp, rowBytes, rows, cols, ap, bp, kc);
          else tileScalar(cp, rowBytes, rows, cols, ap, bp, kc);
        }
      }
    }
  }
}
