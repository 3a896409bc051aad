// The back-transformation V = Q Z of a symmetric eigen-decomposition: Q = H(d−2) ⋯ H(0) is the
// product of the reflectors that tridiagonalizeDense left in its column-major matrix, Z the eigenvectors of
// the tridiagonal matrix. Reflectors are applied in blocks of BLOCK as one compact-WY block
// reflector each (as LAPACK's dlarft and dlarfb do for dormtr):
//   H(i+b−1) ⋯ H(i) = I − W T Wᵀ,   W = [u_i … u_{i+b−1}],   T lower triangular,
// so that each block costs two GEMMs, Y = Wᵀ Z and Z −= W (T Y), instead of b rank-one
// passes over Z. Reflector i touches rows 0..i only, so block [i, i+b) touches the first i+b
// rows of Z, a contiguous row-major band: the GEMM kernel takes it as it is.
import type { Runtime } from "../engine/runtime.js";

/**
 * Reflectors per block reflector. bench/eigen-tuning.ts on wasm-simd (2-core AMD EPYC, Node 20)
 * timed 32, 48, 64 and 96: 32 was the fastest at d = 256 and 512 (5.3 and 34.0 ms against 6.7
 * and 38.3 ms for 64) and within 3% of the fastest at d = 1024.
 */
export const BLOCK = 32;

/** The f64 regions applyReflectors needs, for dimension d and blocks of `block` reflectors. */
export function backTransformLengths(d: number, block = BLOCK): number[] {
  const b = Math.min(block, Math.max(d - 1, 1));
  return [b * d, d * b, b * b, b * b, b * d, b * d];
}

/**
 * Z ← Q Z in place for the row-major d×d matrix at byte offset z, Q the product of the
 * reflectors of tridiagonalizeDense (vectors in the column-major d×d matrix at byte offset a,
 * scales in tau, a host copy).
 * regions: byte offsets of regions of the lengths backTransformLengths(d, block), in that order.
 * block: reflectors per block reflector (BLOCK unless a benchmark tunes it).
 */
export function applyReflectors(
  rt: Runtime,
  a: number,
  tau: Float64Array,
  d: number,
  z: number,
  regions: readonly number[],
  block = BLOCK,
): void {
  const [wtPtr, wPtr, gramPtr, tPtr, yPtr, tyPtr] = regions as [number, number, number, number, number, number];
  const scratchBytes = Math.max(
    rt.kernels.gemmScratchBytes(block, d, d),
    rt.kernels.gemmScratchBytes(d, block, d),
    rt.kernels.gemmScratchBytes(block, d, block),
  );
  const scratch = rt.alloc(Math.max(1, Math.ceil(scratchBytes / 8)));
  try {
    const mem = rt.f64();
    const wt = wtPtr / 8;
    const t = tPtr / 8;
    const gram = gramPtr / 8;
    // H(0) comes first: Q Z = H(d−2)(⋯(H(0) Z)).
    for (let i0 = 0; i0 < d - 1; i0 += block) {
      const b = Math.min(block, d - 1 - i0);
      const m = i0 + b;
      // Wᵀ (b×m): row r is u for reflector i0 + r, stored in column i0 + r + 1 of a, rows 0..i0 + r.
      for (let r = 0; r < b; r++) {
        const i = i0 + r;
        const row = wt + r * m;
        if ((tau[i] as number) === 0) {
          mem.fill(0, row, row + m);
          continue;
        }
        const start = a / 8 + (i + 1) * d;
        mem.copyWithin(row, start, start + i + 1);
        mem.fill(0, row + i + 1, row + m);
      }
      rt.kernels.transposeBlock(wPtr, wtPtr, b, m, m);
      rt.kernels.gemm(gramPtr, wtPtr, wPtr, b, m, b, 0, scratch);
      // T by columns of the product: T[r][r] = τ_r, T[r][0..r) = −τ_r (u_rᵀ W₀..r) T₀..r,₀..r; stored negated.
      mem.fill(0, t, t + b * b);
      for (let r = 0; r < b; r++) {
        const tr = tau[i0 + r] as number;
        mem[t + r * b + r] = -tr;
        if (tr === 0) continue;
        for (let c = 0; c < r; c++) {
          // (uᵣᵀ W) T column c: Σ_s G[r][s] T[s][c] over c ≤ s < r (T is lower triangular).
          let sum = 0;
          for (let s = c; s < r; s++) sum += (mem[gram + r * b + s] as number) * -(mem[t + s * b + c] as number);
          mem[t + r * b + c] = tr * sum;
        }
      }
      // Z[0..m) −= W T (Wᵀ Z[0..m)).
      rt.kernels.gemm(yPtr, wtPtr, z, b, m, d, 0, scratch);
      rt.kernels.gemm(tyPtr, tPtr, yPtr, b, b, d, 0, scratch);
      rt.kernels.gemm(z, wPtr, tyPtr, m, b, d, 1, scratch);
    }
  } finally {
    rt.free(scratch);
  }
}
