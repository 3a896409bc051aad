// The information matrix test against the numpy/scipy oracle on four real models, against a
// dense re-implementation of its definitions, on simulated data, and on bad input; every backend.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  chiSquareSurvival,
  type InformationMatrixTestResult,
  informationMatrixTest,
  init,
  NonFiniteError,
  NotPositiveDefiniteError,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import {
  denseSolve,
  gaussianDerivatives,
  logitDerivatives,
  type ModelDerivatives,
  multinomialDerivatives,
  newtonFit,
  poissonDerivatives,
  upperPairs,
} from "./helpers/glm-derivatives.js";
import { normal, sample, uniform } from "./helpers/random.js";

interface TestValues {
  statistic: number;
  df: number;
  pValue: number;
}

interface ImModel {
  n: number;
  dim: number;
  X: number[][];
  y: number[];
  params: number[];
  sigma2?: number;
  K?: number;
  indicator_pairs: [number, number][];
  kept_indicators: number[];
  dropped_indicators: number[];
  indicators_mean: number[];
  indicator_jacobian_sum: number[][];
  opg: TestValues;
  white: TestValues;
}

const models: Record<string, ImModel> = JSON.parse(
  readFileSync(new URL("fixtures/models/im_test.json", import.meta.url), "utf8"),
).models;

function derivativesOf(name: string, model: ImModel): ModelDerivatives {
  const { X, y, params } = model;
  if (name.startsWith("logit")) return logitDerivatives(X, y, params);
  if (name.startsWith("poisson")) return poissonDerivatives(X, y, params);
  if (name.startsWith("gaussian")) return gaussianDerivatives(X, y, params, model.sigma2 as number);
  return multinomialDerivatives(X, y, params, model.K as number);
}

/** Dense n × dim² Hessians → n packed 'U' ones. */
function packHessians(dense: Float64Array, dim: number): Float64Array {
  const n = dense.length / (dim * dim);
  const p = (dim * (dim + 1)) / 2;
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) {
      for (let j = 0; j <= k; j++) out[i * p + j + (k * (k + 1)) / 2] = dense[i * dim * dim + j * dim + k] as number;
    }
  }
  return out;
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

/**
 * The definitions, written out densely: indicator columns dropped by Gram–Schmidt (each
 * column orthogonalized twice against the kept ones before it), the OPG statistic as the
 * squared length of the projection of 1 on an orthonormal basis of [D_kept, S], and White's
 * statistic with V and A solved by Gaussian elimination.
 */
