// Maximum likelihood by Newton's method with a backtracking line search. For the
// canonical-link models here the observed information −H equals the expected Fisher, so
// this is also Fisher scoring. A fit that cannot reach an optimum says why instead of
// returning numbers that look like one.
import { ConvergenceError, NotPositiveDefiniteError } from "../base/errors.js";
import { packedDiagonalIndex } from "../base/packed-layout.js";
import { assertAllFinite, assertFloat64Array, assertOptions, OPTION, type OptionSpec } from "../base/validate.js";
import type { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { sandwichCovariance } from "../statistics/sandwich.js";

/**
 * Options of Model.fit().
 * @category Models
 */
export interface FitOptions {
  /** Starting parameters; default all zeros. */
  start?: Float64Array;
  /** Newton iterations at most; default 100. */
  maxIterations?: number;
  /** Stop once every step |Δθ_j| ≤ tolerance·(1 + |θ_j|); default 1e-10. */
  tolerance?: number;
}

/** What fit() needs of a model. */
export interface FittableModel {
  readonly dim: number;
  logLikelihood(params: Float64Array): number;
  gradient(params: Float64Array): Float64Array;
  hessian(params: Float64Array): SymmetricMatrix;
  scores(params: Float64Array): Float64Array;
  /** Why no finite optimum exists at these parameters (e.g. perfect separation), if it can tell. */
  degeneracy(params: Float64Array): string | undefined;
  /** Which samples sit at the edge of the response's range at these parameters, if any: a sign of divergence. */
  boundary(params: Float64Array): string | undefined;
  /** The sum of score outer products Σ s sᵀ at params. */
  outerProductOfScores(params: Float64Array): SymmetricMatrix;
}

/**
 * A pivot U[j][j]² this small against A[j][j] means 1 − R² of column j on the columns before
 * it is at roundoff level: the information matrix is singular in all but name.
 */
const COLLINEAR_PIVOT = 1e-12;
const MAX_HALVINGS = 60;

/**
 * The outcome of Model.fit(). Covariances are of the estimate, from summed (not mean) information.
 * @category Models
 */
export class ModelFit {
  #covariance: SymmetricMatrix | undefined;
  #robustCovariance: SymmetricMatrix | undefined;

  /** @internal Use Model.fit(). */
  constructor(
    private readonly model: FittableModel,
    /** The last parameters reached: the MLE when converged. */
    readonly params: Float64Array,
    /** Newton iterations taken. */
    readonly iterations: number,
    /** Whether the steps became smaller than the tolerance. */
    readonly converged: boolean,
    /** Summed log-likelihood at params. */
    readonly logLikelihood: number,
    /** Why the fit stopped without converging; undefined when it converged. */
    readonly reason: string | undefined,
  ) {}

  /**
   * The inverse observed information (−H)⁻¹ at the MLE, H the Hessian of the summed
   * log-likelihood: statsmodels' cov_params().
   * @throws {ConvergenceError} when the fit did not converge.
   */
  get covariance(): SymmetricMatrix {
    this.#covariance ??= this.observedInformation().inverse();
    return this.#covariance;
  }

  /**
   * The HC0 sandwich (−H)⁻¹ (Σ s sᵀ) (−H)⁻¹ at the MLE: statsmodels' cov_type="HC0".
   * @throws {ConvergenceError} when the fit did not converge.
   */
  get robustCovariance(): SymmetricMatrix {
    this.#robustCovariance ??= sandwichCovariance(
      this.observedInformation(),
      this.model.outerProductOfScores(this.params),
    );
    return this.#robustCovariance;
  }

  /** √diag(covariance). @throws {ConvergenceError} when the fit did not converge. */
  get standardErrors(): Float64Array {
    return this.covariance.diagonal().map(Math.sqrt);
  }

  /** √diag(robustCovariance). @throws {ConvergenceError} when the fit did not converge. */
  get robustStandardErrors(): Float64Array {
    return this.robustCovariance.diagonal().map(Math.sqrt);
  }

  private observedInformation(): SymmetricMatrix {
    if (!this.converged) throw new ConvergenceError(this.reason ?? "unknown reason");
    return this.model.hessian(this.params).scale(-1);
  }
}

const FIT_OPTIONS: OptionSpec<FitOptions> = {
  start: OPTION.float64Array,
  maxIterations: OPTION.number,
  tolerance: OPTION.number,
};

