// Weighted column sums of squares over a row-major block, for the diagonal Fisher:
//   diag[j] += Σ_r w_r a[r][j]²
// Columns are swept eight at a time (four f64x2 accumulators held in registers while the
// rows go by), so each score is loaded once and nothing is stored per row. The sums land
// in scratch first and are added to diag only when the block was finite: a NaN or ±∞
// score propagates into its column's sum (0·∞ is NaN, and the weight multiplies x before
// x is squared, so a zero weight never turns a large finite x² into NaN), so a clean scan
// of the d sums proves the block clean without a check per score.
import { findNonFinite } from "./scan";

// acc + x·y: one fused multiply-add in the relaxed-SIMD build, a multiply and an add otherwise.
// @ts-ignore: decorator
@inline
function madd(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(x, y, acc);
  return f64x2.add(acc, f64x2.mul(x, y));
}

// Sums of squares of columns j..j+7 over the rows, into scratch.
// @ts-ignore: decorator
@inline
function sweepEight(p: usize, end: usize, rowBytes: usize, w: usize, out: usize): void {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  if (w == 0) {
    for (; p < end; p += rowBytes) {
      const x0 = v128.load(p);
      const x1 = v128.load(p, 16);
      const x2 = v128.load(p, 32);
      const x3 = v128.load(p, 48);
      s0 = madd(s0, x0, x0);
      s1 = madd(s1, x1, x1);
      s2 = madd(s2, x2, x2);
      s3 = madd(s3, x3, x3);
    }
  } else {
    for (; p < end; p += rowBytes, w += 8) {
      const ws = v128.load64_splat(w);
      const x0 = v128.load(p);
      const x1 = v128.load(p, 16);
      const x2 = v128.load(p, 32);
      const x3 = v128.load(p, 48);
      s0 = madd(s0, f64x2.mul(x0, ws), x0);
      s1 = madd(s1, f64x2.mul(x1, ws), x1);
      s2 = madd(s2, f64x2.mul(x2, ws), x2);
      s3 = madd(s3, f64x2.mul(x3, ws), x3);
    }
  }
  v128.store(out, s0);
  v128.store(out, s1, 16);
  v128.store(out, s2, 32);
  v128.store(out, s3, 48);
}

// Sums of squares of columns j, j+1 over the rows, into scratch.
// @ts-ignore: decorator
@inline
function sweepTwo(p: usize, end: usize, rowBytes: usize, w: usize, out: usize): void {
  let s = f64x2.splat(0);
  if (w == 0) {
    for (; p < end; p += rowBytes) {
      const x = v128.load(p);
      s = madd(s, x, x);
    }
  } else {
    for (; p < end; p += rowBytes, w += 8) {
      const x = v128.load(p);
      s = madd(s, f64x2.mul(x, v128.load64_splat(w)), x);
    }
  }
  v128.store(out, s);
}

// Sums of squares of columns j..j+3 over the rows without SIMD, into scratch.
// @ts-ignore: decorator
@inline
function sweepFourScalar(p: usize, end: usize, rowBytes: usize, w: usize, out: usize): void {
  let s0: f64 = 0;
  let s1: f64 = 0;
  let s2: f64 = 0;
  let s3: f64 = 0;
  for (; p < end; p += rowBytes) {
    const wr: f64 = w != 0 ? load<f64>(w) : 1.0;
    const x0 = load<f64>(p);
    const x1 = load<f64>(p, 8);
    const x2 = load<f64>(p, 16);
    const x3 = load<f64>(p, 24);
    s0 += x0 * wr * x0;
    s1 += x1 * wr * x1;
    s2 += x2 * wr * x2;
    s3 += x3 * wr * x3;
    if (w != 0) w += 8;
  }
  store<f64>(out, s0);
  store<f64>(out, s1, 8);
  store<f64>(out, s2, 16);
  store<f64>(out, s3, 24);
}

/**
 * diag[j] += Σ_r w_r a[r][j]² for the row-major rows×d block at a (j < d); w = 0 means
 * unit weights. scratch: d f64, 16-byte aligned. Returns -1, or the flat index of the
 * first non-finite score, in which case diag is untouched.
 */
export function diagonalSquares(diag: usize, a: usize, rows: i32, d: i32, w: usize, scratch: usize): i32 {
  const rowBytes = <usize>d << 3;
  const blockBytes = <usize>rows * rowBytes;
  let j: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 8 <= d; j += 8) {
      const off = <usize>j << 3;
      sweepEight(a + off, a + off + blockBytes, rowBytes, w, scratch + off);
    }
    for (; j + 2 <= d; j += 2) {
      const off = <usize>j << 3;
      sweepTwo(a + off, a + off + blockBytes, rowBytes, w, scratch + off);
    }
  } else {
    for (; j + 4 <= d; j += 4) {
      const off = <usize>j << 3;
      sweepFourScalar(a + off, a + off + blockBytes, rowBytes, w, scratch + off);
    }
  }
  for (; j < d; j++) {
    const off = <usize>j << 3;
    let s: f64 = 0;
    let wp = w;
    for (let p = a + off, end = a + off + blockBytes; p < end; p += rowBytes) {
      const x = load<f64>(p);
      const wr: f64 = w != 0 ? load<f64>(wp) : 1.0;
      s += x * wr * x;
      wp += 8;
    }
    store<f64>(scratch + off, s);
  }
  // A non-finite sum comes from a non-finite score, or from finite squares that overflow
  // (then the block is clean and the sum is ±∞, as in the dense Fisher).
  if (findNonFinite(scratch, d) != -1) {
    const bad = findNonFinite(a, rows * d);
    if (bad != -1) return bad;
  }
  j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 2 <= d; j += 2) {
      const off = <usize>j << 3;
      v128.store(diag + off, f64x2.add(v128.load(diag + off), v128.load(scratch + off)));
    }
  }
  for (; j < d; j++) {
    const off = <usize>j << 3;
    store<f64>(diag + off, load<f64>(diag + off) + load<f64>(scratch + off));
  }
  return -1;
}
