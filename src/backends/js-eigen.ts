// The eigenvalue kernels of the ABI in plain TypeScript (placeholder until implemented).
import type { EigenKernels } from "../eigen-kernels.js";

export function createJsEigenKernels(_f64: () => Float64Array): EigenKernels {
  return { eigenKernelsVersion: () => 0 };
}
