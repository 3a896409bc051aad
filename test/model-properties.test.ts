// Properties of every built-in model on seeded random data, against independent
// computations: finite differences of the model's own functions and plain sums.
import { beforeAll, describe, expect, it } from "vitest";
import { init, type Model, models, packedLength, scoreJacobian } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, uniform } from "./helpers/random.js";

/** X with a constant last column and standard normal regressors. */
function design(n: number, p: number, seed: number): Float64Array {
  const z = normal(seed);
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) x[i * p + j] = j === p - 1 ? 1 : z();
  return x;
}

function linear(x: Float64Array, p: number, beta: number[], offset = 0): (i: number) => number {
  return (i) => {
    let s = 0;
    for (let j = 0; j < p; j++) s += (x[i * p + j] as number) * (beta[offset + j] as number);
    return s;
  };
}

/** Draws y from the model at `beta`, so the data fit the model they are analysed with. */
function buildModels(n: number): { name: string; model: Model; params: Float64Array }[] {
  const p = 3;
  const x = design(n, p, 11);
  const u = uniform(12);
  const z = normal(13);
  const beta = [0.4, -0.3, 0.2];
  const eta = linear(x, p, beta);
  const yLogit = Float64Array.from({ length: n }, (_, i) => (u() < 1 / (1 + Math.exp(-eta(i))) ? 1 : 0));
  const yPois = Float64Array.from({ length: n }, (_, i) => {
    // Knuth's method: fine for the small means here.
    const limit = Math.exp(-Math.exp(eta(i)));
    let k = 0;
    for (let prod = u(); prod > limit; prod *= u()) k++;
    return k;
  });
  const yGauss = Float64Array.from({ length: n }, (_, i) => eta(i) + 0.7 * z());
  const K = 4;
  const theta = [0.3, -0.2, 0.1, -0.4, 0.5, 0.2, 0.1, 0.3, -0.3];
  const yMulti = Float64Array.from({ length: n }, (_, i) => {
    const e = [0, ...[0, 1, 2].map((c) => linear(x, p, theta, c * p)(i))].map(Math.exp);
    const total = e.reduce((a, b) => a + b);
    let r = u() * total;
    for (let k = 0; k < K; k++) {
      r -= e[k] as number;
      if (r < 0) return k;
    }
    return K - 1;
  });
  const at = (v: number[]) => Float64Array.from(v, (t) => 0.8 * t);
  return [
    { name: "logistic", model: models.logistic(x, yLogit, p), params: at(beta) },
    { name: "poisson", model: models.poisson(x, yPois, p), params: at(beta) },
    { name: "gaussian", model: models.gaussian(x, yGauss, p), params: at(beta) },
    { name: "multinomial K=4", model: models.multinomial(x, yMulti, p, K), params: at(theta) },
  ];
}

/** Σ_i vech(s_i s_iᵀ + H_i), from the model's scores and per-sample Hessians. */
function summedIndicators(model: Model, params: Float64Array): Float64Array {
  const P = model.dim;
  const s = model.scores(params);
  const h = model.sampleHessians(params);
  const size = packedLength(P);
  const out = new Float64Array(size);
  for (let i = 0; i < model.n; i++) {
    let r = 0;
    for (let j = 0; j < P; j++) {
      for (let k = j; k < P; k++, r++) {
        const hjk = h[i * size + j + (k * (k + 1)) / 2] as number;
        out[r] = (out[r] as number) + (s[i * P + j] as number) * (s[i * P + k] as number) + hjk;
      }
    }
  }
  return out;
}

describe.each(BACKENDS)("model properties on %s", (backend) => {
  let cases: ReturnType<typeof buildModels>;
  beforeAll(async () => {
    await init({ backend });
    cases = buildModels(400);
  });

  it.each([0, 1, 2, 3])("case %i: gradient = Σ scores, Hessian = d(gradient)/dθ, expected Fisher = −H", (c) => {
    const { name, model, params } = cases[c] as (typeof cases)[number];
    const P = model.dim;
    const scores = model.scores(params);
    const sums = new Float64Array(P);
    for (let k = 0; k < scores.length; k++) sums[k % P] = (sums[k % P] as number) + (scores[k] as number);
    expectClose(model.gradient(params), sums, 1e-12, `${name} gradient`);
    const hessian = model.hessian(params);
    expectClose(hessian.packed, scoreJacobian((t) => model.gradient(t), params).packed, 1e-7, `${name} H vs FD`);
    expectClose(model.expectedFisher(params).packed, hessian.scale(-1).packed, 1e-12, `${name} F = −H`);
    expect(hessian.scale(-1).eigenvalues()[0]).toBeGreaterThan(0);
    // The score is the gradient of the summed log-likelihood.
    const h = 1e-6;
    for (let j = 0; j < P; j++) {
      const up = Float64Array.from(params);
      const down = Float64Array.from(params);
      up[j] = (up[j] as number) + h;
      down[j] = (down[j] as number) - h;
      const fd = (model.logLikelihood(up) - model.logLikelihood(down)) / (2 * h);
      expect(Math.abs(fd - (sums[j] as number))).toBeLessThan(1e-6 * (1 + Math.abs(sums[j] as number)));
    }
  });

  it.each([0, 1, 2, 3])("case %i: indicatorJacobian = finite differences of Σ vech(s sᵀ + H)", (c) => {
    const { name, model, params } = cases[c] as (typeof cases)[number];
    const P = model.dim;
    const q = packedLength(P);
    const analytic = model.indicatorJacobian(params);
    expect(analytic.length).toBe(q * P);
    const fd = new Float64Array(q * P);
    for (let m = 0; m < P; m++) {
      const h = 1e-5 * Math.max(1, Math.abs(params[m] as number));
      const up = Float64Array.from(params);
      const down = Float64Array.from(params);
      up[m] = (up[m] as number) + h;
      down[m] = (down[m] as number) - h;
      const a = summedIndicators(model, up);
      const b = summedIndicators(model, down);
      for (let r = 0; r < q; r++) fd[r * P + m] = ((a[r] as number) - (b[r] as number)) / (2 * h);
    }
    expectClose(analytic, fd, 1e-7, `${name} indicator Jacobian`);
  });

  it("the multinomial expected Fisher is the same when it takes several kernel calls", () => {
    const n = 5000; // 4 outcomes per sample: more than one call of 2^14 outcome rows
    const x = design(n, 2, 21);
    const y = Float64Array.from({ length: n }, (_, i) => i % 4);
    const model = models.multinomial(x, y, 2, 4);
    const params = Float64Array.from([0.2, -0.1, 0.3, 0.1, -0.2, 0.05]);
    const size = packedLength(model.dim);
    const each = model.sampleHessians(params);
    const sum = new Float64Array(size);
    for (let k = 0; k < each.length; k++) sum[k % size] = (sum[k % size] as number) - (each[k] as number);
    expectClose(model.expectedFisher(params).packed, sum, 1e-12, "multinomial chunked");
  });
});
