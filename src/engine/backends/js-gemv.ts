// The matrix-vector kernels in plain TypeScript, in the order of the mathematics: the
// reference the WebAssembly builds are tested against.
import type { GemvKernels } from "../gemv-kernels.js";

export function createJsGemvKernels(f64: () => Float64Array): GemvKernels {
  return {
    rowDots(y, a, rows, d, x) {
      const m = f64();
      for (let r = 0; r < rows; r++) {
        const row = a / 8 + r * d;
        let sum = 0;
        for (let j = 0; j < d; j++) sum += (m[row + j] as number) * (m[x / 8 + j] as number);
        m[y / 8 + r] = sum;
      }
    },

    addWeightedRows(x, a, rows, d, y) {
      const m = f64();
      for (let r = 0; r < rows; r++) {
        const row = a / 8 + r * d;
        const c = m[y / 8 + r] as number;
        for (let j = 0; j < d; j++) m[x / 8 + j] = (m[x / 8 + j] as number) + c * (m[row + j] as number);
      }
    },

    transposeBlock(dst, a, rows, stride, cols) {
      const m = f64();
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) m[dst / 8 + c * rows + r] = m[a / 8 + r * stride + c] as number;
      }
    },
  };
}
