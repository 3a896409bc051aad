// Non-finite detection and weighted column means over row-major blocks.
// A finite x gives x - x == 0; NaN and ±Infinity give NaN, so one running sum of
// (x - x) tells whether a block is clean without a branch per element.

/** Index of the first non-finite value among n f64 at x, or -1 when all are finite. */
export function findNonFinite(x: usize, n: i32): i32 {
  // A plain sum is finite exactly when every term is, unless finite terms overflow;
  // that rare case only costs the exact rescan below. Four independent sums keep
  // the adds off one dependency chain.
  let flag: f64 = 0;
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      const p = x + (<usize>i << 3);
      s0 = f64x2.add(s0, v128.load(p));
      s1 = f64x2.add(s1, v128.load(p, 16));
      s2 = f64x2.add(s2, v128.load(p, 32));
      s3 = f64x2.add(s3, v128.load(p, 48));
    }
    const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
    flag = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  }
  for (; i < n; i++) flag += load<f64>(x + (<usize>i << 3));
  if (flag - flag == 0) return -1;
  for (let k: i32 = 0; k < n; k++) {
    const v = load<f64>(x + (<usize>k << 3));
    if (v - v != 0) return k;
  }
  return -1;
}

/**
 * out[j] = (Σ_r w_r (a[r][j] − shift[j])) / weightSum for a row-major rows×d block at a:
 * the weighted column mean relative to a shift (shift = 0: no shift). Summing the small
 * differences from a nearby shift keeps the digits that a sum of values far from zero
 * (1e8 + noise) would round away. w = 0 means unit weights. Returns the flat index of the
 * first non-finite value of a, or -1; out is only meaningful when -1 is returned.
 */
export function weightedColumnMean(
  a: usize,
  rows: i32,
  d: i32,
  w: usize,
  weightSum: f64,
  shift: usize,
  out: usize,
): i32 {
  const rowBytes = <usize>d << 3;
  memory.fill(out, 0, rowBytes);
  let flag: f64 = 0;
  for (let r: i32 = 0; r < rows; r++) {
    const row = a + <usize>r * rowBytes;
    const wr: f64 = w != 0 ? load<f64>(w + (<usize>r << 3)) : 1.0;
    let j: i32 = 0;
    if (ASC_FEATURE_SIMD) {
      const ws = f64x2.splat(wr);
      let chk = f64x2.splat(0);
      for (; j + 2 <= d; j += 2) {
        const off = <usize>j << 3;
        const v = v128.load(row + off);
        chk = f64x2.add(chk, f64x2.sub(v, v));
        const x = shift != 0 ? f64x2.sub(v, v128.load(shift + off)) : v;
        v128.store(out + off, f64x2.add(v128.load(out + off), f64x2.mul(x, ws)));
      }
      flag += f64x2.extract_lane(chk, 0) + f64x2.extract_lane(chk, 1);
    }
    for (; j < d; j++) {
      const off = <usize>j << 3;
      const v = load<f64>(row + off);
      flag += v - v;
      const x = shift != 0 ? v - load<f64>(shift + off) : v;
      store<f64>(out + off, load<f64>(out + off) + x * wr);
    }
  }
  if (flag != 0) return findNonFinite(a, rows * d);
  const inv = 1.0 / weightSum;
  for (let j: i32 = 0; j < d; j++) {
    const off = <usize>j << 3;
    store<f64>(out + off, load<f64>(out + off) * inv);
  }
  return -1;
}
