// What every model offers, and the parts that are the same for all of them: the fit, the
// outer product of scores and the information matrix test only need the per-sample pieces.
import { scoreMoment } from "../curvature/score-moments.js";
import { runtimeOf } from "../engine/init.js";
import type { Runtime } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { type InformationMatrixTestResult, informationMatrixTest } from "../statistics/information-matrix-test.js";
import { type FitOptions, fitModel, type ModelFit } from "./fit.js";

/**
 * The family of a model: one of the built-in names, or a subclass's own.
 * @category Models
 */
export type ModelFamily = "logistic" | "poisson" | "gaussian" | "multinomial" | (string & {});

/**
 * A statistical model on fixed data (X, y) as a function of its parameters. Every
 * matrix is of the SUMMED log-likelihood ℓ(θ) = Σ_i log p(y_i | x_i, θ); divide by n for means.
 * Every method that takes `params` throws a TypeError when it is not a Float64Array and a
 * RangeError when its length is not `dim` or an entry is not finite.
 *
 * It is an extension point: a subclass implements the abstract members (the per-sample
 * scores and Hessians, ℓ, its gradient and Hessian, the expected Fisher and the indicator
 * Jacobian) and inherits the fit, the outer product of scores and the information matrix
 * test; it may override degeneracy() and boundary() so that a fit that cannot converge says why.
 * @category Models
 */
export abstract class Model {
  /** The runtime given at creation; undefined binds to the default when first needed. */
  readonly #bound: Runtime | undefined;

  /** @param runtime where its matrices are computed; default the default runtime when first needed. */
  constructor(runtime?: Runtime) {
    this.#bound = runtime;
  }

  /**
   * The runtime its matrices are computed in: the `runtime` option it was created with, else
   * the default runtime.
   * @throws {NotInitializedError} when it needs the default runtime before init().
   */
  get runtime(): Runtime {
    return this.#bound ?? runtimeOf(undefined);
  }

  /** Which model this is. */
  abstract readonly family: ModelFamily;
  /** Number of samples (rows of X). */
  abstract readonly n: number;
  /** Number of parameters. */
  abstract readonly dim: number;

  /** Per-sample scores ∇θ log p(y_i | x_i, θ), row-major n × dim. */
  abstract scores(params: Float64Array): Float64Array;
  /** ℓ(θ), summed over samples. */
  abstract logLikelihood(params: Float64Array): number;
  /** ∇ℓ(θ), the summed score. */
  abstract gradient(params: Float64Array): Float64Array;
  /** ∇²ℓ(θ), the Hessian of the summed log-likelihood: negative (semi)definite. */
  abstract hessian(params: Float64Array): SymmetricMatrix;
  /** The expected Fisher information, summed over samples: E[−∇²ℓ] = E[Σ s sᵀ] given X. */
  abstract expectedFisher(params: Float64Array): SymmetricMatrix;
  /** Per-sample Hessians ∇²θ log p(y_i | x_i, θ), n packed 'U' matrices back to back. */
  abstract sampleHessians(params: Float64Array): Float64Array;
  /**
   * The Jacobian of the summed indicators Σ_i vech(s_i s_iᵀ + H_i) with respect to θ,
   * row-major (dim(dim+1)/2) × dim, pairs (j ≤ k) in row-major upper order: what White's
   * form of the information matrix test needs, from third derivatives of ℓ.
   */
  abstract indicatorJacobian(params: Float64Array): Float64Array;
  /**
   * Why no finite maximum-likelihood estimate exists at these parameters (for example
   * "quasi-complete separation"), when the model can tell; undefined otherwise (the default).
   * The fit reports it as its `reason` when it stops without converging.
   */
  degeneracy(_params: Float64Array): string | undefined {
    return undefined;
  }

  /**
   * Which samples are fitted at the edge of the response's range (a probability of 0 or 1, a
   * mean of 0), a sign that the estimates diverge; undefined when none are (the default).
   */
  boundary(_params: Float64Array): string | undefined {
    return undefined;
  }

  /** Σ_i s_i s_iᵀ at params (the "meat" of the sandwich), a sum. */
  outerProductOfScores(params: Float64Array): SymmetricMatrix {
    const rt = this.runtime;
    const sum = scoreMoment(rt, this.scores(params), this.dim, { divisor: 1, argument: "scores" });
    return SymmetricMatrix.adopt(sum, this.dim, rt);
  }

  /**
   * The maximum-likelihood estimate by Newton's method with a line search (Fisher scoring:
   * −H is the expected Fisher for these canonical links). Never throws for data it cannot
   * fit: `converged` is false and `reason` says why (separation, a singular design, …).
   * @throws {TypeError} / {RangeError} on bad options.
   */
  fit(options?: FitOptions): ModelFit {
    return fitModel(this, options);
  }

  /**
   * White's information matrix test of F = −E[H] at params (normally the MLE), in both
   * forms: the OPG regression and White's own, with this model's analytic indicatorJacobian.
   */
  informationMatrixTest(params: Float64Array): InformationMatrixTestResult {
    return informationMatrixTest(this.scores(params), this.sampleHessians(params), this.dim, {
      indicatorJacobian: this.indicatorJacobian(params),
      layout: "packed",
      runtime: this.runtime,
    });
  }
}
