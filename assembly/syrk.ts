// Weighted symmetric rank-k update into packed 'U' storage:
//   C += Σ_r w_r (a_r − c)(a_r − c)ᵀ
// for a row-major block of score rows a_r. The block is first packed into
// four-column panels (two v128 per row and panel, zero-padded to a multiple of four
// columns) with the centering and the weights applied; then a 4×4 register tile
// (8 f64x2 accumulators: more spill on V8) sweeps the upper triangle of C.
// A tile's four columns sit side by side in its panel, so the inner loop reads each
// operand through one pointer with constant offsets: no address arithmetic per
// column, which would otherwise take issue slots from the multiply-adds.
import { columnStart } from "./packed-index";
import { findNonFinite } from "./scan";
import { madd, padded4, panelStride } from "./simd-tiles";

// Widest row read in place (measured: beyond it the strided rows thrash L1).
// @ts-ignore: decorator
@inline
const DIRECT_MAX_DIM: i32 = 64;

/** Bytes of scratch that syrk needs for a block of `rows` rows of dimension d. */
export function syrkScratchBytes(rows: i32, d: i32): i32 {
  // Two packed copies (plain for the splat side, weighted for the vector side).
  return <i32>(<usize>(padded4(d) >> 1) * panelStride(rows));
}

// Columns j0..j0+3 of a row, centred, as two v128; columns at or past d read as 0.
// @ts-ignore: decorator
@inline
function loadQuadTail(row: usize, center: usize, j0: i32, d: i32, half: i32): v128 {
  const j = j0 + (half << 1);
  let v = f64x2.splat(0);
  if (j < d) {
    let x = load<f64>(row + (<usize>j << 3));
    if (center != 0) x -= load<f64>(center + (<usize>j << 3));
    v = f64x2.replace_lane(v, 0, x);
  }
  if (j + 1 < d) {
    let x = load<f64>(row + (<usize>(j + 1) << 3));
    if (center != 0) x -= load<f64>(center + (<usize>(j + 1) << 3));
    v = f64x2.replace_lane(v, 1, x);
  }
  return v;
}

// Packs one row: its four-column quads go to plain + q·panelBytes (and, weighted by
// wr, to weighted + q·panelBytes), the last quad zero-padded. Returns 0 when every
// score is finite, NaN otherwise: x − x is +0 exactly for finite x, so OR-ing those
// bit patterns stays all-zero unless a NaN (from ±∞ or NaN) appears, and the OR
// keeps the check off the critical path (an add chain cost 3 cycles a quad).
function packRowSimd(
  row: usize,
  d: i32,
  wr: f64,
  weightedCopy: bool,
  center: usize,
  plain: usize,
  weighted: usize,
  panelBytes: usize,
): f64 {
  const ws = f64x2.splat(wr);
  let chk0 = f64x2.splat(0);
  let chk1 = f64x2.splat(0);
  const fullQuads = d >> 2;
  let src = row;
  const srcEnd = row + (<usize>fullQuads << 5);
  for (; src < srcEnd; src += 32, plain += panelBytes, weighted += panelBytes) {
    let v0 = v128.load(src);
    let v1 = v128.load(src, 16);
    chk0 = v128.or(chk0, f64x2.sub(v0, v0));
    chk1 = v128.or(chk1, f64x2.sub(v1, v1));
    if (center != 0) {
      const cOff = src - row;
      v0 = f64x2.sub(v0, v128.load(center + cOff));
      v1 = f64x2.sub(v1, v128.load(center + cOff, 16));
    }
    v128.store(plain, v0);
    v128.store(plain, v1, 16);
    if (weightedCopy) {
      v128.store(weighted, f64x2.mul(v0, ws));
      v128.store(weighted, f64x2.mul(v1, ws), 16);
    }
  }
  let flag = f64x2.extract_lane(chk0, 0) + f64x2.extract_lane(chk0, 1);
  flag += f64x2.extract_lane(chk1, 0) + f64x2.extract_lane(chk1, 1);
  if (d & 3) {
    const j0 = fullQuads << 2;
    for (let j = j0; j < d; j++) {
      const x = load<f64>(row + (<usize>j << 3));
      flag += x - x;
    }
    const v0 = loadQuadTail(row, center, j0, d, 0);
    const v1 = loadQuadTail(row, center, j0, d, 1);
    v128.store(plain, v0);
    v128.store(plain, v1, 16);
    if (weightedCopy) {
      v128.store(weighted, f64x2.mul(v0, ws));
      v128.store(weighted, f64x2.mul(v1, ws), 16);
    }
  }
  return flag;
}

/**
 * Packs rows×d row-major scores into four-column panels at `plain` and, when
 * weighted, their weighted copies at `weighted`. Returns the flat index of the
 * first non-finite score or -1; nothing of C has been touched either way.
 */