function referenceTest(d: ModelDerivatives) {
  const { dim, scores, hessians, indicatorJacobian } = d;
  const n = scores.length / dim;
  const pairs = upperPairs(dim);
  const column = (t: number): Float64Array => {
    const [j, k] = pairs[t] as [number, number];
    return Float64Array.from(
      { length: n },
      (_, i) =>
        (scores[i * dim + j] as number) * (scores[i * dim + k] as number) +
        (hessians[i * dim * dim + j * dim + k] as number),
    );
  };
  const scoreColumn = (j: number): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => scores[i * dim + j] as number);
  const basis: Float64Array[] = [];
  const orthogonalize = (v: Float64Array): number => {
    const norm2 = dot(v, v);
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(b, v);
        for (let i = 0; i < n; i++) v[i] = (v[i] as number) - c * (b[i] as number);
      }
    }
    const residual2 = dot(v, v);
    return norm2 > 0 ? residual2 / norm2 : 0;
  };
  const kept: number[] = [];
  const dropped: number[] = [];
  for (let t = 0; t < pairs.length; t++) {
    const v = column(t);
    if (orthogonalize(v) > 1e-9) {
      kept.push(t);
      basis.push(v.map((x) => x / Math.sqrt(dot(v, v))));
    } else {
      dropped.push(t);
    }
  }
  for (let j = 0; j < dim; j++) {
    const v = scoreColumn(j);
    orthogonalize(v);
    basis.push(v.map((x) => x / Math.sqrt(dot(v, v))));
  }
  const ones = new Float64Array(n).fill(1);
  const opg = basis.reduce((s, b) => s + dot(b, ones) ** 2, 0);

  const m = kept.length;
  const A = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++)
    for (let e = 0; e < dim * dim; e++) A[e] = (A[e] as number) + (hessians[i * dim * dim + e] as number) / n;
  // Column t of (J A⁻¹)ᵀ = A⁻¹ (row t of J).
  const jAinv = kept.map((t) =>
    denseSolve(
      A,
      Float64Array.from({ length: dim }, (_, j) => (indicatorJacobian[t * dim + j] as number) / n),
      dim,
    ),
  );
  const columns = kept.map(column);
  const v = Float64Array.from({ length: n * m }, (_, e) => {
    const i = Math.floor(e / m);
    const t = e % m;
    return (
      ((columns[t] as Float64Array)[i] as number) -
      dot(jAinv[t] as Float64Array, scores.subarray(i * dim, (i + 1) * dim))
    );
  });
  const V = new Float64Array(m * m);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++)
        V[a * m + b] = (V[a * m + b] as number) + ((v[i * m + a] as number) * (v[i * m + b] as number)) / n;
  const mean = Float64Array.from(columns, (c) => c.reduce((s, x) => s + x, 0) / n);
  const white = n * dot(mean, denseSolve(V, mean, m));
  return { kept, dropped, opg, white };
}

const relative = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

function expectTest(actual: TestValues, expected: TestValues, tolerance: number, label: string): void {
  expect(actual.df, `${label} df`).toBe(expected.df);
  expect(
    relative(actual.statistic, expected.statistic),
    `${label} statistic ${actual.statistic} vs ${expected.statistic}`,
  ).toBeLessThan(tolerance);
  // d ln p / d statistic is about ½, so the p-value inherits the statistic's error times statistic/2.
  expect(relative(actual.pValue, expected.pValue), `${label} pValue`).toBeLessThan(
    tolerance * Math.max(1, expected.statistic),
  );
}

/** Logistic data with an intercept, a normal regressor and, optionally, a binary one; fitted by Newton. */
function simulatedLogit(n: number, seed: number, binary: boolean) {
  const z = normal(seed);
  const u = uniform(seed + 1);
  const X = Array.from({ length: n }, () => (binary ? [z(), u() < 0.4 ? 1 : 0, 1] : [z(), 0.5 * z() + 1, 1]));
  const truth = binary ? [0.8, -0.7, 0.2] : [0.8, -0.6, 0.3];
  const y = X.map((x) => (u() < 1 / (1 + Math.exp(-x.reduce((s, v, j) => s + v * (truth[j] as number), 0))) ? 1 : 0));
  const theta = newtonFit((t) => logitDerivatives(X, y, t), 3);
  return logitDerivatives(X, y, theta);
}

