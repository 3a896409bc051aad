// Logistic regression of GRADE on GPA, TUCE, PSI and a constant (Spector & Mazzeo, 1980).
// The page (demo/main.ts) and its browser test both call analyse(), so the matrices they
// compare come from the same steps. The caller initialises fisher-wasm first, so that it
// decides in which engine, and on which backend, the analysis runs.
import { empiricalFisher, type GlmModel, models, naturalGradient, SymmetricMatrix } from "fisher-wasm";
import { SPECTOR_NAMES, spectorDesign } from "../examples/lib/spector.js";

export const NAMES = SPECTOR_NAMES;
const D = NAMES.length;

/** Damping λ of the natural-gradient steps (F + λI)⁻¹ g, on the scale of the summed Fisher. */
export const DAMPING = 1e-3;
/** Every optimiser stops once ‖∇ℓ‖₂ is at most this. */
export const TOLERANCE = 1e-6;
/** Gradient descent is given this many steps at most (it needs about 1.3 million). */
export const GD_BUDGET = 3_000_000;
/** Natural-gradient runs are given this many steps at most. */
const NG_BUDGET = 1000;

/** p_i = σ(x_iᵀβ). */
export function probabilities(x: Float64Array, beta: Float64Array): Float64Array {
  const n = x.length / D;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < D; j++) eta += x[i * D + j] * beta[j];
    p[i] = 1 / (1 + Math.exp(-eta));
  }
  return p;
}

/**
 * ∇ℓ(β) = Σ (y_i − p_i) x_i into `g`, returning ‖g‖₂. It allocates nothing, because
 * gradient descent calls it over a million times.
 */
function gradientInto(x: Float64Array, y: Float64Array, beta: Float64Array, g: Float64Array): number {
  g.fill(0);
  for (let i = 0; i < y.length; i++) {
    const row = i * D;
    let eta = 0;
    for (let j = 0; j < D; j++) eta += x[row + j] * beta[j];
    const r = y[i] - 1 / (1 + Math.exp(-eta));
    for (let j = 0; j < D; j++) g[j] += r * x[row + j];
  }
  let sq = 0;
  for (let j = 0; j < D; j++) sq += g[j] * g[j];
  return Math.sqrt(sq);
}

/**
 * −∇²ℓ(β), dense row-major, written out in plain JavaScript rather than through the
 * library, so that "−H = I" on the page compares two independent computations.
 */
export function negativeHessian(x: Float64Array, beta: Float64Array): Float64Array {
  const p = probabilities(x, beta);
  const h = new Float64Array(D * D);
  for (let i = 0; i < p.length; i++) {
    const w = p[i] * (1 - p[i]);
    for (let a = 0; a < D; a++) {
      for (let b = a; b < D; b++) h[a * D + b] += w * x[i * D + a] * x[i * D + b];
    }
  }
  // Mirror the upper triangle, so the matrix is exactly symmetric.
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) h[a * D + b] = h[b * D + a];
  return h;
}

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
  names: readonly string[];
  n: number;
  /** Students with GRADE = 1. */
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

/**
 * Records ‖∇ℓ‖ and ℓ at iterations 0, 1, 2, … growing geometrically, so a run of a million
 * steps still draws as a few hundred points on a log axis.
 */
function recorder(model: GlmModel) {
  const history: HistoryPoint[] = [];
  let next = 0;
  return {
    history,
    record(iteration: number, beta: Float64Array, gradNorm: number, force = false): void {
      if (!force && iteration < next) return;
      history.push({ iteration, gradNorm, logLikelihood: model.logLikelihood(beta) });
      next = Math.max(iteration + 1, Math.ceil(iteration * 1.02));
    },
  };
}

/**
 * Natural gradient ascent β ← β + (C(β) + λI)⁻¹ ∇ℓ(β) from β = 0, where the curvature C is
 * the empirical Fisher Σ s sᵀ ("empirical") or the Fisher information Σ p(1−p) x xᵀ ("expected").
 * `iterations` is the number of steps to reach ‖∇ℓ‖ ≤ TOLERANCE, or null within the budget.
 */
export function naturalGradientRun(
  model: GlmModel,
  x: Float64Array,
  y: Float64Array,
  curvature: "empirical" | "expected",
): Run {
  const beta = new Float64Array(D);
  const g = new Float64Array(D);
  const { history, record } = recorder(model);
  for (let k = 0; k <= NG_BUDGET; k++) {
    const norm = gradientInto(x, y, beta, g);
    if (norm <= TOLERANCE) {
      record(k, beta, norm, true);
      return { iterations: k, history };
    }
    record(k, beta, norm);
    const fisher = curvature === "empirical" ? model.outerProductOfScores(beta) : model.expectedFisher(beta);
    const step = naturalGradient(fisher, g, { damping: DAMPING });
    for (let j = 0; j < D; j++) beta[j] += step[j];
  }
  return { iterations: null, history };
}

/**
 * Gradient ascent with the fixed step 1/L, L = λmax(XᵀX)/4: ∇ℓ is L-Lipschitz because
 * p(1−p) ≤ 1/4, so every step increases ℓ. Its rate is set by the condition number of −H.
 */
export function gradientDescentRun(model: GlmModel, x: Float64Array, y: Float64Array): Run & { step: number } {
  const xtx = empiricalFisher(x, D, { reduction: "sum" }).eigenvalues();
  const step = 4 / xtx[D - 1];
  const beta = new Float64Array(D);
  const g = new Float64Array(D);
  const { history, record } = recorder(model);
  for (let k = 0; k <= GD_BUDGET; k++) {
    const norm = gradientInto(x, y, beta, g);
    if (norm <= TOLERANCE) {
      record(k, beta, norm, true);
      return { iterations: k, step, history };
    }
    record(k, beta, norm);
    for (let j = 0; j < D; j++) beta[j] += step * g[j];
  }
  return { iterations: null, step, history };
}

/**
 * Everything the page shows, except the speed: the MLE, the empirical Fisher F = Σ s sᵀ of the
 * scores at the MLE, the Fisher information I and −H there, their spectra, and the three
 * optimisers' convergence, from the contents of data/spector.csv. fisher-wasm must be initialised.
 */
export function analyse(csvText: string): Analysis {
  const { x, y, n } = spectorDesign(csvText);
  const model = models.logistic(x, y, D);
  const fit = model.fit();
  if (!fit.converged) throw new Error(`the logistic fit did not converge: ${fit.reason}`);
  const beta = fit.params;
  const fisher = model.outerProductOfScores(beta);
  const information = model.expectedFisher(beta);
  const negHessian = SymmetricMatrix.fromDense(negativeHessian(x, beta), D);
  return {
    names: NAMES,
    n,
    events: y.reduce((a, b) => a + b, 0),
    beta,
    fitIterations: fit.iterations,
    logLikelihood: fit.logLikelihood,
    standardErrors: Array.from(fit.standardErrors),
    robustStandardErrors: Array.from(fit.robustStandardErrors),
    fisher,
    information,
    negHessian,
    fisherEigenvalues: fisher.eigenvalues(),
    negHessianEigenvalues: negHessian.eigenvalues(),
    natural: naturalGradientRun(model, x, y, "empirical"),
    scoring: naturalGradientRun(model, x, y, "expected"),
    gd: gradientDescentRun(model, x, y),
  };
}