function pack(a: usize, rows: i32, d: i32, w: usize, center: usize, plain: usize, weighted: usize): i32 {
  const padded = padded4(d);
  const panelBytes = panelStride(rows);
  const rowBytes = <usize>d << 3;
  let flag: f64 = 0;
  for (let r: i32 = 0; r < rows; r++) {
    const row = a + <usize>r * rowBytes;
    const rowOff = <usize>r << 5;
    const wr: f64 = w != 0 ? load<f64>(w + (<usize>r << 3)) : 1.0;
    if (ASC_FEATURE_SIMD) {
      flag += packRowSimd(row, d, wr, w != 0, center, plain + rowOff, weighted + rowOff, panelBytes);
    } else {
      for (let j: i32 = 0; j < padded; j++) {
        let x: f64 = 0;
        if (j < d) {
          x = load<f64>(row + (<usize>j << 3));
          flag += x - x;
          if (center != 0) x -= load<f64>(center + (<usize>j << 3));
        }
        const dst = <usize>(j >> 2) * panelBytes + rowOff + (<usize>(j & 3) << 3);
        store<f64>(plain + dst, x);
        if (w != 0) store<f64>(weighted + dst, x * wr);
      }
    }
  }
  if (flag == 0) return -1;
  const n = rows * d;
  for (let k: i32 = 0; k < n; k++) {
    const x = load<f64>(a + (<usize>k << 3));
    if (x - x != 0) return k;
  }
  return -1;
}

// Adds the accumulated column (rows i0..i0+3) of a tile into column `col` of C.
// `count` limits how many of the four rows are stored (diagonal tiles store i <= col).
// @ts-ignore: decorator
@inline
function addColumn(c: usize, col: i32, i0: i32, lo: v128, hi: v128, count: i32): void {
  const p = c + ((columnStart(<usize>col) + <usize>i0) << 3);
  if (count >= 2) {
    v128.store(p, f64x2.add(v128.load(p), lo));
  } else {
    store<f64>(p, load<f64>(p) + f64x2.extract_lane(lo, 0));
  }
  if (count >= 4) {
    v128.store(p + 16, f64x2.add(v128.load(p + 16), hi));
  } else if (count == 3) {
    store<f64>(p + 16, load<f64>(p + 16) + f64x2.extract_lane(hi, 0));
  }
}

// A tile on the diagonal stores only its upper triangle (10 of 16 entries), so it
// accumulates 6 of the 8 column halves: rows 2–3 of columns 0–1 lie below it.
// Row r of the tile's four columns is the 32 bytes at a + r·rowStride (vector side,
// weighted) and b + r·rowStride (splat side, plain), for r·rowStride < end.
function diagonalTile(c: usize, j0: i32, cols: i32, a: usize, b: usize, rowStride: usize, end: usize): void {
  let c0lo = f64x2.splat(0);
  let c1lo = f64x2.splat(0);
  let c2lo = f64x2.splat(0), c2hi = f64x2.splat(0);
  let c3lo = f64x2.splat(0), c3hi = f64x2.splat(0);
  const aEnd = a + end;
  for (; a < aEnd; a += rowStride, b += rowStride) {
    const x0 = v128.load(a);
    const x1 = v128.load(a, 16);
    const s2 = v128.load64_splat(b, 16);
    const s3 = v128.load64_splat(b, 24);
    c0lo = madd(c0lo, x0, v128.load64_splat(b));
    c1lo = madd(c1lo, x0, v128.load64_splat(b, 8));
    c2lo = madd(c2lo, x0, s2);
    c2hi = madd(c2hi, x1, s2);
    c3lo = madd(c3lo, x0, s3);
    c3hi = madd(c3hi, x1, s3);
  }
  const zero = f64x2.splat(0);
  addColumn(c, j0, j0, c0lo, zero, 1);
  if (cols > 1) addColumn(c, j0 + 1, j0, c1lo, zero, 2);
  if (cols > 2) addColumn(c, j0 + 2, j0, c2lo, c2hi, 3);
  if (cols > 3) addColumn(c, j0 + 3, j0, c3lo, c3hi, 4);
}

