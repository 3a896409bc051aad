// What the page publishes on window.__fisherDemo when it has finished, for the browser test.
import type { BackendName } from "fisher-wasm";

/** Who ruled WebAssembly SIMD out under ?nosimd: the engine itself, the page by name, or nobody. */
export type SimdDisabledBy = "engine" | "request" | null;

export interface DemoResult {
  done: true;
  backend: BackendName;
  simdInEngine: boolean;
  simdDisabledBy: SimdDisabledBy;
  /** threads() after init(), and the runtime's reason for it. */
  threads: number;
  threadsNote: string;
  /** navigator.hardwareConcurrency. */
  hardwareThreads: number;
  /** Whether a 512 × 300 empiricalFisher on the default runtime equals, bit for bit, the one on a 1-thread runtime. */
  sameBitsAsOneThread: boolean;
  beta: number[];
  logLikelihood: number;
  standardErrors: number[];
  robustStandardErrors: number[];
  /** Packed 'U', as SymmetricMatrix.packed. */
  fisher: number[];
  negHessian: number[];
  information: number[];
  eigenvalues: number[];
  negHessianEigenvalues: number[];
  gflops: number;
  naturalIterations: number | null;
  fisherScoringIterations: number | null;
  gdIterations: number | null;
}

export interface DemoFailure {
  done: false;
  error: string;
}

declare global {
  interface Window {
    __fisherDemo?: DemoResult | DemoFailure;
  }
}
