// Multinomial logit: softmax over K classes with class 0 as the reference (η_i0 = 0).
// Parameters are class-major, θ[c·p + j] = coefficient j of class c + 1, as statsmodels'
// MNLogit flattens them. With q_i = p_i without the reference class, the score is
// (e_{y_i} − q_i) ⊗ x_i and the Hessian −(diag q_i − q_i q_iᵀ) ⊗ x_i x_iᵀ.

import { packedColumnStart, packedLength } from "../base/packed-layout.js";
import { scoreMoment } from "../curvature/score-moments.js";
import type { Runtime } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { checkParams, type Design, linearPredictor } from "./design.js";
import { Model } from "./model.js";

/** Rows of (sample, outcome) scores sent to the kernel per call, to bound the memory. */
const OUTCOME_ROWS_PER_CALL = 1 << 14;
/** A probability of the observed class above 1 − 1e-8 for every sample means separation. */
const SEPARATED = 1 - 1e-8;

/**
 * A multinomial logit model (softmax, class 0 the reference).
 * @category Models
 */
export class MultinomialModel extends Model {
  /** "multinomial". */
  readonly family = "multinomial";
  /** Number of samples. */
  readonly n: number;
  /** Number of parameters, (classes − 1)·p. */
  readonly dim: number;

  /** @internal Use models.multinomial(). */
  constructor(
    private readonly design: Design,
    /** Number of classes K; labels are 0..K−1. */
    readonly classes: number,
    runtime: Runtime | undefined,
  ) {
    super(runtime);
    this.n = design.n;
    this.dim = (classes - 1) * design.p;
  }

  /** Class probabilities, row-major n × classes (class 0 first). */
  probabilities(params: Float64Array): Float64Array {
    const theta = checkParams(params, this.dim);
    const { n, p } = this.design;
    const K = this.classes;
    const probs = new Float64Array(n * K);
    const eta = new Float64Array(n);
    for (let c = 1; c < K; c++) {
      linearPredictor(this.design, theta, (c - 1) * p, eta);
      for (let i = 0; i < n; i++) probs[i * K + c] = eta[i] as number;
    }
    for (let i = 0; i < n; i++) {
      const row = probs.subarray(i * K, (i + 1) * K);
      let max = 0;
      for (let c = 1; c < K; c++) max = Math.max(max, row[c] as number);
      let total = 0;
      for (let c = 0; c < K; c++) {
        const e = Math.exp((row[c] as number) - max);
        row[c] = e;
        total += e;
      }
      for (let c = 0; c < K; c++) row[c] = (row[c] as number) / total;
    }
    return probs;
  }

  scores(params: Float64Array): Float64Array {
    const probs = this.probabilities(params);
    const out = new Float64Array(this.n * this.dim);
    for (let i = 0; i < this.n; i++) this.outcomeScore(i, this.design.y[i] as number, probs, out, i * this.dim);
    return out;
  }

