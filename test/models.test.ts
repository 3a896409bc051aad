// The built-in models against statsmodels on real data, on every backend: the fit, and
// scores, Hessian and expected Fisher at the MLE and at half of it.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { init, type Model, models } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { flatten, packRows } from "./helpers/reference.js";

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
type Fixture = any;
const load = (path: string): Fixture =>
  JSON.parse(readFileSync(new URL(`fixtures/${path}.json`, import.meta.url), "utf8"));

const CASES: { file: string; build: (fx: Fixture) => Model }[] = [
  { file: "logit_spector", build: (fx) => models.logistic(flatten(fx.X), Float64Array.from(fx.y), fx.p) },
  { file: "poisson_cpunish_glm", build: (fx) => models.poisson(flatten(fx.X), Float64Array.from(fx.y), fx.p) },
  {
    file: "models/gaussian_statecrime",
    build: (fx) => models.gaussian(flatten(fx.X), Float64Array.from(fx.y), fx.p),
  },
  {
    file: "models/multinomial_anes96",
    build: (fx) => models.multinomial(flatten(fx.X), Float64Array.from(fx.y), fx.p, fx.K),
  },
];

describe.each(BACKENDS)("models on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  describe.each(CASES)("$file", ({ file, build }) => {
    const fx = load(file);
    let model: Model;
    beforeAll(() => {
      model = build(fx);
    });

    it.each(["at_mle", "at_half_mle"])(
      "%s: log-likelihood, scores, gradient, Hessian, expected Fisher at 1e-12",
      (point) => {
        const block = fx[point];
        const params = Float64Array.from(block.params);
        expect(Math.abs(model.logLikelihood(params) - block.loglike_sum)).toBeLessThanOrEqual(
          1e-12 * Math.abs(block.loglike_sum),
        );
        const scores = model.scores(params);
        expectClose(scores, flatten(block.score_obs), 1e-12, `${file} ${point} scores`);
        // At the MLE the summed score cancels to ~0: measure it against the scale of the scores.
        const scale = Math.max(...Array.from(scores, Math.abs));
        expectClose(model.gradient(params), block.score_sum, 1e-12, `${file} ${point} gradient`, scale);
        expectClose(model.hessian(params).packed, packRows(block.hessian_sum), 1e-12, `${file} ${point} hessian`);
        expectClose(
          model.expectedFisher(params).packed,
          packRows(block.fisher_expected_sum ?? block.hessian_sum.map((r: number[]) => r.map((v) => -v))),
          1e-12,
          `${file} ${point} expected Fisher`,
        );
        expectClose(model.outerProductOfScores(params).packed, packRows(block.opg_sum), 1e-12, `${file} ${point} opg`);
      },
    );

    it("per-sample Hessians sum to the Hessian", () => {
      const params = Float64Array.from(fx.at_half_mle.params);
      const size = (model.dim * (model.dim + 1)) / 2;
      const each = model.sampleHessians(params);
      expect(each.length).toBe(model.n * size);
      const sum = new Float64Array(size);
      for (let k = 0; k < each.length; k++) sum[k % size] = (sum[k % size] as number) + (each[k] as number);
      expectClose(sum, packRows(fx.at_half_mle.hessian_sum), 1e-12, `${file} Σ H_i`);
    });

    it("fit(): params to 1e-8, covariances and standard errors to 1e-10", () => {
      const fit = model.fit();
      expect(fit.converged, fit.reason).toBe(true);
      expect(fit.reason).toBeUndefined();
      const mle = fx.at_mle;
      expectClose(fit.params, mle.params, 1e-8, `${file} params`);
      expect(Math.abs(fit.logLikelihood - mle.loglike_sum)).toBeLessThanOrEqual(1e-12 * Math.abs(mle.loglike_sum));
      expectClose(fit.covariance.packed, packRows(mle.cov_nonrobust), 1e-10, `${file} cov_nonrobust`);
      expectClose(fit.robustCovariance.packed, packRows(mle.cov_hc0), 1e-10, `${file} cov_hc0`);
      expectClose(fit.standardErrors, mle.bse_nonrobust, 1e-10, `${file} bse_nonrobust`);
      expectClose(fit.robustStandardErrors, mle.bse_hc0, 1e-10, `${file} bse_hc0`);
      expect(fit.iterations).toBeGreaterThan(0);
      expect(fit.iterations).toBeLessThan(40);
    });

    it("fit() from a given start reaches the same MLE", () => {
      const start = Float64Array.from(fx.at_half_mle.params);
      const fit = model.fit({ start, tolerance: 1e-12 });
      expect(fit.converged, fit.reason).toBe(true);
      expectClose(fit.params, fx.at_mle.params, 1e-8, `${file} params from half the MLE`);
      expect(start).toEqual(Float64Array.from(fx.at_half_mle.params));
    });
  });
});

describe.each(BACKENDS)("model.informationMatrixTest on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });
  const im = load("models/im_test").models;
  const build: Record<string, (e: Fixture) => Model> = {
    logit_spector: (e) => models.logistic(flatten(e.X), Float64Array.from(e.y), e.dim),
    poisson_randhie: (e) => models.poisson(flatten(e.X), Float64Array.from(e.y), e.dim),
    gaussian_statecrime: (e) => models.gaussian(flatten(e.X), Float64Array.from(e.y), e.dim, { variance: e.sigma2 }),
    multinomial_anes96: (e) => models.multinomial(flatten(e.X), Float64Array.from(e.y), e.X[0].length, e.K),
  };

  it.each(Object.keys(build))("%s: both forms, df and dropped indicators as the numpy oracle", (key) => {
    const entry = im[key];
    const model = (build[key] as (e: Fixture) => Model)(entry);
    const params = Float64Array.from(entry.params);
    expectClose(model.indicatorJacobian(params), flatten(entry.indicator_jacobian_sum), 1e-12, `${key} Jacobian`);
    const result = model.informationMatrixTest(params);
    expect(Array.from(result.droppedIndicators)).toEqual(entry.dropped_indicators);
    expect(Array.from(result.keptIndicators)).toEqual(entry.kept_indicators);
    // The Gaussian case has a near-collinear indicator (3e-8 of its norm left), which costs digits.
    const tolerance = key === "gaussian_statecrime" ? 1e-8 : 1e-10;
    for (const form of ["opg", "white"] as const) {
      const got = result[form];
      if (got === undefined) throw new Error(`${form} form missing`);
      expect(got.df).toBe(entry[form].df);
      expect(Math.abs(got.statistic - entry[form].statistic)).toBeLessThanOrEqual(tolerance * entry[form].statistic);
      expect(Math.abs(got.pValue - entry[form].pValue)).toBeLessThanOrEqual(1e-6 * entry[form].pValue);
    }
  });
});
