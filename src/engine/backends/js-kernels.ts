// The kernel ABI in plain TypeScript: the backend where WebAssembly is missing and
// the reference the wasm builds are tested against. Written for clarity, in the
// order of the mathematics, not for speed.
import { ALL_FINITE, type Kernels, type LinearMemory } from "../kernels.js";
import { createJsDiagonalKernels } from "./js-diagonal.js";
import { createJsEigenKernels } from "./js-eigen.js";
import { createJsGemmKernels } from "./js-gemm.js";
import { createJsGemvKernels } from "./js-gemv.js";
import { createJsLinalgKernels } from "./js-linalg.js";

/** Heap starts after a reserved first page, as a wasm module's static data would. */
const HEAP_BASE = 1024;

export function createJsKernels(memory: LinearMemory): Kernels {
  let view = new Float64Array(memory.buffer);
  // Pointers are byte offsets; every pointer the host passes is 8-byte aligned.
  const f64 = (): Float64Array => {
    if (view.buffer !== memory.buffer) view = new Float64Array(memory.buffer);
    return view;
  };

  const findNonFinite = (x: number, n: number): number => {
    const m = f64();
    const base = x / 8;
    for (let k = 0; k < n; k++) {
      const v = m[base + k] as number;
      if (v - v !== 0) return k;
    }
    return ALL_FINITE;
  };

  return {
    ...createJsDiagonalKernels(f64),
    ...createJsEigenKernels(f64),
    ...createJsGemmKernels(f64),
    ...createJsGemvKernels(f64),
    ...createJsLinalgKernels(f64),
    heapBase: () => HEAP_BASE,
    findNonFinite,

    weightedColumnMean(a, rows, d, w, weightSum, shift, out) {
      const status = findNonFinite(a, rows * d);
      if (status !== ALL_FINITE) return status;
      const m = f64();
      const o = out / 8;
      const sh = shift / 8;
      for (let j = 0; j < d; j++) m[o + j] = 0;
      for (let r = 0; r < rows; r++) {
        const wr = w === 0 ? 1 : (m[w / 8 + r] as number);
        const row = a / 8 + r * d;
        for (let j = 0; j < d; j++) {
          const x = shift === 0 ? (m[row + j] as number) : (m[row + j] as number) - (m[sh + j] as number);
          m[o + j] = (m[o + j] as number) + x * wr;
        }
      }
      for (let j = 0; j < d; j++) m[o + j] = (m[o + j] as number) * (1 / weightSum);
      return ALL_FINITE;
    },

    axpy(y, x, n, alpha) {
      const m = f64();
      for (let i = 0; i < n; i++) m[y / 8 + i] = (m[y / 8 + i] as number) + alpha * (m[x / 8 + i] as number);
    },

    copy(dst, src, n) {
      f64().copyWithin(dst / 8, src / 8, src / 8 + n);
    },

    scale(x, n, alpha) {
      const m = f64();
      for (let i = 0; i < n; i++) m[x / 8 + i] = (m[x / 8 + i] as number) * alpha;
    },

    packedRank1(c, d, alpha, x) {
      const m = f64();
      for (let j = 0; j < d; j++) {
        const s = alpha * (m[x / 8 + j] as number);
        const col = c / 8 + (j * (j + 1)) / 2;
        for (let i = 0; i <= j; i++) m[col + i] = (m[col + i] as number) + (m[x / 8 + i] as number) * s;
      }
    },

    syrk(c, a, rows, d, w, center, _scratch) {
      const status = findNonFinite(a, rows * d);
      if (status !== ALL_FINITE) return status;
      const m = f64();
      const centered = new Float64Array(d);
      for (let r = 0; r < rows; r++) {
        const wr = w === 0 ? 1 : (m[w / 8 + r] as number);
        const row = a / 8 + r * d;
        for (let j = 0; j < d; j++) {
          centered[j] = (m[row + j] as number) - (center === 0 ? 0 : (m[center / 8 + j] as number));
        }
        for (let j = 0; j < d; j++) {
          const s = (centered[j] as number) * wr;
          const col = c / 8 + (j * (j + 1)) / 2;
          for (let i = 0; i <= j; i++) m[col + i] = (m[col + i] as number) + (centered[i] as number) * s;
        }
      }
      return ALL_FINITE;
    },

    syrkScratchBytes: () => 0,
  };
}
