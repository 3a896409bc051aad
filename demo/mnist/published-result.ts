// What the digits page publishes on window.__mnistDemo, for the browser test.
import type { BackendName } from "fisher-wasm";
import type { EvaluationPoint } from "../../examples/mnist/train.js";

/** One optimiser's run in the page. */
export interface PageRun {
  id: string;
  label: string;
  points: EvaluationPoint[];
}

export interface MnistPageResult {
  done: true;
  /** fisher-wasm's backend in the page. */
  backend: BackendName;
  /** TensorFlow.js's backend in the page. */
  tfBackend: string;
  trainCount: number;
  testCount: number;
  runs: PageRun[];
}

export interface MnistPageFailure {
  done: false;
  error: string;
}

declare global {
  interface Window {
    __mnistDemo?: MnistPageResult | MnistPageFailure;
  }
}
