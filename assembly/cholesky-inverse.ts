// The inverse (UᵀU)⁻¹ = W Wᵀ, W = U⁻¹, from a packed Cholesky factor U, in place.
//
// Blocked (choleskyInverse), as LAPACK's dtrtri and dlauum but in packed storage, so that
// nearly all of the 2d³/3 flops run through the register-tiled SIMD kernels:
// 1. W by column blocks of BLOCK, left to right. With U = [U00 U01; 0 U11] and W00 = U00⁻¹
//    already in place, W11 = U11⁻¹ (unblocked, within the block) and
//    W01 = −W00 U01 W11: first Y = U01 (−W11) by gemm (k·b² flops), then W00 Y by the packed
//    triangular product (k²·b flops: the bulk).
// 2. W Wᵀ = Σ over column blocks of W of the block's rank-b update, each into the leading
//    (k+b)×(k+b) block of the packed array, which is itself a packed matrix: taken left to
//    right, a block is copied out of the array (its columns then zeroed) before the update
//    that adds into them, and the columns to its right, still W, are not touched.
// The unblocked algorithm (choleskyInverseUnblocked) is kept: it needs no work area and is
// the benchmarks' named variant "unblocked inverse".
import { gemm, gemmScratchBytes } from "./gemm";
import { axpy, packedRank1, scale } from "./packed-ops";
import { columnStart } from "./packed-index";
import { syrk, syrkScratchBytes } from "./syrk";
import { packedTriangularProduct, packedTriangularProductScratchBytes } from "./triangular-product";

// Columns per block: the rank of each update, and the width of the small gemm's operands.
// @ts-ignore: decorator
@inline
const BLOCK: i32 = 64;

// @ts-ignore: decorator
@inline
function at(ap: usize, i: i32, j: i32): usize {
  return ap + ((columnStart(<usize>j) + <usize>i) << 3);
}

// @ts-ignore: decorator
@inline
function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/**
 * In place: the diagonal block [k, k+b) of the packed upper triangular U becomes its
 * inverse, column by column: W[j][j] = 1/U[j][j] and W[k..j)[j] = −W[j][j] · W_j U[k..j)[j],
 * where W_j, the inverse of the block's leading part, is already in place (an upper
 * triangular matrix-vector product done as axpys over contiguous columns).
 */
function invertDiagonalBlock(u: usize, k: i32, b: i32): void {
  for (let j: i32 = k; j < k + b; j++) {
    const colj = at(u, k, j);
    const wjj = 1.0 / load<f64>(at(u, j, j));
    store<f64>(at(u, j, j), wjj);
    // x = W_j x, in place, for x = U[k..j)[j]: x[k..l) += x_l · W[k..l)[l], x_l *= W[l][l].
    for (let l: i32 = k; l < j; l++) {
      const xl = load<f64>(at(u, l, j));
      axpy(colj, at(u, k, l), l - k, xl);
      store<f64>(at(u, l, j), xl * load<f64>(at(u, l, l)));
    }
    scale(colj, j - k, -wjj);
  }
}

/**
 * In place: the packed Cholesky factor U (from choleskyPacked) becomes the packed inverse
 * (UᵀU)⁻¹ = W Wᵀ with W = U⁻¹, unblocked and with no work area. First W (the whole matrix
 * as one diagonal block). Then W Wᵀ column by column: the leading j×j block gains w wᵀ for
 * w = W[0..j)[j], and column j is scaled by W[j][j] (the only term of (W Wᵀ)[i][j] not yet added).
 */
export function choleskyInverseUnblocked(u: usize, d: i32): void {
  invertDiagonalBlock(u, 0, d);
  for (let j: i32 = 0; j < d; j++) {
    const colj = at(u, 0, j);
    if (j > 0) packedRank1(u, j, 1.0, colj);
    scale(colj, j + 1, load<f64>(at(u, j, j)));
  }
}

function scratchBytes(d: i32): usize {
  const b = min(BLOCK, d);
  const gemmBytes = <usize>gemmScratchBytes(d, b, b);
  const productBytes = <usize>packedTriangularProductScratchBytes(d, b);
  const syrkBytes = <usize>syrkScratchBytes(b, d);
  return max(gemmBytes, max(productBytes, syrkBytes));
}

