// Generalised linear models with canonical links: every per-sample quantity is a scalar
// function of η_i = x_iᵀβ times x_i, x_i x_iᵀ or x_i ⊗ x_i ⊗ x_i, so the matrices are
// weighted Gram matrices XᵀWX and run through the weighted rank-k kernel.

import { packedColumnStart, packedLength } from "../base/packed-layout.js";
import { scoreMoment } from "../curvature/score-moments.js";
import type { Runtime } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { checkParams, type Design, linearPredictor } from "./design.js";
import type { GlmFamily, GlmFamilyName } from "./families.js";
import { Model } from "./model.js";

/** η beyond log(1e8) puts the fitted probability of the observed response above 1 − 1e-8. */
const SEPARATED_MARGIN = Math.log(1e8);

/**
 * A GLM: logistic (logit link), Poisson (log link) or Gaussian (identity link, fixed σ²).
 * @category Models
 */
export class GlmModel extends Model {
  /** Which family. */
  readonly family: GlmFamilyName;
  /** Number of samples. */
  readonly n: number;
  /** Number of coefficients (columns of X). */
  readonly dim: number;

  /** @internal Use models.logistic(), models.poisson() or models.gaussian(). */
  constructor(
    private readonly glm: GlmFamily,
    private readonly design: Design,
    /** σ² of the Gaussian family (1 for the others, where it plays no part). */
    readonly variance: number,
    runtime: Runtime | undefined,
  ) {
    super(runtime);
    this.family = glm.name;
    this.n = design.n;
    this.dim = design.p;
  }

  /** Fitted means E[y_i | x_i] = g⁻¹(x_iᵀβ). */
  fittedMeans(params: Float64Array): Float64Array {
    return this.eta(params).map(this.glm.mean);
  }

  scores(params: Float64Array): Float64Array {
    const eta = this.eta(params);
    const { x, y, n, p } = this.design;
    const out = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      const r = this.glm.first(y[i] as number, eta[i] as number, this.variance);
      for (let j = 0; j < p; j++) out[i * p + j] = r * (x[i * p + j] as number);
    }
    return out;
  }

  logLikelihood(params: Float64Array): number {
    const eta = this.eta(params);
    const y = this.design.y;
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += this.glm.logDensity(y[i] as number, eta[i] as number, this.variance);
    return sum;
  }

  gradient(params: Float64Array): Float64Array {
    const eta = this.eta(params);
    const { x, y, n, p } = this.design;
    const g = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const r = this.glm.first(y[i] as number, eta[i] as number, this.variance);
      for (let j = 0; j < p; j++) g[j] = (g[j] as number) + r * (x[i * p + j] as number);
    }
    return g;
  }

  hessian(params: Float64Array): SymmetricMatrix {
    return this.expectedFisher(params).scale(-1);
  }

  /** XᵀWX with W = −∂²log p/∂η², a sum; equal to −hessian() because the link is canonical. */
  expectedFisher(params: Float64Array): SymmetricMatrix {
    const eta = this.eta(params);
    const weights = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const w = -this.glm.second(eta[i] as number, this.variance);
      if (!(w < Number.POSITIVE_INFINITY)) {
        throw new RangeError(
          `\`params\` put sample ${i} out of range: its linear predictor ${eta[i]} gives a Fisher weight of ${w}.`,
        );
      }
      weights[i] = w;
    }
    const rt = this.runtime;
    const xtwx = scoreMoment(rt, this.design.x, this.dim, { weights, divisor: 1, argument: "X" });
    return SymmetricMatrix.adopt(xtwx, this.dim, rt);
  }

  sampleHessians(params: Float64Array): Float64Array {
    const eta = this.eta(params);
    const { x, n, p } = this.design;
    const size = packedLength(p);
    const out = new Float64Array(n * size);
    for (let i = 0; i < n; i++) {
      const h = this.glm.second(eta[i] as number, this.variance);
      const row = i * p;
      for (let k = 0; k < p; k++) {
        const base = i * size + packedColumnStart(k);
        const hk = h * (x[row + k] as number);
        for (let j = 0; j <= k; j++) out[base + j] = hk * (x[row + j] as number);
      }
    }
    return out;
  }

  /**
   * Indicator (j, k) of sample i is c_i x_ij x_ik with c = (∂ℓ/∂η)² + ∂²ℓ/∂η², so its
   * derivative in β_m is c_i'(η_i) x_ij x_ik x_im with c' = 2 (∂ℓ/∂η)(∂²ℓ/∂η²) + ∂³ℓ/∂η³.
   */
  indicatorJacobian(params: Float64Array): Float64Array {
    const eta = this.eta(params);
    const { x, y, n, p } = this.design;
    const v = this.variance;
    const jac = new Float64Array(packedLength(p) * p);
    for (let i = 0; i < n; i++) {
      const e = eta[i] as number;
      const dc = 2 * this.glm.first(y[i] as number, e, v) * this.glm.second(e, v) + this.glm.third(e, v);
      const row = i * p;
      let r = 0;
      for (let j = 0; j < p; j++) {
        const aj = dc * (x[row + j] as number);
        for (let k = j; k < p; k++, r++) {
          const ajk = aj * (x[row + k] as number);
          for (let m = 0; m < p; m++) jac[r * p + m] = (jac[r * p + m] as number) + ajk * (x[row + m] as number);
        }
      }
    }
    return jac;
  }

  override degeneracy(params: Float64Array): string | undefined {
    if (this.glm.name === "poisson" && this.design.y.every((v) => v === 0)) {
      return "every count is 0, so the likelihood grows as the mean goes to 0 and no finite MLE exists";
    }
    if (this.glm.name !== "logistic") return undefined;
    const eta = this.eta(params);
    const y = this.design.y;
    for (let i = 0; i < this.n; i++) {
      if ((y[i] === 1 ? eta[i] : -(eta[i] as number)) < SEPARATED_MARGIN) return undefined;
    }
    return "perfect separation: every observed response has a fitted probability above 1 − 1e-8 and the coefficients grow without bound, so no finite MLE exists";
  }

  override boundary(params: Float64Array): string | undefined {
    const eta = this.eta(params);
    const y = this.design.y;
    let count = 0;
    if (this.glm.name === "logistic") {
      for (let i = 0; i < this.n; i++) if ((y[i] === 1 ? eta[i] : -(eta[i] as number)) >= SEPARATED_MARGIN) count++;
      if (count === 0) return undefined;
      return `quasi-complete separation: ${count} of ${this.n} samples have a fitted probability above 1 − 1e-8 for their observed response and the coefficients grow without bound, so no finite MLE exists`;
    }
    if (this.glm.name === "poisson") {
      for (let i = 0; i < this.n; i++) if (y[i] === 0 && (eta[i] as number) < -SEPARATED_MARGIN) count++;
      if (count === 0) return undefined;
      return `${count} of ${this.n} zero counts have fitted means below 1e-8 and the coefficients grow without bound, so no finite MLE exists`;
    }
    return undefined;
  }

  private eta(params: Float64Array): Float64Array {
    return linearPredictor(this.design, checkParams(params, this.dim));
  }
}
