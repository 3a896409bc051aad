// What the page publishes on window.__fisherDemo when it has finished, for the browser test.
import type { BackendName } from "fisher-wasm";
import type { Responsiveness } from "./responsiveness.js";

/** Who ruled WebAssembly SIMD out under ?nosimd: the engine itself, the page by name, or nobody. */
export type SimdDisabledBy = "engine" | "request" | null;

export interface DemoResult {
  done: true;
  backend: BackendName;
  simdInEngine: boolean;
  simdDisabledBy: SimdDisabledBy;
  /** threads() after init() in the page's compute worker, and the runtime's reason for it. */
  threads: number;
  threadsNote: string;
  /** navigator.hardwareConcurrency, as the worker sees it. */
  hardwareThreads: number;
  /** Whether the worker's large empiricalFisher equals, bit for bit, the one on a 1-thread runtime. */
  sameBitsAsOneThread: boolean;
  /** The page's main thread while the worker computed that large empiricalFisher. */
  responsiveness: Responsiveness;
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