// A full tile off the diagonal: rows i0..i0+3 (vector side a) by columns
// j0..j0+cols−1 (splat side b), laid out as in diagonalTile. Inlined into the sweep:
// as a called function V8 ran it about 9% slower (measured).
// @ts-ignore: decorator
@inline
function fullTile(c: usize, i0: i32, j0: i32, cols: i32, a: usize, b: usize, rowStride: usize, end: usize): void {
  let c0lo = f64x2.splat(0), c0hi = f64x2.splat(0);
  let c1lo = f64x2.splat(0), c1hi = f64x2.splat(0);
  let c2lo = f64x2.splat(0), c2hi = f64x2.splat(0);
  let c3lo = f64x2.splat(0), c3hi = f64x2.splat(0);
  const aEnd = a + end;
  for (; a < aEnd; a += rowStride, b += rowStride) {
    const x0 = v128.load(a);
    const x1 = v128.load(a, 16);
    const s0 = v128.load64_splat(b);
    const s1 = v128.load64_splat(b, 8);
    const s2 = v128.load64_splat(b, 16);
    const s3 = v128.load64_splat(b, 24);
    c0lo = madd(c0lo, x0, s0);
    c0hi = madd(c0hi, x1, s0);
    c1lo = madd(c1lo, x0, s1);
    c1hi = madd(c1hi, x1, s1);
    c2lo = madd(c2lo, x0, s2);
    c2hi = madd(c2hi, x1, s2);
    c3lo = madd(c3lo, x0, s3);
    c3hi = madd(c3hi, x1, s3);
  }
  addColumn(c, j0, i0, c0lo, c0hi, 4);
  if (cols > 1) addColumn(c, j0 + 1, i0, c1lo, c1hi, 4);
  if (cols > 2) addColumn(c, j0 + 2, i0, c2lo, c2hi, 4);
  if (cols > 3) addColumn(c, j0 + 3, i0, c3lo, c3hi, 4);
}

// Columns 4t..4t+3 of row r sit at base + t·tileStride + r·rowStride: packed panels
// have (panelStride, 32); an unpacked row-major block has (32, d·8). Sweeps the column
// tiles [t0, t1): each tile's sums are the same operations in the same order whatever
// range it is swept in, which is what lets threads split the columns bit-identically.
function sweepSimd(
  c: usize,
  shift: i32,
  d: i32,
  rows: i32,
  plain: usize,
  weighted: usize,
  tileStride: usize,
  rowStride: usize,
  t0: i32,
  t1: i32,
): void {
  const end = <usize>rows * rowStride;
  for (let jt: i32 = t0; jt < t1; jt++) {
    const j0 = jt << 2;
    const cols = min(4, d - j0);
    const b = plain + <usize>jt * tileStride;
    diagonalTile(c, shift + j0, cols, weighted + <usize>jt * tileStride, b, rowStride, end);
    for (let it: i32 = 0; it < jt; it++) {
      fullTile(c, shift + (it << 2), shift + j0, cols, weighted + <usize>it * tileStride, b, rowStride, end);
    }
  }
}

// @ts-ignore: decorator
@inline
function addScalar(c: usize, i: i32, j: i32, v: f64): void {
  const p = c + ((columnStart(<usize>j) + <usize>i) << 3);
  store<f64>(p, load<f64>(p) + v);
}

function sweepScalar(
  c: usize,
  shift: i32,
  d: i32,
  rows: i32,
  plain: usize,
  weighted: usize,
  t0: i32,
  t1: i32,
): void {
  const panelBytes = panelStride(rows);
  const end = <usize>rows << 5;
  for (let jt: i32 = t0; jt < t1; jt++) {
    const j0 = jt << 2;
    const cols = min(4, d - j0);
    const bj = plain + <usize>jt * panelBytes;
    for (let it: i32 = 0; it <= jt; it++) {
      const i0 = it << 2;
      const ai = weighted + <usize>it * panelBytes;
      let s00: f64 = 0, s10: f64 = 0, s20: f64 = 0, s30: f64 = 0;
      let s01: f64 = 0, s11: f64 = 0, s21: f64 = 0, s31: f64 = 0;
      let s02: f64 = 0, s12: f64 = 0, s22: f64 = 0, s32: f64 = 0;
      let s03: f64 = 0, s13: f64 = 0, s23: f64 = 0, s33: f64 = 0;
      for (let off: usize = 0; off < end; off += 32) {
        const x0 = load<f64>(ai + off), x1 = load<f64>(ai + off, 8);
        const x2 = load<f64>(ai + off, 16), x3 = load<f64>(ai + off, 24);
        const b0 = load<f64>(bj + off), b1 = load<f64>(bj + off, 8);
        const b2 = load<f64>(bj + off, 16), b3 = load<f64>(bj + off, 24);
        s00 += x0 * b0; s10 += x1 * b0; s20 += x2 * b0; s30 += x3 * b0;
        s01 += x0 * b1; s11 += x1 * b1; s21 += x2 * b1; s31 += x3 * b1;
        s02 += x0 * b2; s12 += x1 * b2; s22 += x2 * b2; s32 += x3 * b2;
        s03 += x0 * b3; s13 += x1 * b3; s23 += x2 * b3; s33 += x3 * b3;
      }
      const diagonal = it == jt;
      const ci = shift + i0;
      const cj = shift + j0;
      addScalar(c, ci, cj, s00);
      if (!diagonal) {
        addScalar(c, ci + 1, cj, s10);
        addScalar(c, ci + 2, cj, s20);
        addScalar(c, ci + 3, cj, s30);
      }
      if (cols > 1) {
        addScalar(c, ci, cj + 1, s01);
        addScalar(c, ci + 1, cj + 1, s11);
        if (!diagonal) {
          addScalar(c, ci + 2, cj + 1, s21);
          addScalar(c, ci + 3, cj + 1, s31);
        }
      }
      if (cols > 2) {
        addScalar(c, ci, cj + 2, s02);
        addScalar(c, ci + 1, cj + 2, s12);
        addScalar(c, ci + 2, cj + 2, s22);
        if (!diagonal) addScalar(c, ci + 3, cj + 2, s32);
      }
      if (cols > 3) {
        addScalar(c, ci, cj + 3, s03);
        addScalar(c, ci + 1, cj + 3, s13);
        addScalar(c, ci + 2, cj + 3, s23);
        addScalar(c, ci + 3, cj + 3, s33);
      }
    }
  }
}

