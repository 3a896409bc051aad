// Finite-difference curvature on functions whose Hessians are known.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { numericalHessian, scoreJacobian } from "../src/index.js";
import { expectClose } from "./helpers/compare.js";
import { packRows } from "./helpers/reference.js";

const fx = JSON.parse(readFileSync(new URL("fixtures/logit_spector.json", import.meta.url), "utf8"));
const X = fx.X as number[][];
const y = fx.y as number[];

/** Summed logit log-likelihood and score at β. */
function logLik(beta: Float64Array): number {
  let sum = 0;
  X.forEach((x, r) => {
    const eta = x.reduce((s, v, j) => s + v * (beta[j] as number), 0);
    sum += (y[r] as number) * eta - Math.log1p(Math.exp(eta));
  });
  return sum;
}
function score(beta: Float64Array): Float64Array {
  const g = new Float64Array(beta.length);
  X.forEach((x, r) => {
    const eta = x.reduce((s, v, j) => s + v * (beta[j] as number), 0);
    const resid = (y[r] as number) - 1 / (1 + Math.exp(-eta));
    x.forEach((v, j) => {
      g[j] = (g[j] as number) + resid * v;
    });
  });
  return g;
}

describe("numericalHessian and scoreJacobian", () => {
  it("a quadratic ½θᵀAθ + bᵀθ: its Hessian A", () => {
    const a = [
      [4, 1, 0.5],
      [1, 3, -0.2],
      [0.5, -0.2, 2],
    ];
    const b = [1, -2, 0.5];
    const f = (t: Float64Array): number =>
      a.reduce((s, row, i) => s + 0.5 * (t[i] as number) * row.reduce((u, v, j) => u + v * (t[j] as number), 0), 0) +
      b.reduce((s, v, i) => s + v * (t[i] as number), 0);
    const g = (t: Float64Array): Float64Array =>
      Float64Array.from(a.map((row, i) => row.reduce((u, v, j) => u + v * (t[j] as number), 0) + (b[i] as number)));
    const theta = new Float64Array([0.3, -1.5, 2.0]);
    expectClose(numericalHessian(f, theta).packed, packRows(a), 1e-7, "numericalHessian");
    expectClose(scoreJacobian(g, theta).packed, packRows(a), 1e-10, "scoreJacobian");
  });

  it("Rosenbrock at (−1.2, 1): [[1330, 480], [480, 200]]", () => {
    const f = (t: Float64Array): number =>
      (1 - (t[0] as number)) ** 2 + 100 * ((t[1] as number) - (t[0] as number) ** 2) ** 2;
    expectClose(numericalHessian(f, new Float64Array([-1.2, 1])).packed, [1330, 480, 200], 1e-7, "rosenbrock");
  });

  it("the Spector logit at the MLE: statsmodels' Hessian", () => {
    const beta = Float64Array.from(fx.at_mle.params);
    const expected = packRows(fx.at_mle.hessian_sum);
    expectClose(numericalHessian(logLik, beta).packed, expected, 1e-6, "numericalHessian");
    expectClose(scoreJacobian(score, beta).packed, expected, 1e-8, "scoreJacobian");
  });

  it("bad input → TypeError / RangeError naming the argument or the point", () => {
    const f = (t: Float64Array): number => (t[0] as number) ** 2;
    expect(() => numericalHessian("f" as unknown as typeof f, new Float64Array(1))).toThrow(TypeError);
    expect(() => numericalHessian(f, [1] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => numericalHessian(f, new Float64Array(0))).toThrow("`theta` must hold at least one parameter");
    expect(() => numericalHessian(f, new Float64Array([Number.NaN]))).toThrow("theta[0] is NaN");
    expect(() => numericalHessian(() => Number.NaN, new Float64Array([1]))).toThrow(/returned NaN at θ = \[/);
    expect(() => numericalHessian(f, new Float64Array([1]), { step: 0 })).toThrow(
      "`options.step` must be a number in (0, 1)",
    );
    expect(() => scoreJacobian(() => new Float64Array(2), new Float64Array([1]))).toThrow(
      "must return a Float64Array of length 1",
    );
    expect(() => scoreJacobian(() => new Float64Array([Number.POSITIVE_INFINITY]), new Float64Array([1]))).toThrow(
      RangeError,
    );
  });
});
