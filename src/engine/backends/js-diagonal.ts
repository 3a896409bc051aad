// The diagonal kernel of the ABI in plain TypeScript, in the order of the mathematics: the
// reference for the SIMD sweep.
import type { DiagonalKernels } from "../diagonal-kernels.js";
import { ALL_FINITE } from "../kernels.js";

export function createJsDiagonalKernels(f64: () => Float64Array): DiagonalKernels {
  return {
    diagonalSquares(diag, a, rows, d, w, scratch) {
      const m = f64();
      const base = a / 8;
      for (let k = 0; k < rows * d; k++) {
        const v = m[base + k] as number;
        if (v - v !== 0) return k;
      }
      const s = scratch / 8;
      for (let j = 0; j < d; j++) m[s + j] = 0;
      for (let r = 0; r < rows; r++) {
        const wr = w === 0 ? 1 : (m[w / 8 + r] as number);
        const row = base + r * d;
        for (let j = 0; j < d; j++) {
          const x = m[row + j] as number;
          m[s + j] = (m[s + j] as number) + x * wr * x;
        }
      }
      for (let j = 0; j < d; j++) m[diag / 8 + j] = (m[diag / 8 + j] as number) + (m[s + j] as number);
      return ALL_FINITE;
    },
  };
}