  logLikelihood(params: Float64Array): number {
    const theta = checkParams(params, this.dim);
    const { x, y, n, p } = this.design;
    const K = this.classes;
    let sum = 0;
    const eta = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      let max = 0;
      for (let c = 1; c < K; c++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += (x[i * p + j] as number) * (theta[(c - 1) * p + j] as number);
        eta[c] = s;
        max = Math.max(max, s);
      }
      let total = 0;
      for (let c = 0; c < K; c++) total += Math.exp((eta[c] as number) - max);
      sum += (eta[y[i] as number] as number) - max - Math.log(total);
    }
    return sum;
  }

  gradient(params: Float64Array): Float64Array {
    const s = this.scores(params);
    const g = new Float64Array(this.dim);
    for (let k = 0; k < s.length; k++) g[k % this.dim] = (g[k % this.dim] as number) + (s[k] as number);
    return g;
  }

  hessian(params: Float64Array): SymmetricMatrix {
    return this.expectedFisher(params).scale(-1);
  }

  /**
   * Σ_i (diag q_i − q_i q_iᵀ) ⊗ x_i x_iᵀ, a sum, computed as the exact discrete Fisher
   * Σ_i Σ_k p_ik s_ik s_ikᵀ over the K outcomes of each sample (a weighted rank-k update,
   * no Kronecker product formed). Equal to −hessian() for this canonical link.
   */
  expectedFisher(params: Float64Array): SymmetricMatrix {
    const probs = this.probabilities(params);
    const K = this.classes;
    const P = this.dim;
    const perCall = Math.max(1, Math.floor(OUTCOME_ROWS_PER_CALL / K));
    const rt = this.runtime;
    let total: Float64Array | undefined;
    for (let start = 0; start < this.n; start += perCall) {
      const count = Math.min(perCall, this.n - start);
      const outcomeScores = new Float64Array(count * K * P);
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < K; k++) this.outcomeScore(start + i, k, probs, outcomeScores, (i * K + k) * P);
      }
      const weights = probs.subarray(start * K, (start + count) * K);
      const part = scoreMoment(rt, outcomeScores, P, { weights, divisor: 1, argument: "outcomeScores" });
      if (total === undefined) total = Float64Array.from(part);
      else for (let t = 0; t < total.length; t++) total[t] = (total[t] as number) + (part[t] as number);
    }
    return SymmetricMatrix.adopt(total ?? new Float64Array(packedLength(P)), P, rt);
  }

  sampleHessians(params: Float64Array): Float64Array {
    const probs = this.probabilities(params);
    const { x, p } = this.design;
    const K = this.classes;
    const P = this.dim;
    const size = packedLength(P);
    const out = new Float64Array(this.n * size);
    for (let i = 0; i < this.n; i++) {
      const q = probs.subarray(i * K + 1, (i + 1) * K);
      for (let b = 0; b < P; b++) {
        const e = Math.floor(b / p);
        const xk = x[i * p + (b % p)] as number;
        const base = i * size + packedColumnStart(b);
        for (let a = 0; a <= b; a++) {
          const c = Math.floor(a / p);
          const cov = (c === e ? (q[c] as number) : 0) - (q[c] as number) * (q[e] as number);
          out[base + a] = -cov * (x[i * p + (a % p)] as number) * xk;
        }
      }
    }
    return out;
  }

  /**
   * Differentiates d_i = s_i s_iᵀ + H_i through q_i, with ∂q_ic/∂θ_(d,l) = q_ic(δ_cd − q_id) x_il:
   * ∂s_i = −∂q_i ⊗ x_i and ∂H_i = −(diag ∂q_i − ∂q_i q_iᵀ − q_i ∂q_iᵀ) ⊗ x_i x_iᵀ.
   */
  indicatorJacobian(params: Float64Array): Float64Array {
    const probs = this.probabilities(params);
    const { x, p } = this.design;
    const K = this.classes;
    const P = this.dim;
    const jac = new Float64Array(packedLength(P) * P);
    const s = new Float64Array(P);
    const ds = new Float64Array(P);
    const dq = new Float64Array(K - 1);
    for (let i = 0; i < this.n; i++) {
      const q = probs.subarray(i * K + 1, (i + 1) * K);
      const xi = x.subarray(i * p, (i + 1) * p);
      this.outcomeScore(i, this.design.y[i] as number, probs, s, 0);
      for (let m = 0; m < P; m++) {
        const d = Math.floor(m / p);
        const xl = xi[m % p] as number;
        for (let c = 0; c < K - 1; c++) dq[c] = (q[c] as number) * ((c === d ? 1 : 0) - (q[d] as number)) * xl;
        for (let a = 0; a < P; a++) ds[a] = -(dq[Math.floor(a / p)] as number) * (xi[a % p] as number);
        let r = 0;
        for (let a = 0; a < P; a++) {
          const c = Math.floor(a / p);
          const xj = xi[a % p] as number;
          for (let b = a; b < P; b++, r++) {
            const e = Math.floor(b / p);
            const dCov =
              (c === e ? (dq[c] as number) : 0) -
              (dq[c] as number) * (q[e] as number) -
              (q[c] as number) * (dq[e] as number);
            const value =
              (ds[a] as number) * (s[b] as number) +
              (s[a] as number) * (ds[b] as number) -
              dCov * xj * (xi[b % p] as number);
            jac[r * P + m] = (jac[r * P + m] as number) + value;
          }
        }
      }
    }
    return jac;
  }

  override degeneracy(params: Float64Array): string | undefined {
    const probs = this.probabilities(params);
    const y = this.design.y;
    for (let i = 0; i < this.n; i++) {
      if (!((probs[i * this.classes + (y[i] as number)] as number) > SEPARATED)) return undefined;
    }
    return "perfect separation: every observed class has a fitted probability above 1 − 1e-8 and the coefficients grow without bound, so no finite MLE exists";
  }

  override boundary(params: Float64Array): string | undefined {
    const probs = this.probabilities(params);
    const y = this.design.y;
    let count = 0;
    for (let i = 0; i < this.n; i++) if ((probs[i * this.classes + (y[i] as number)] as number) > SEPARATED) count++;
    if (count === 0) return undefined;
    return `quasi-complete separation: ${count} of ${this.n} samples have a fitted probability above 1 − 1e-8 for their observed class and the coefficients grow without bound, so no finite MLE exists`;
  }

  /** Writes s_ik = (e_k − q_i) ⊗ x_i (the score if sample i had class k) at out[offset…]. */
  private outcomeScore(i: number, k: number, probs: Float64Array, out: Float64Array, offset: number): void {
    const { x, p } = this.design;
    const K = this.classes;
    for (let c = 1; c < K; c++) {
      const r = (k === c ? 1 : 0) - (probs[i * K + c] as number);
      for (let j = 0; j < p; j++) out[offset + (c - 1) * p + j] = r * (x[i * p + j] as number);
    }
  }
}
