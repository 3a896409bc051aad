// X = W·Y for W upper triangular in packed 'U' storage and Y dense row-major: the triangular
// matrix product (BLAS dtrmm, left, upper) that carries most of the flops of the blocked
// triangular inverse. Blocked as gemm: a block of KC rows of Y is packed into four-column
// panels, the matching KC columns of W into four-row panels, and gemm's 4×4 register tile
// sweeps them. Four consecutive rows of one column of W are contiguous in packed storage, so
// a row panel is gathered 32 bytes per column; entries below the diagonal are packed as
// zeros, and a tile starts at its first column on or above the diagonal, so only the
// triangle's own flops (and the few zeros of a diagonal tile) are spent.
import { packB, tileScalar, tileSimd } from "./gemm";
import { columnStart } from "./packed-index";
import { padded4, panelStride } from "./simd-tiles";

// Rows of Y (columns of W) per packed block, and rows of W per packed block: gemm's sizes.
// @ts-ignore: decorator
@inline
const KC: i32 = 128;
// @ts-ignore: decorator
@inline
const MC: i32 = 32;

/** Bytes of scratch packedTriangularProduct needs for W k×k times Y k×n. */
export function packedTriangularProductScratchBytes(k: i32, n: i32): i32 {
  if (k <= 0 || n <= 0) return 0;
  const stride = panelStride(min(k, KC));
  return <i32>(<usize>((padded4(n) >> 2) + (padded4(min(k, MC)) >> 2)) * stride);
}

/**
 * Rows ic..ic+mc of W, columns pc..pc+kc, into four-row panels at `packed`: panel s, row p
 * holds W[ic+4s+r][pc+p] for r = 0..3, zero below the diagonal and past row `rowsEnd`.
 */
function packTriangle(w: usize, ic: i32, mc: i32, rowsEnd: i32, pc: i32, kc: i32, packed: usize, stride: usize): void {
  const panels = padded4(mc) >> 2;
  for (let s: i32 = 0; s < panels; s++) {
    const i0 = ic + (s << 2);
    const base = packed + <usize>s * stride;
    for (let p: i32 = 0; p < kc; p++) {
      const l = pc + p;
      const dst = base + (<usize>p << 5);
      const src = w + ((columnStart(<usize>l) + <usize>i0) << 3);
      if (i0 + 3 <= l && i0 + 4 <= rowsEnd) {
        if (ASC_FEATURE_SIMD) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
        } else {
          store<f64>(dst, load<f64>(src));
          store<f64>(dst, load<f64>(src, 8), 8);
          store<f64>(dst, load<f64>(src, 16), 16);
          store<f64>(dst, load<f64>(src, 24), 24);
        }
      } else {
        for (let r: i32 = 0; r < 4; r++) {
          const i = i0 + r;
          store<f64>(dst + (<usize>r << 3), i <= l && i < rowsEnd ? load<f64>(src + (<usize>r << 3)) : 0.0);
        }
      }
    }
  }
}

/**
 * X (k×n, row-major) = W·Y with W the upper triangular k×k matrix in packed 'U' storage at
 * w (only its triangle is read) and Y row-major k×n. scratch:
 * packedTriangularProductScratchBytes(k, n) bytes, 16-byte aligned. X must not overlap W, Y
 * or the scratch.
 */
export function packedTriangularProduct(x: usize, w: usize, k: i32, y: usize, n: i32, scratch: usize): void {
  if (k <= 0 || n <= 0) return;
  memory.fill(x, 0, <usize>k * <usize>n << 3);
  const stride = panelStride(min(k, KC));
  const bPanels = padded4(n) >> 2;
  const packedY = scratch;
  const packedW = scratch + <usize>bPanels * stride;
  const rowBytes = <usize>n << 3;
  for (let pc: i32 = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    packB(y, n, pc, kc, packedY, stride);
    // Rows at or past pc + kc have only zeros in these columns of W.
    const rowsEnd = pc + kc;
    for (let ic: i32 = 0; ic < rowsEnd; ic += MC) {
      const mc = min(MC, rowsEnd - ic);
      packTriangle(w, ic, mc, rowsEnd, pc, kc, packedW, stride);
      const aPanels = padded4(mc) >> 2;
      for (let t: i32 = 0; t < bPanels; t++) {
        const j0 = t << 2;
        const cols = min(4, n - j0);
        const bp = packedY + <usize>t * stride;
        for (let s: i32 = 0; s < aPanels; s++) {
          const i0 = ic + (s << 2);
          const rows = min(4, rowsEnd - i0);
          // Columns of W left of row i0 hold zeros in these four rows: the tile starts at i0.
          const skip = max(0, i0 - pc);
          const offset = <usize>skip << 5;
          const cp = x + <usize>i0 * rowBytes + (<usize>j0 << 3);
          const ap = packedW + <usize>s * stride + offset;
          if (ASC_FEATURE_SIMD) tileSimd(cp, rowBytes, rows, cols, ap, bp + offset, kc - skip);
          else tileScalar(cp, rowBytes, rows, cols, ap, bp + offset, kc - skip);
        }
      }
    }
  }
}
