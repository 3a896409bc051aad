// The three GLM families, each with its canonical link, as pointwise functions of the
// linear predictor η. With a canonical link the second and third derivatives of log p
// in η do not depend on y, which is why the expected Fisher equals −H at any parameters.
import { logGamma } from "../statistics/log-gamma.js";

/**
 * Which exponential family a GLM model uses.
 * @category Models
 */
export type GlmFamilyName = "logistic" | "poisson" | "gaussian";

export interface GlmFamily {
  readonly name: GlmFamilyName;
  /** Throws a RangeError naming y[i] when a response is outside the family's support. */
  checkResponse(y: Float64Array): void;
  /** E[y | η]. */
  mean(eta: number): number;
  /** log p(y | η), with the variance v for the Gaussian. */
  logDensity(y: number, eta: number, v: number): number;
  /** ∂ log p / ∂η. */
  first(y: number, eta: number, v: number): number;
  /** ∂² log p / ∂η² (≤ 0). */
  second(eta: number, v: number): number;
  /** ∂³ log p / ∂η³: the information matrix test needs it. */
  third(eta: number, v: number): number;
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** log σ(t), without overflow for large |t|. */
function logSigmoid(t: number): number {
  return t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t));
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export const logistic: GlmFamily = {
  name: "logistic",
  checkResponse(y) {
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      if (v !== 0 && v !== 1) throw new RangeError(`\`y\` must be 0 or 1 for a logistic model; y[${i}] is ${v}.`);
    }
  },
  mean: sigmoid,
  logDensity: (y, eta) => (y === 1 ? logSigmoid(eta) : logSigmoid(-eta)),
  first: (y, eta) => y - sigmoid(eta),
  second(eta) {
    const p = sigmoid(eta);
    return -p * (1 - p);
  },
  third(eta) {
    const p = sigmoid(eta);
    return -p * (1 - p) * (1 - 2 * p);
  },
};

export const poisson: GlmFamily = {
  name: "poisson",
  checkResponse(y) {
    for (let i = 0; i < y.length; i++) {
      const v = y[i] as number;
      if (!(v >= 0 && Number.isInteger(v))) {
        throw new RangeError(`\`y\` must be non-negative integer counts for a Poisson model; y[${i}] is ${v}.`);
      }
    }
  },
  mean: Math.exp,
  logDensity: (y, eta) => y * eta - Math.exp(eta) - logGamma(y + 1),
  first: (y, eta) => y - Math.exp(eta),
  second: (eta) => -Math.exp(eta),
  third: (eta) => -Math.exp(eta),
};

export const gaussian: GlmFamily = {
  name: "gaussian",
  checkResponse() {
    // Any finite y is in the support; finiteness is checked with the design.
  },
  mean: (eta) => eta,
  logDensity(y, eta, v) {
    const r = y - eta;
    return -HALF_LOG_TWO_PI - 0.5 * Math.log(v) - (r * r) / (2 * v);
  },
  first: (y, eta, v) => (y - eta) / v,
  second: (_eta, v) => -1 / v,
  third: () => 0,
};
