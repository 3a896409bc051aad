// Products of a row-major rows×d block A held in memory with vectors, the two passes of a
// matrix-free low-rank operator: y = A x (one dot product per row) and x += Aᵀ y (a
// weighted sum of the rows); and the transpose that stages a block of A's columns as rows.
// Both products sweep the columns in blocks that keep their slice of x in L1 and take four
// rows at a time, so each load (and, for the row sum, each store) of x serves four rows.
import { madd } from "./simd-tiles";

// Columns per block: 8 KiB of x, beside four 8 KiB row slices streaming through L1.
// @ts-ignore: decorator
@inline
const BLOCK: i32 = 1024;

// @ts-ignore: decorator
@inline
function addTo(p: usize, v: f64): void {
  store<f64>(p, load<f64>(p) + v);
}

// Σ a[j]·x[j] over n f64 for the single rows left after the groups of four.
function dotRow(a: usize, x: usize, n: i32): f64 {
  let j: i32 = 0;
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    for (; j + 4 <= n; j += 4) {
      const off = <usize>j << 3;
      s0 = madd(s0, v128.load(a + off), v128.load(x + off));
      s1 = madd(s1, v128.load(a + off, 16), v128.load(x + off, 16));
    }
    const s = f64x2.add(s0, s1);
    sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  }
  for (; j < n; j++) {
    const off = <usize>j << 3;
    sum += load<f64>(a + off) * load<f64>(x + off);
  }
  return sum;
}

// y[0..3] += the dot products of the four rows a0, a0 + rowBytes, … with x over n columns.
function dotFour(y: usize, a0: usize, rowBytes: usize, x: usize, n: i32): void {
  const a1 = a0 + rowBytes;
  const a2 = a1 + rowBytes;
  const a3 = a2 + rowBytes;
  let j: i32 = 0;
  let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f64x2.splat(0), u0 = f64x2.splat(0);
    let s1 = f64x2.splat(0), u1 = f64x2.splat(0);
    let s2 = f64x2.splat(0), u2 = f64x2.splat(0);
    let s3 = f64x2.splat(0), u3 = f64x2.splat(0);
    for (; j + 4 <= n; j += 4) {
      const off = <usize>j << 3;
      const x0 = v128.load(x + off);
      const x1 = v128.load(x + off, 16);
      s0 = madd(s0, v128.load(a0 + off), x0);
      u0 = madd(u0, v128.load(a0 + off, 16), x1);
      s1 = madd(s1, v128.load(a1 + off), x0);
      u1 = madd(u1, v128.load(a1 + off, 16), x1);
      s2 = madd(s2, v128.load(a2 + off), x0);
      u2 = madd(u2, v128.load(a2 + off, 16), x1);
      s3 = madd(s3, v128.load(a3 + off), x0);
      u3 = madd(u3, v128.load(a3 + off, 16), x1);
    }
    s0 = f64x2.add(s0, u0);
    s1 = f64x2.add(s1, u1);
    s2 = f64x2.add(s2, u2);
    s3 = f64x2.add(s3, u3);
    t0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
    t1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
    t2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    t3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1);
  }
  for (; j < n; j++) {
    const off = <usize>j << 3;
    const xj = load<f64>(x + off);
    t0 += load<f64>(a0 + off) * xj;
    t1 += load<f64>(a1 + off) * xj;
    t2 += load<f64>(a2 + off) * xj;
    t3 += load<f64>(a3 + off) * xj;
  }
  addTo(y, t0);
  addTo(y + 8, t1);
  addTo(y + 16, t2);
  addTo(y + 24, t3);
}

/**
 * y = A x: y[r] = Σ_j a[r][j]·x[j] for the row-major rows×d block at a (x of length d,
 * y of length rows; y must not overlap a or x).
 */
export function rowDots(y: usize, a: usize, rows: i32, d: i32, x: usize): void {
  memory.fill(y, 0, <usize>rows << 3);
  const rowBytes = <usize>d << 3;
  for (let j0: i32 = 0; j0 < d; j0 += BLOCK) {
    const n = min(BLOCK, d - j0);
    const xb = x + (<usize>j0 << 3);
    const ab = a + (<usize>j0 << 3);
    let r: i32 = 0;
    for (; r + 4 <= rows; r += 4) dotFour(y + (<usize>r << 3), ab + <usize>r * rowBytes, rowBytes, xb, n);
    for (; r < rows; r++) addTo(y + (<usize>r << 3), dotRow(ab + <usize>r * rowBytes, xb, n));
  }
}

// x += c·a over n f64, for the single rows left after the groups of four.
function axpyRow(x: usize, a: usize, c: f64, n: i32): void {
  let j: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const cs = f64x2.splat(c);
    for (; j + 2 <= n; j += 2) {
      const off = <usize>j << 3;
      v128.store(x + off, madd(v128.load(x + off), v128.load(a + off), cs));
    }
  }
  for (; j < n; j++) {
    const off = <usize>j << 3;
    store<f64>(x + off, load<f64>(x + off) + c * load<f64>(a + off));
  }
}

