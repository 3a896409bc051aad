// Models reject bad data with typed errors naming the argument, and fits that cannot
// reach an optimum say so instead of returning numbers.
import { beforeAll, describe, expect, it } from "vitest";
import { ConvergenceError, init, models, NonFiniteError } from "../src/index.js";

const f = (...v: number[]) => Float64Array.from(v);
// Rows (x, 1): a regressor and a constant.
const X = f(-2, 1, -1, 1, 0.5, 1, 1, 1, 2, 1);

describe("models: bad input", () => {
  beforeAll(async () => {
    await init({ backend: "js" });
  });

  it("responses outside the family's support, naming the entry", () => {
    expect(() => models.logistic(X, f(0, 1, 2, 0, 1), 2)).toThrow(/`y` must be 0 or 1.*y\[2\] is 2/);
    expect(() => models.poisson(X, f(0, 1, -1, 0, 1), 2)).toThrow(/non-negative integer.*y\[2\] is -1/);
    expect(() => models.poisson(X, f(0, 1.5, 1, 0, 1), 2)).toThrow(/y\[1\] is 1.5/);
    expect(() => models.multinomial(X, f(0, 1, 2, 3, 1), 2, 3)).toThrow(/labels 0..2.*y\[3\] is 3/);
    expect(() => models.multinomial(X, f(0, 1, 0.5, 1, 1), 2, 3)).toThrow(/y\[2\] is 0.5/);
    for (const bad of [1, 2.5, 0]) {
      expect(() => models.multinomial(X, f(0, 1, 0, 1, 1), 2, bad)).toThrow(RangeError);
    }
  });

  it("shape mismatches and wrong types", () => {
    expect(() => models.logistic([1, 2] as unknown as Float64Array, f(0), 2)).toThrow(TypeError);
    expect(() => models.logistic(X, [0, 1] as unknown as Float64Array, 2)).toThrow(/`y` must be a Float64Array/);
    expect(() => models.logistic(X, f(0, 1, 0), 2)).toThrow(/`y` must hold one response per row of X \(5 rows\)/);
    expect(() => models.logistic(X, f(0, 1, 0, 1, 1), 3)).toThrow(/`X`.*multiple of 3; received length 10/);
    expect(() => models.logistic(new Float64Array(0), new Float64Array(0), 2)).toThrow(/`X`/);
    expect(() => models.poisson(X, f(0, 1, 0, 1, 1), 0)).toThrow(/`p` must be a positive integer/);
    const model = models.logistic(X, f(0, 1, 0, 1, 1), 2);
    expect(() => model.scores(f(1))).toThrow(/`params` must have length 2/);
    expect(() => model.hessian(f(1, Number.NaN))).toThrow(/params\[1\] is NaN/);
    expect(() => model.logLikelihood([1, 2] as unknown as Float64Array)).toThrow(TypeError);
  });

  it("non-finite data", () => {
    const bad = Float64Array.from(X);
    bad[7] = Number.POSITIVE_INFINITY;
    expect(() => models.poisson(bad, f(0, 1, 0, 1, 1), 2)).toThrow(NonFiniteError);
    expect(() => models.poisson(bad, f(0, 1, 0, 1, 1), 2)).toThrow(/row 3, column 1 is Infinity/);
    expect(() => models.gaussian(X, f(0, 1, Number.NaN, 1, 1), 2)).toThrow(/y\[2\] is NaN/);
  });

  it("Gaussian variance: bad values, and a rank-deficient X without one", () => {
    expect(() => models.gaussian(X, f(0, 1, 0, 1, 1), 2, { variance: -1 })).toThrow(/options.variance/);
    expect(() => models.gaussian(X, f(0, 1, 0, 1, 1), 2, { variance: Number.NaN })).toThrow(/options.variance/);
    const twice = f(1, 2, 2, 4, 3, 6, 4, 8);
    expect(() => models.gaussian(twice, f(1, 2, 2, 5), 2)).toThrow(/rank-deficient.*column 1/);
    expect(() => models.gaussian(f(1, 2, 3), f(2, 4, 6), 1)).toThrow(/fitted exactly/);
  });

  it("fit options", () => {
    const model = models.logistic(X, f(0, 1, 0, 1, 1), 2);
    expect(() => model.fit({ maxIterations: 0 })).toThrow(/options.maxIterations/);
    expect(() => model.fit({ tolerance: 2 })).toThrow(/options.tolerance/);
    expect(() => model.fit({ start: f(1) })).toThrow(/options.start.*length 2/);
    expect(() => model.fit({ start: f(1, Number.NaN) })).toThrow(/options.start\[1\] is NaN/);
  });
});

