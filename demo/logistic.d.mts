// Types of logistic.mjs, for the browser test that runs the same analysis in Node.
import type * as Library from "../src/index.js";

type Lib = typeof Library;
type SymmetricMatrix = Library.SymmetricMatrix;

export declare const NAMES: string[];
export declare const DAMPING: number;
export declare const TOLERANCE: number;
export declare const GD_BUDGET: number;

export interface HistoryPoint {
  iteration: number;
  gradNorm: number;
  logLikelihood: number;
}

export interface Run {
  /** Steps taken to reach ‖∇ℓ‖ ≤ TOLERANCE, or null when the budget ran out. */
  iterations: number | null;
  history: HistoryPoint[];
}

export interface Analysis {
  names: string[];
  n: number;
  events: number;
  beta: Float64Array;
  fitIterations: number;
  logLikelihood: number;
  standardErrors: number[];
  robustStandardErrors: number[];
  fisher: SymmetricMatrix;
  information: SymmetricMatrix;
  negHessian: SymmetricMatrix;
  fisherEigenvalues: Float64Array;
  negHessianEigenvalues: Float64Array;
  natural: Run;
  scoring: Run;
  gd: Run & { step: number };
}

export declare function parseSpector(text: string): { x: Float64Array; y: Float64Array; n: number };
export declare function analyse(lib: Lib, csvText: string): Analysis;