/** Poisson counts by inversion of the CDF. */
function poissonSample(mean: number, u: () => number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const target = u();
  while (target > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

describe.each(BACKENDS)("informationMatrixTest on %s", (backendName) => {
  beforeAll(async () => {
    await init({ backend: backendName });
  });

  it.each(Object.keys(models))("%s: statistics, df, kept/dropped indicators and means as the oracle", (name) => {
    const model = models[name] as ImModel;
    const d = derivativesOf(name, model);
    expect(d.dim).toBe(model.dim);
    expectClose(d.indicatorJacobian, model.indicator_jacobian_sum.flat(), 1e-12, `${name} indicator Jacobian`);
    const indicatorJacobian = Float64Array.from(model.indicator_jacobian_sum.flat());
    const result = informationMatrixTest(d.scores, d.hessians, d.dim, { indicatorJacobian });
    expect(result.n).toBe(model.n);
    expect(result.indicatorPairs).toEqual(model.indicator_pairs);
    expect(Array.from(result.keptIndicators)).toEqual(model.kept_indicators);
    expect(Array.from(result.droppedIndicators)).toEqual(model.dropped_indicators);
    expectClose(result.indicatorMeans, model.indicators_mean, 1e-12, `${name} indicator means`);
    expectTest(result.opg, model.opg, 1e-11, `${name} OPG`);
    // The Gaussian's (const, const) indicator is nearly collinear (3e-8), so rounding moves White's statistic by ~1e-9.
    expectTest(result.white as TestValues, model.white, name.startsWith("gaussian") ? 1e-8 : 1e-10, `${name} White`);

    const packed = informationMatrixTest(d.scores, packHessians(d.hessians, d.dim), d.dim, {
      indicatorJacobian,
      hessianLayout: "packed",
    });
    expect(packed).toEqual(result);
    const opgOnly = informationMatrixTest(d.scores, d.hessians, d.dim);
    expect(opgOnly.white).toBeUndefined();
    expect(opgOnly.opg).toEqual(result.opg);
  });

  it.each(Object.keys(models))("%s: as the dense re-implementation of the definitions", (name) => {
    const d = derivativesOf(name, models[name] as ImModel);
    const reference = referenceTest(d);
    const result = informationMatrixTest(d.scores, d.hessians, d.dim, { indicatorJacobian: d.indicatorJacobian });
    expect(Array.from(result.keptIndicators)).toEqual(reference.kept);
    expect(Array.from(result.droppedIndicators)).toEqual(reference.dropped);
    expect(relative(result.opg.statistic, reference.opg)).toBeLessThan(1e-9);
    expect(relative((result.white as TestValues).statistic, reference.white)).toBeLessThan(
      name.startsWith("gaussian") ? 1e-8 : 1e-9,
    );
  });

  it("simulated, correctly specified logistic regression: neither form rejects", () => {
    const d = simulatedLogit(3000, 11, false);
    const result = informationMatrixTest(d.scores, d.hessians, d.dim, { indicatorJacobian: d.indicatorJacobian });
    const reference = referenceTest(d);
    expect(result.droppedIndicators.length).toBe(0);
    expect(relative(result.opg.statistic, reference.opg)).toBeLessThan(1e-9);
    expect(relative((result.white as TestValues).statistic, reference.white)).toBeLessThan(1e-9);
    expect(result.opg.pValue).toBeGreaterThan(0.01);
    expect((result.white as TestValues).pValue).toBeGreaterThan(0.01);
    expect(result.opg.pValue).toBe(chiSquareSurvival(result.opg.statistic, 6));
  });

  it("simulated overdispersed counts fitted as Poisson: both forms reject with tiny p-values", () => {
    const n = 2000;
    const z = normal(5);
    const u = uniform(6);
    const X = Array.from({ length: n }, () => [0.5 * z(), 1]);
    // A log-normal multiplier on the mean makes the variance exceed the mean.
    const y = X.map((x) => poissonSample(Math.exp(0.3 * (x[0] as number) + 0.8 + 0.7 * z() - 0.245), u));
    const theta = newtonFit((t) => poissonDerivatives(X, y, t), 2);
    const d = poissonDerivatives(X, y, theta);
    const result = informationMatrixTest(d.scores, d.hessians, d.dim, { indicatorJacobian: d.indicatorJacobian });
    expect(result.opg.df).toBe(3);
    expect(result.opg.pValue).toBeLessThan(1e-10);
    expect((result.white as TestValues).pValue).toBeLessThan(1e-10);
    expect(result.opg.pValue).toBeGreaterThan(0);
    const reference = referenceTest(d);
    expect(relative(result.opg.statistic, reference.opg)).toBeLessThan(1e-9);
    expect(relative((result.white as TestValues).statistic, reference.white)).toBeLessThan(1e-9);
  });

  it("a binary regressor: (b, b) equals (b, const), and exactly that indicator is dropped", () => {
    const d = simulatedLogit(500, 21, true);
    const result = informationMatrixTest(d.scores, d.hessians, d.dim, { indicatorJacobian: d.indicatorJacobian });
    // Pairs (0,0),(0,1),(0,2),(1,1),(1,2),(2,2): (1,2) = (b, const) repeats (1,1) = (b, b).
    expect(Array.from(result.droppedIndicators)).toEqual([4]);
    expect(Array.from(result.keptIndicators)).toEqual([0, 1, 2, 3, 5]);
    expect(result.opg.df).toBe(5);
    expect((result.white as TestValues).df).toBe(5);
    const reference = referenceTest(d);
    expect(relative(result.opg.statistic, reference.opg)).toBeLessThan(1e-9);
    expect(relative((result.white as TestValues).statistic, reference.white)).toBeLessThan(1e-9);
  });

  it("the statistics do not change when a regressor is rescaled (an invariance of the test)", () => {
    const model = models.logit_spector as ImModel;
    const scale = [0.5, 0.01, 1, 1];
    const X = model.X.map((x) => x.map((v, j) => v * (scale[j] as number)));
    const params = model.params.map((v, j) => v / (scale[j] as number));
    const original = logitDerivatives(model.X, model.y, model.params);
    const rescaled = logitDerivatives(X, model.y, params);
    const a = informationMatrixTest(original.scores, original.hessians, 4, {
      indicatorJacobian: original.indicatorJacobian,
    });
    const b = informationMatrixTest(rescaled.scores, rescaled.hessians, 4, {
      indicatorJacobian: rescaled.indicatorJacobian,
    });
    expect(relative(b.opg.statistic, a.opg.statistic)).toBeLessThan(1e-10);
    expect(relative((b.white as TestValues).statistic, (a.white as TestValues).statistic)).toBeLessThan(1e-10);
  });

  describe("bad input", () => {
    const d = logitDerivatives(
      (models.logit_spector as ImModel).X,
      (models.logit_spector as ImModel).y,
      (models.logit_spector as ImModel).params,
    );
    const run = (scores: unknown, hessians: unknown, dim: unknown, options?: unknown): InformationMatrixTestResult =>
      informationMatrixTest(scores as Float64Array, hessians as Float64Array, dim as number, options as undefined);

    it("wrong kinds → TypeError naming the argument", () => {
      expect(() => run(Array.from(d.scores), d.hessians, 4)).toThrow(
        "`scores` must be a Float64Array; received Array(128).",
      );
      expect(() => run(d.scores, new Float32Array(d.hessians), 4)).toThrow(
        "`hessians` must be a Float64Array; received Float32Array.",
      );
      expect(() => run(d.scores, d.hessians, 4, { indicatorJacobian: [1, 2] })).toThrow(
        "`options.indicatorJacobian` must be a Float64Array; received Array(2).",
      );
      expect(() => run(d.scores, d.hessians, 4, 3)).toThrow(TypeError);
    });

    it("bad dim, layout or lengths → RangeError with the numbers", () => {
      expect(() => run(d.scores, d.hessians, 0)).toThrow("`dim` must be a positive integer; received 0.");
      expect(() => run(d.scores, d.hessians, 3)).toThrow(/`scores` length must be a multiple of dim \(3\)/);
      expect(() => run(d.scores, d.hessians.subarray(16), 4)).toThrow(
        "`hessians` must have length 512 (32 samples, as many as rows of scores, times dim×dim = 16 entries); received length 496.",
      );
      expect(() => run(d.scores, d.hessians, 4, { hessianLayout: "packed" })).toThrow(
        /`hessians` must have length 320 .*received length 512/,
      );
      expect(() => run(d.scores, d.hessians, 4, { hessianLayout: "lower" })).toThrow(
        '`options.hessianLayout` must be "dense" or "packed"; received "lower".',
      );
      expect(() => run(d.scores, d.hessians, 4, { layout: "lower" as "dense" })).toThrow(
        '`options.layout` must be "dense" or "packed"; received "lower".',
      );
      expect(() => run(d.scores, d.hessians, 4, { layout: "packed" })).toThrow(
        /`hessians` must have length 320 .*received length 512/,
      );
      expect(() => run(d.scores, d.hessians, 4, { indicatorJacobian: new Float64Array(36) })).toThrow(
        "`options.indicatorJacobian` must have length 40 (q × dim = 10 × 4, one row per indicator); received length 36.",
      );
      expect(() => run(d.scores, d.hessians, 4, { symmetryTolerance: -1 })).toThrow(RangeError);
    });

    it("non-finite entries → NonFiniteError (or RangeError) naming the sample and entry", () => {
      const scores = d.scores.slice();
      scores[4 * 3 + 2] = Number.NaN;
      expect(() => run(scores, d.hessians, 4)).toThrow(NonFiniteError);
      expect(() => run(scores, d.hessians, 4)).toThrow("`scores` must be finite; row 3, column 2 is NaN.");
      const hessians = d.hessians.slice();
      hessians[16 * 5 + 7] = Number.POSITIVE_INFINITY;
      expect(() => run(d.scores, hessians, 4)).toThrow("`hessians` must be finite; row 5, column 7 is Infinity.");
      const jacobian = d.indicatorJacobian.slice();
      jacobian[9] = Number.NaN;
      expect(() => run(d.scores, d.hessians, 4, { indicatorJacobian: jacobian })).toThrow(
        "`options.indicatorJacobian` must be finite; options.indicatorJacobian[9] is NaN.",
      );
    });

    it("an asymmetric dense Hessian → RangeError naming the sample and entries", () => {
      const hessians = d.hessians.slice();
      hessians[16 * 2 + 1 * 4 + 3] = (hessians[16 * 2 + 1 * 4 + 3] as number) + 1e-3;
      expect(() => run(d.scores, hessians, 4)).toThrow(/`hessians` must be symmetric; sample 2 has H\[1\]\[3\]/);
      expect(() => run(d.scores, hessians, 4, { symmetryTolerance: 1 })).not.toThrow();
    });

    it("too few samples for the regression → RangeError saying so", () => {
      // dim 2 with generic rows: all 3 indicators stay, and 5 ≤ 3 + 2.
      const z = normal(3);
      const scores = sample(10, z);
      const hessians = new Float64Array(20);
      for (let i = 0; i < 5; i++) {
        const off = z();
        hessians.set([z(), off, off, z()], 4 * i);
      }
      expect(() => run(scores, hessians, 2)).toThrow(
        "`scores` must have more rows than kept indicators + dim (3 + 2 = 5) for the OPG regression to mean anything; received n = 5.",
      );
      expect(() => run(sample(12, z), hessians, 2)).toThrow(/`hessians` must have length 24/);
      expect(() => run(new Float64Array(0), new Float64Array(0), 4)).toThrow(RangeError);
    });

    it("scores collinear with the indicators, or no indicator left → RangeError", () => {
      const scores = d.scores.slice();
      for (let i = 0; i < 32; i++) scores[i * 4 + 3] = 2 * (scores[i * 4] as number);
      expect(() => run(scores, new Float64Array(512), 4)).toThrow(
        /`scores` column 3 is \(numerically\) a linear combination/,
      );
      expect(() => run(new Float64Array(40), new Float64Array(160), 4)).toThrow(/No indicator is left to test/);
    });

    it("an indefinite mean Hessian in White's form → NotPositiveDefiniteError", () => {
      const hessians = d.hessians.map((v) => -v);
      expect(() => run(d.scores, hessians, 4, { indicatorJacobian: d.indicatorJacobian })).toThrow(
        NotPositiveDefiniteError,
      );
      expect(() => run(d.scores, hessians, 4)).not.toThrow();
    });
  });
});