describe("models: fits that cannot converge say why", () => {
  beforeAll(async () => {
    await init({ backend: "js" });
  });

  it("perfect separation (logistic and multinomial)", () => {
    const fit = models.logistic(X, f(0, 0, 1, 1, 1), 2).fit();
    expect(fit.converged).toBe(false);
    expect(fit.reason).toMatch(/perfect separation/);
    expect(() => fit.covariance).toThrow(ConvergenceError);
    expect(() => fit.robustStandardErrors).toThrow(/did not converge \(perfect separation/);
    const multi = models.multinomial(X, f(0, 0, 1, 2, 2), 2, 3).fit();
    expect(multi.converged).toBe(false);
    expect(multi.reason).toMatch(/perfect separation/);
  });

  it("quasi-complete separation (logistic and multinomial)", () => {
    // x = 1 predicts y = 1 (and class 2) perfectly; x = 0 leaves both outcomes.
    const x = f(0, 1, 0, 1, 0, 1, 1, 1, 1, 1);
    for (const model of [models.logistic(x, f(0, 1, 0, 1, 1), 2), models.multinomial(x, f(0, 1, 0, 2, 2), 2, 3)]) {
      const fit = model.fit();
      expect(fit.converged, model.family).toBe(false);
      expect(fit.reason).toMatch(/^quasi-complete separation: 2 of 5 samples/);
      expect(fit.reason).not.toMatch(/rank-deficient/);
      expect(() => fit.covariance).toThrow(ConvergenceError);
    }
  });

  it("Poisson counts that are all zero where a regressor is 1: the estimates run to −∞", () => {
    const x = f(1, 1, 1, 1, 1, 1, 0, 1, 0, 1);
    const fit = models.poisson(x, f(0, 0, 0, 3, 5), 2).fit();
    expect(fit.converged).toBe(false);
    expect(fit.reason).toMatch(/3 of 5 zero counts have fitted means below 1e-8/);
  });

  it("a singular design", () => {
    const twice = f(1, 2, 2, 4, 3, 6, 4, 8, 5, 10);
    for (const model of [
      models.logistic(twice, f(0, 1, 0, 1, 1), 2),
      models.poisson(twice, f(0, 1, 3, 1, 2), 2),
      models.gaussian(twice, f(0, 1, 3, 1, 2), 2, { variance: 1 }),
      models.multinomial(twice, f(0, 1, 2, 1, 0), 2, 3),
    ]) {
      const fit = model.fit();
      expect(fit.converged, model.family).toBe(false);
      expect(fit.reason).toMatch(/singular|not positive definite/);
      expect(fit.reason).toMatch(/rank-deficient/);
      expect(() => fit.standardErrors).toThrow(ConvergenceError);
    }
  });

  it("all-zero Poisson counts, and too few iterations", () => {
    const zero = models.poisson(X, f(0, 0, 0, 0, 0), 2).fit();
    expect(zero.converged).toBe(false);
    expect(zero.reason).toMatch(/every count is 0/);
    const short = models.poisson(X, f(0, 1, 3, 1, 2), 2).fit({ maxIterations: 1 });
    expect(short.converged).toBe(false);
    expect(short.reason).toMatch(/no convergence in the 1 iteration allowed/);
    expect(short.iterations).toBe(1);
  });
});