// x += c0·a0 + c1·a1 + c2·a2 + c3·a3 over n columns, the rows rowBytes apart from a0.
function axpyFour(x: usize, a0: usize, rowBytes: usize, y: usize, n: i32): void {
  const a1 = a0 + rowBytes;
  const a2 = a1 + rowBytes;
  const a3 = a2 + rowBytes;
  const c0 = load<f64>(y);
  const c1 = load<f64>(y, 8);
  const c2 = load<f64>(y, 16);
  const c3 = load<f64>(y, 24);
  let j: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f64x2.splat(c0);
    const v1 = f64x2.splat(c1);
    const v2 = f64x2.splat(c2);
    const v3 = f64x2.splat(c3);
    for (; j + 4 <= n; j += 4) {
      const off = <usize>j << 3;
      let lo = v128.load(x + off);
      let hi = v128.load(x + off, 16);
      lo = madd(lo, v128.load(a0 + off), v0);
      hi = madd(hi, v128.load(a0 + off, 16), v0);
      lo = madd(lo, v128.load(a1 + off), v1);
      hi = madd(hi, v128.load(a1 + off, 16), v1);
      lo = madd(lo, v128.load(a2 + off), v2);
      hi = madd(hi, v128.load(a2 + off, 16), v2);
      lo = madd(lo, v128.load(a3 + off), v3);
      hi = madd(hi, v128.load(a3 + off, 16), v3);
      v128.store(x + off, lo);
      v128.store(x + off, hi, 16);
    }
  }
  for (; j < n; j++) {
    const off = <usize>j << 3;
    let v = load<f64>(x + off);
    v += c0 * load<f64>(a0 + off);
    v += c1 * load<f64>(a1 + off);
    v += c2 * load<f64>(a2 + off);
    v += c3 * load<f64>(a3 + off);
    store<f64>(x + off, v);
  }
}

/**
 * x += Aᵀ y: x[j] += Σ_r y[r]·a[r][j] for the row-major rows×d block at a (y of length
 * rows, x of length d; x must not overlap a or y).
 */
export function addWeightedRows(x: usize, a: usize, rows: i32, d: i32, y: usize): void {
  const rowBytes = <usize>d << 3;
  for (let j0: i32 = 0; j0 < d; j0 += BLOCK) {
    const n = min(BLOCK, d - j0);
    const xb = x + (<usize>j0 << 3);
    const ab = a + (<usize>j0 << 3);
    let r: i32 = 0;
    for (; r + 4 <= rows; r += 4) axpyFour(xb, ab + <usize>r * rowBytes, rowBytes, y + (<usize>r << 3), n);
    for (; r < rows; r++) axpyRow(xb, ab + <usize>r * rowBytes, load<f64>(y + (<usize>r << 3)), n);
  }
}

/**
 * dst[c][r] = a[r][c] for r < rows, c < cols: the rows×cols block at a, whose rows lie
 * `stride` f64 apart, written transposed as a row-major cols×rows block at dst (which must
 * not overlap it). Four rows at a time, so each column's four values go out as 32
 * contiguous bytes; then pairs, then single rows.
 */
export function transposeBlock(dst: usize, a: usize, rows: i32, stride: i32, cols: i32): void {
  const rowBytes = <usize>stride << 3;
  const dstRowBytes = <usize>rows << 3;
  let r: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    for (; r + 4 <= rows; r += 4) {
      const src0 = a + <usize>r * rowBytes;
      const src1 = src0 + rowBytes;
      const src2 = src1 + rowBytes;
      const src3 = src2 + rowBytes;
      let out = dst + (<usize>r << 3);
      let c: i32 = 0;
      for (; c + 2 <= cols; c += 2, out += dstRowBytes << 1) {
        const off = <usize>c << 3;
        const v0 = v128.load(src0 + off);
        const v1 = v128.load(src1 + off);
        const v2 = v128.load(src2 + off);
        const v3 = v128.load(src3 + off);
        v128.store(out, f64x2.shuffle(v0, v1, 0, 2));
        v128.store(out, f64x2.shuffle(v2, v3, 0, 2), 16);
        v128.store(out + dstRowBytes, f64x2.shuffle(v0, v1, 1, 3));
        v128.store(out + dstRowBytes, f64x2.shuffle(v2, v3, 1, 3), 16);
      }
      if (c < cols) {
        const off = <usize>c << 3;
        store<f64>(out, load<f64>(src0 + off));
        store<f64>(out, load<f64>(src1 + off), 8);
        store<f64>(out, load<f64>(src2 + off), 16);
        store<f64>(out, load<f64>(src3 + off), 24);
      }
    }
    for (; r + 2 <= rows; r += 2) {
      const src0 = a + <usize>r * rowBytes;
      const src1 = src0 + rowBytes;
      let out = dst + (<usize>r << 3);
      let c: i32 = 0;
      for (; c + 2 <= cols; c += 2, out += dstRowBytes << 1) {
        const off = <usize>c << 3;
        const v0 = v128.load(src0 + off);
        const v1 = v128.load(src1 + off);
        v128.store(out, f64x2.shuffle(v0, v1, 0, 2));
        v128.store(out + dstRowBytes, f64x2.shuffle(v0, v1, 1, 3));
      }
      if (c < cols) {
        const off = <usize>c << 3;
        store<f64>(out, load<f64>(src0 + off));
        store<f64>(out, load<f64>(src1 + off), 8);
      }
    }
  }
  for (; r < rows; r++) {
    const src = a + <usize>r * rowBytes;
    for (let c: i32 = 0; c < cols; c++) {
      store<f64>(dst + <usize>c * dstRowBytes + (<usize>r << 3), load<f64>(src + (<usize>c << 3)));
    }
  }
}
