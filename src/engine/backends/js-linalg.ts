// The packed linear-algebra kernels of the ABI in plain TypeScript: unblocked, in the
// order of the textbook algorithms, as the reference for the blocked wasm versions.
import type { LinalgKernels } from "../linalg-kernels.js";

const col = (j: number): number => (j * (j + 1)) / 2;

export function createJsLinalgKernels(f64: () => Float64Array): LinalgKernels {
  // The textbook inverse, behind both choleskyInverse and choleskyInverseUnblocked: the result
  // the blocked WebAssembly kernel computes, by the plain algorithm.
  function inverse(u: number, d: number): void {
    const m = f64();
    const at = (i: number, j: number): number => u / 8 + col(j) + i;
    // W = U⁻¹ by columns: W[j][j] = 1/U[j][j], W[i][j] = −W[j][j] Σ_{i<=l<j} W[i][l] U[l][j].
    for (let j = 0; j < d; j++) {
      const wjj = 1 / (m[at(j, j)] as number);
      const x = Array.from({ length: j }, (_, i) => m[at(i, j)] as number);
      for (let i = 0; i < j; i++) {
        let s = 0;
        for (let l = i; l < j; l++) s += (m[at(i, l)] as number) * (x[l] as number);
        m[at(i, j)] = -wjj * s;
      }
      m[at(j, j)] = wjj;
    }
    // (W Wᵀ)[i][j] = Σ_{l>=j} W[i][l] W[j][l] for i <= j, reading only W (columns at or after j).
    const w = Array.from({ length: (d * (d + 1)) / 2 }, (_, k) => m[u / 8 + k] as number);
    for (let j = 0; j < d; j++) {
      for (let i = 0; i <= j; i++) {
        let s = 0;
        for (let l = j; l < d; l++) s += (w[col(l) + i] as number) * (w[col(l) + j] as number);
        m[at(i, j)] = s;
      }
    }
  }

  return {
    choleskyWorkBytes: () => 0,

    choleskyPacked(ap, d, damping, _work) {
      const m = f64();
      const a = ap / 8;
      for (let j = 0; j < d; j++) m[a + col(j) + j] = (m[a + col(j) + j] as number) + damping;
      for (let j = 0; j < d; j++) {
        let s = m[a + col(j) + j] as number;
        for (let l = 0; l < j; l++) s -= (m[a + col(j) + l] as number) ** 2;
        if (!(s > 0)) return j + 1;
        const ujj = Math.sqrt(s);
        m[a + col(j) + j] = ujj;
        for (let i = j + 1; i < d; i++) {
          let v = m[a + col(i) + j] as number;
          for (let l = 0; l < j; l++) v -= (m[a + col(j) + l] as number) * (m[a + col(i) + l] as number);
          m[a + col(i) + j] = v / ujj;
        }
      }
      return 0;
    },

    choleskySolve(u, d, b, nrhs) {
      const m = f64();
      const U = (i: number, j: number): number => m[u / 8 + col(j) + i] as number;
      for (let r = 0; r < nrhs; r++) {
        const x = b / 8 + r * d;
        for (let j = 0; j < d; j++) {
          let s = m[x + j] as number;
          for (let l = 0; l < j; l++) s -= U(l, j) * (m[x + l] as number);
          m[x + j] = s / U(j, j);
        }
        for (let j = d - 1; j >= 0; j--) {
          let s = m[x + j] as number;
          for (let l = j + 1; l < d; l++) s -= U(j, l) * (m[x + l] as number);
          m[x + j] = s / U(j, j);
        }
      }
    },

    choleskyInverseWorkBytes: () => 0,

    choleskyInverse: (u, d, _work) => inverse(u, d),

    choleskyInverseUnblocked: inverse,

    packedMatvec(ap, d, x, y) {
      const m = f64();
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const k = i <= j ? col(j) + i : col(i) + j;
          s += (m[ap / 8 + k] as number) * (m[x / 8 + j] as number);
        }
        m[y / 8 + i] = s;
      }
    },
  };
}