/**
 * C (packed 'U', dimension d) += Σ_r w_r (a_r − center)(a_r − center)ᵀ over the
 * rows×d row-major block at a. w = 0: unit weights; center = 0: no centering.
 * scratch: syrkScratchBytes(rows, d) bytes, 16-byte aligned.
 * Returns -1, or the flat index of the first non-finite score (C untouched).
 */
export function syrk(c: usize, a: usize, rows: i32, d: i32, w: usize, center: usize, scratch: usize): i32 {
  return syrkShifted(c, 0, a, rows, d, w, center, scratch);
}

/**
 * The same update into the trailing block C[shift.., shift..] of a larger packed
 * matrix (the block's entry (i, j) is C[shift + i][shift + j]): what a blocked
 * factorization needs to update what remains of its matrix in place.
 */
export function syrkShifted(
  c: usize,
  shift: i32,
  a: usize,
  rows: i32,
  d: i32,
  w: usize,
  center: usize,
  scratch: usize,
): i32 {
  if (rows <= 0 || d <= 0) return -1;
  const status = syrkPrepare(a, rows, d, w, center, scratch);
  if (status >= 0) return status;
  syrkSweep(c, shift, a, rows, d, w, center, scratch, 0, padded4(d) >> 2);
  return -1;
}

// Plain rows whose width is a whole number of tiles need no packing: the sweep reads
// them in place, with no padding to supply and no weights to apply.
// @ts-ignore: decorator
@inline
function readsInPlace(d: i32, w: usize, center: usize): bool {
  return ASC_FEATURE_SIMD && w == 0 && center == 0 && (d & 3) == 0 && d <= DIRECT_MAX_DIM;
}

// Where the weighted copy of the panels starts in scratch: after the plain ones, or the plain
// ones themselves when unweighted (the two copies would be equal).
// @ts-ignore: decorator
@inline
function weightedPanels(scratch: usize, rows: i32, d: i32, w: usize): usize {
  return w != 0 ? scratch + <usize>(padded4(d) >> 2) * panelStride(rows) : scratch;
}

/**
 * The first half of syrkShifted: packs the block into scratch (or, for rows read in
 * place, only checks them). Returns -1, or the flat index of the first non-finite score.
 */
export function syrkPrepare(a: usize, rows: i32, d: i32, w: usize, center: usize, scratch: usize): i32 {
  if (readsInPlace(d, w, center)) return findNonFinite(a, rows * d);
  return pack(a, rows, d, w, center, scratch, weightedPanels(scratch, rows, d, w));
}

/**
 * The second half of syrkShifted, over the column tiles [t0, t1) only (columns
 * 4·t0 .. 4·t1 − 1 of the block): after syrkPrepare with the same arguments.
 */
export function syrkSweep(
  c: usize,
  shift: i32,
  a: usize,
  rows: i32,
  d: i32,
  w: usize,
  center: usize,
  scratch: usize,
  t0: i32,
  t1: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    if (readsInPlace(d, w, center)) {
      sweepSimd(c, shift, d, rows, a, a, 32, <usize>d << 3, t0, t1);
      return;
    }
  }
  const weighted = weightedPanels(scratch, rows, d, w);
  if (ASC_FEATURE_SIMD) {
    sweepSimd(c, shift, d, rows, scratch, weighted, panelStride(rows), 32, t0, t1);
  } else {
    sweepScalar(c, shift, d, rows, scratch, weighted, t0, t1);
  }
}
