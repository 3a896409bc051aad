// What the tiled SIMD kernels (syrk, gemm, gemv, diagonal) share: the multiply-add of one
// register lane pair, the padding of a dimension to the 4-wide register tile, and the stride
// between packed four-column panels.

/**
 * acc + x·y: one fused multiply-add in the relaxed-SIMD build (rounded once, where the engine
 * has FMA), a multiply and an add otherwise.
 */
// @ts-ignore: decorator
@inline
export function madd(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(x, y, acc);
  return f64x2.add(acc, f64x2.mul(x, y));
}

/** n rounded up to a multiple of the 4-wide register tile. */
// @ts-ignore: decorator
@inline
export function padded4(n: i32): i32 {
  return (n + 3) & ~3;
}

/**
 * Bytes between consecutive four-column panels of `rows` rows (32 bytes per row). Panels a
 * multiple of 4 KiB apart alias in the L1 sets and halve a sweep's speed, so the stride is
 * staggered by a cache line.
 */
// @ts-ignore: decorator
@inline
export function panelStride(rows: i32): usize {
  return (<usize>rows << 5) + 64;
}