// The work area, in order: `wide` (U01 gathered row-major k×b, then the product W00·Y; in
// step 2 the block's columns of W as rows), `product` (Y = U01 (−W11), row-major k×b),
// `triangle` (−W11, dense row-major b×b) and the kernels' scratch.

// @ts-ignore: decorator
@inline
function wideBytes(d: i32): usize {
  return align16((<usize>d * <usize>min(BLOCK, d)) << 3);
}

// @ts-ignore: decorator
@inline
function triangleBytes(d: i32): usize {
  const b = <usize>min(BLOCK, d);
  return align16((b * b) << 3);
}

/** Bytes of work memory choleskyInverse needs for dimension d (16-byte aligned). */
export function choleskyInverseWorkBytes(d: i32): i32 {
  if (d <= 0) return 0;
  return <i32>(wideBytes(d) + wideBytes(d) + triangleBytes(d) + scratchBytes(d));
}

/** Step 1 for the column block [k, k+b), W00 = U00⁻¹ already in place: W11 and W01. */
function invertColumnBlock(
  u: usize,
  k: i32,
  b: i32,
  wide: usize,
  product: usize,
  triangle: usize,
  scratch: usize,
): void {
  invertDiagonalBlock(u, k, b);
  if (k == 0) return;
  const rowBytes = <usize>b << 3;
  // −W11, dense with zeros below the diagonal.
  memory.fill(triangle, 0, <usize>b * rowBytes);
  for (let c: i32 = 0; c < b; c++) {
    for (let r: i32 = 0; r <= c; r++) {
      store<f64>(triangle + <usize>r * rowBytes + (<usize>c << 3), -load<f64>(at(u, k + r, k + c)));
    }
  }
  // U01 row-major: column k+c of U, rows 0..k, is a contiguous run.
  for (let c: i32 = 0; c < b; c++) {
    const col = at(u, 0, k + c);
    for (let r: i32 = 0; r < k; r++) {
      store<f64>(wide + <usize>r * rowBytes + (<usize>c << 3), load<f64>(col + (<usize>r << 3)));
    }
  }
  gemm(product, wide, triangle, k, b, b, 0, scratch);
  packedTriangularProduct(wide, u, k, product, b, scratch);
  for (let c: i32 = 0; c < b; c++) {
    const col = at(u, 0, k + c);
    for (let r: i32 = 0; r < k; r++) {
      store<f64>(col + (<usize>r << 3), load<f64>(wide + <usize>r * rowBytes + (<usize>c << 3)));
    }
  }
}

/**
 * Step 2 for the column block [k, k+b) of W: its columns, rows 0..k+b (zero below the
 * diagonal), become the rows of a rank-b update of the leading (k+b)×(k+b) block, after
 * their own entries are zeroed (the update adds the block's share of them back).
 */
function addColumnBlockProduct(u: usize, k: i32, b: i32, wide: usize, scratch: usize): void {
  const m = k + b;
  const rowBytes = <usize>m << 3;
  for (let r: i32 = 0; r < b; r++) {
    const row = wide + <usize>r * rowBytes;
    const col = at(u, 0, k + r);
    const len = <usize>(k + r + 1) << 3;
    memory.copy(row, col, len);
    memory.fill(row + len, 0, rowBytes - len);
    memory.fill(col, 0, len);
  }
  syrk(u, wide, b, m, 0, 0, scratch);
}

/**
 * In place: the packed Cholesky factor U (from choleskyPacked) becomes the packed inverse
 * (UᵀU)⁻¹, blocked (see the top of this file). work: choleskyInverseWorkBytes(d) bytes,
 * 16-byte aligned.
 */
export function choleskyInverse(u: usize, d: i32, work: usize): void {
  if (d <= 0) return;
  const wide = work;
  const product = wide + wideBytes(d);
  const triangle = product + wideBytes(d);
  const scratch = triangle + triangleBytes(d);
  for (let k: i32 = 0; k < d; k += BLOCK) {
    invertColumnBlock(u, k, min(BLOCK, d - k), wide, product, triangle, scratch);
  }
  for (let k: i32 = 0; k < d; k += BLOCK) addColumnBlockProduct(u, k, min(BLOCK, d - k), wide, scratch);
}
