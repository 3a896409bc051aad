// Level-1 and level-2 helpers on packed 'U' matrices and plain vectors.
import { columnStart } from "./packed-index";

/** x[0..n) *= alpha. */
export function scale(x: usize, n: i32, alpha: f64): void {
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f64x2.splat(alpha);
    for (; i + 2 <= n; i += 2) {
      const p = x + (<usize>i << 3);
      v128.store(p, f64x2.mul(v128.load(p), s));
    }
  }
  for (; i < n; i++) {
    const p = x + (<usize>i << 3);
    store<f64>(p, load<f64>(p) * alpha);
  }
}

/** y[0..n) += alpha * x[0..n). */
export function axpy(y: usize, x: usize, n: i32, alpha: f64): void {
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f64x2.splat(alpha);
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      v128.store(y + off, f64x2.add(v128.load(y + off), f64x2.mul(v128.load(x + off), s)));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(y + off, load<f64>(y + off) + alpha * load<f64>(x + off));
  }
}

/** dst[0..n) = src[0..n) (f64 elements; regions may overlap). */
export function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 3);
}

/** C += alpha * x xᵀ on the packed upper triangle of dimension d. */
export function packedRank1(c: usize, d: i32, alpha: f64, x: usize): void {
  for (let j: i32 = 0; j < d; j++) {
    const s = alpha * load<f64>(x + (<usize>j << 3));
    const col = c + (columnStart(<usize>j) << 3);
    const len = j + 1;
    let i: i32 = 0;
    if (ASC_FEATURE_SIMD) {
      const sv = f64x2.splat(s);
      for (; i + 2 <= len; i += 2) {
        const off = <usize>i << 3;
        v128.store(col + off, f64x2.add(v128.load(col + off), f64x2.mul(v128.load(x + off), sv)));
      }
    }
    for (; i < len; i++) {
      const off = <usize>i << 3;
      store<f64>(col + off, load<f64>(col + off) + load<f64>(x + off) * s);
    }
  }
}
