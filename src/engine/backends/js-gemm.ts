// The dense matrix product of the ABI in plain TypeScript: the textbook i-p-j loop.
import type { GemmKernels } from "../gemm-kernels.js";

export function createJsGemmKernels(f64: () => Float64Array): GemmKernels {
  return {
    gemmScratchBytes: () => 0,

    gemm(c, a, b, m, k, n, beta, _scratch) {
      const mem = f64();
      const c0 = c / 8;
      const a0 = a / 8;
      const b0 = b / 8;
      for (let i = 0; i < m; i++) {
        const row = c0 + i * n;
        for (let j = 0; j < n; j++) mem[row + j] = beta === 0 ? 0 : beta * (mem[row + j] as number);
        for (let p = 0; p < k; p++) {
          const aip = mem[a0 + i * k + p] as number;
          const brow = b0 + p * n;
          for (let j = 0; j < n; j++) mem[row + j] = (mem[row + j] as number) + aip * (mem[brow + j] as number);
        }
      }
    },
  };
}
