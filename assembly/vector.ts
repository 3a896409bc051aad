// Inner products, the level-1 building block of the triangular solves and the
// packed matrix-vector product. Two accumulators keep the adds off one chain.

/** Σ x[i]·y[i] over n f64. */
// @ts-ignore: decorator
@inline
export function dot(x: usize, y: usize, n: i32): f64 {
  let i: i32 = 0;
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 3;
      s0 = f64x2.add(s0, f64x2.mul(v128.load(x + off), v128.load(y + off)));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(x + off, 16), v128.load(y + off, 16)));
    }
    const s = f64x2.add(s0, s1);
    sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    sum += load<f64>(x + off) * load<f64>(y + off);
  }
  return sum;
}
