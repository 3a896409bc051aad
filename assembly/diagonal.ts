// Weighted column sums of squares over a row-major block, for the diagonal Fisher:
//   diag[j] += Σ_r w_r a[r][j]²
// Rows go four at a time, each read front to back (two columns per f64x2), and the four
// rows' weighted squares are summed in registers before they meet the running column sums
// in scratch (the first four rows store theirs, so a block of four rows, the staging's
// shape for wide rows, stores each sum once and loads nothing back), and every access is
// sequential (sweeping a column block down the rows instead strides by a row, and rows a
// multiple of 4 KiB apart alias in the L1 sets). The sums land in scratch first and are
// added to diag only when the block was finite: a NaN or ±∞ score propagates into its
// column's sum (the weight multiplies x before x is squared, so 0·∞ is NaN while a zero
// weight never turns a large finite x² into NaN), so a clean scan of the d sums proves the
// block clean without a check per score. Those sums are added up on the way (one add per
// f64x2) into a flag that is finite exactly when they all are, barring overflow, which only
// costs an exact scan.
import { findNonFinite } from "./scan";
import { madd } from "./simd-tiles";

// scratch[j] (+)= Σ_{k<4} w_k x_k[j]² for the four rows at p, p + rowBytes, …, stored when
// first, added otherwise; unit weights when !weighted. Returns the sum of what it wrote.
// @ts-ignore: decorator
@inline
function addFourRows(p: usize, rowBytes: usize, d: i32, weighted: bool, w: usize, first: bool, scratch: usize): f64 {
  const p1 = p + rowBytes;
  const p2 = p1 + rowBytes;
  const p3 = p2 + rowBytes;
  const w0: f64 = weighted ? load<f64>(w) : 1.0;
  const w1: f64 = weighted ? load<f64>(w, 8) : 1.0;
  const w2: f64 = weighted ? load<f64>(w, 16) : 1.0;
  const w3: f64 = weighted ? load<f64>(w, 24) : 1.0;
  let j: i32 = 0;
  let flag: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let check = f64x2.splat(0);
    const v0 = f64x2.splat(w0);
    const v1 = f64x2.splat(w1);
    const v2 = f64x2.splat(w2);
    const v3 = f64x2.splat(w3);
    for (; j + 2 <= d; j += 2) {
      const off = <usize>j << 3;
      const x0 = v128.load(p + off);
      const x1 = v128.load(p1 + off);
      const x2 = v128.load(p2 + off);
      const x3 = v128.load(p3 + off);
      let lo: v128;
      let hi: v128;
      if (weighted) {
        lo = madd(f64x2.mul(f64x2.mul(x0, v0), x0), f64x2.mul(x1, v1), x1);
        hi = madd(f64x2.mul(f64x2.mul(x2, v2), x2), f64x2.mul(x3, v3), x3);
      } else {
        lo = madd(f64x2.mul(x0, x0), x1, x1);
        hi = madd(f64x2.mul(x2, x2), x3, x3);
      }
      let sum = f64x2.add(lo, hi);
      if (!first) sum = f64x2.add(v128.load(scratch + off), sum);
      check = f64x2.add(check, sum);
      v128.store(scratch + off, sum);
    }
    flag = f64x2.extract_lane(check, 0) + f64x2.extract_lane(check, 1);
  }
  for (; j < d; j++) {
    const off = <usize>j << 3;
    const x0 = load<f64>(p + off);
    const x1 = load<f64>(p1 + off);
    const x2 = load<f64>(p2 + off);
    const x3 = load<f64>(p3 + off);
    const lo = x0 * w0 * x0 + x1 * w1 * x1;
    const hi = x2 * w2 * x2 + x3 * w3 * x3;
    let sum = lo + hi;
    if (!first) sum += load<f64>(scratch + off);
    flag += sum;
    store<f64>(scratch + off, sum);
  }
  return flag;
}

// scratch[j] += wr x[j]² for the one row at p. Returns the sum of what it wrote.
// @ts-ignore: decorator
@inline
function addRow(p: usize, d: i32, wr: f64, scratch: usize): f64 {
  let j: i32 = 0;
  let flag: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let check = f64x2.splat(0);
    const v = f64x2.splat(wr);
    for (; j + 2 <= d; j += 2) {
      const off = <usize>j << 3;
      const x = v128.load(p + off);
      const sum = madd(v128.load(scratch + off), f64x2.mul(x, v), x);
      check = f64x2.add(check, sum);
      v128.store(scratch + off, sum);
    }
    flag = f64x2.extract_lane(check, 0) + f64x2.extract_lane(check, 1);
  }
  for (; j < d; j++) {
    const off = <usize>j << 3;
    const x = load<f64>(p + off);
    const sum = load<f64>(scratch + off) + x * wr * x;
    flag += sum;
    store<f64>(scratch + off, sum);
  }
  return flag;
}

/**
 * diag[j] += Σ_r w_r a[r][j]² for the row-major rows×d block at a (j < d); w = 0 means
 * unit weights. scratch: d f64, 16-byte aligned. Returns -1, or the flat index of the
 * first non-finite score, in which case diag is untouched.
 */
export function diagonalSquares(diag: usize, a: usize, rows: i32, d: i32, w: usize, scratch: usize): i32 {
  const rowBytes = <usize>d << 3;
  // The sum of every partial column sum written: finite unless one of them is not.
  let flag: f64 = 0;
  let r: i32 = 0;
  if (rows < 4) memory.fill(scratch, 0, rowBytes);
  else if (w == 0) {
    flag += addFourRows(a, rowBytes, d, false, 0, true, scratch);
    for (r = 4; r + 4 <= rows; r += 4) {
      flag += addFourRows(a + <usize>r * rowBytes, rowBytes, d, false, 0, false, scratch);
    }
  } else {
    flag += addFourRows(a, rowBytes, d, true, w, true, scratch);
    for (r = 4; r + 4 <= rows; r += 4) {
      flag += addFourRows(a + <usize>r * rowBytes, rowBytes, d, true, w + (<usize>r << 3), false, scratch);
    }
  }
  for (; r < rows; r++) {
    const wr: f64 = w != 0 ? load<f64>(w + (<usize>r << 3)) : 1.0;
    flag += addRow(a + <usize>r * rowBytes, d, wr, scratch);
  }
  // A non-finite flag comes from a non-finite score, or from finite squares or sums that
  // overflow (then the block is clean, and a sum of ±∞ is what the dense Fisher gives too).
  if (flag - flag != 0) {
    const bad = findNonFinite(a, rows * d);
    if (bad != -1) return bad;
  }
  let j: i32 = 0;
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