function fitOptions(options: FitOptions | undefined, dim: number) {
  assertOptions("options", options, FIT_OPTIONS);
  const maxIterations = options?.maxIterations ?? 100;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`\`options.maxIterations\` must be a positive integer; received ${maxIterations}.`);
  }
  const tolerance = options?.tolerance === undefined ? 1e-10 : options.tolerance;
  if (typeof tolerance !== "number" || !(tolerance > 0 && tolerance < 1)) {
    throw new RangeError(`\`options.tolerance\` must be a number in (0, 1); received ${tolerance}.`);
  }
  let start = new Float64Array(dim);
  if (options?.start !== undefined) {
    assertFloat64Array("options.start", options.start);
    if (options.start.length !== dim) {
      throw new RangeError(
        `\`options.start\` must have length ${dim} (one per model parameter); received length ${options.start.length}.`,
      );
    }
    start = Float64Array.from(options.start);
    assertAllFinite("options.start", start);
  }
  return { maxIterations, tolerance, start };
}

/** Names the first column whose pivot shows it is a combination of the columns before it. */
export function collinearColumn(information: SymmetricMatrix, factor: Float64Array): number {
  for (let j = 0; j < information.dim; j++) {
    const u = factor[packedDiagonalIndex(j)] as number;
    if (u * u <= COLLINEAR_PIVOT * information.get(j, j)) return j;
  }
  return -1;
}

/** (−H)⁻¹ ∇ℓ at θ, or why −H is singular there. */
function newtonStep(model: FittableModel, theta: Float64Array): Float64Array | string {
  const information = model.hessian(theta).scale(-1);
  try {
    const factor = information.cholesky();
    const column = collinearColumn(information, factor.packed);
    if (column >= 0) return `parameter ${column} is a linear combination of the ones before it`;
    return factor.solve(model.gradient(theta));
  } catch (error) {
    if (!(error instanceof NotPositiveDefiniteError)) throw error;
    return `it is not positive definite at its leading minor ${error.minor}`;
  }
}

/**
 * Singular at the start means the design itself; singular later means the iterates ran off
 * towards a boundary where samples stop carrying information, which the model can name.
 */
function singularReason(model: FittableModel, theta: Float64Array, iteration: number, singular: string): string {
  if (iteration === 1) return `the information matrix is singular (${singular}): a rank-deficient design`;
  const boundary = model.boundary(theta);
  return boundary
    ? `${boundary} (the information matrix became singular: ${singular})`
    : `the information matrix became singular at iteration ${iteration} (${singular})`;
}

/** Newton steps θ ← θ + t (−H)⁻¹ ∇ℓ, t halved until ℓ does not decrease. */
export function fitModel(model: FittableModel, options?: FitOptions): ModelFit {
  const { maxIterations, tolerance, start } = fitOptions(options, model.dim);
  const theta = start;
  let logLik = model.logLikelihood(theta);
  const stop = (iterations: number, converged: boolean, reason?: string) =>
    new ModelFit(model, theta, iterations, converged, logLik, reason);
  if (!Number.isFinite(logLik)) return stop(0, false, `the log-likelihood at the start is ${logLik}`);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const degenerate = model.degeneracy(theta);
    if (degenerate) return stop(iteration - 1, false, degenerate);
    const newton = newtonStep(model, theta);
    if (typeof newton === "string") return stop(iteration - 1, false, singularReason(model, theta, iteration, newton));
    const step = newton;
    const trial = new Float64Array(theta.length);
    let t = 1;
    let trialLogLik = Number.NEGATIVE_INFINITY;
    for (let halving = 0; halving <= MAX_HALVINGS; halving++, t *= 0.5) {
      for (let j = 0; j < theta.length; j++) trial[j] = (theta[j] as number) + t * (step[j] as number);
      trialLogLik = model.logLikelihood(trial);
      // Roundoff can make ℓ dip by an ulp right at the optimum; that still counts as no decrease.
      if (trialLogLik >= logLik - 1e-13 * Math.abs(logLik)) break;
    }
    if (!(trialLogLik >= logLik - 1e-13 * Math.abs(logLik))) {
      return stop(iteration - 1, false, "the line search found no step that increases the log-likelihood");
    }
    let small = true;
    for (let j = 0; j < theta.length; j++) {
      const next = trial[j] as number;
      if (Math.abs(next - (theta[j] as number)) > tolerance * (1 + Math.abs(next))) small = false;
      theta[j] = next;
    }
    logLik = trialLogLik;
    if (small) return stop(iteration, true);
  }
  const limit = `no convergence in the ${maxIterations} iteration${maxIterations === 1 ? "" : "s"} allowed`;
  const boundary = model.boundary(theta);
  return stop(maxIterations, false, model.degeneracy(theta) ?? (boundary ? `${limit}; ${boundary}` : limit));
}
