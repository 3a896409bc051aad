// The chi-square survival function against scipy, closed forms and published values of erfc.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chiSquareSurvival } from "../src/index.js";

interface ChiSquareValue {
  df: number;
  x: number;
  sf: number;
  cdf: number;
}

const fixture: { values: ChiSquareValue[] } = JSON.parse(
  readFileSync(new URL("fixtures/models/chi_square.json", import.meta.url), "utf8"),
);

const relative = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/** Q(m, z) = e^(−z) Σ_{k<m} z^k/k! for df = 2m (terms by recurrence; fine while they stay below 1e308). */
function evenDfSurvival(x: number, df: number): number {
  const z = x / 2;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < df / 2; k++) {
    term *= z / k;
    sum += term;
  }
  return Math.exp(Math.log(sum) - z);
}

// Relative accuracy that double precision allows: Q(df/2, x/2) is about as sensitive to the
// rounding of x/2 and of the exponent (−x/2 + …) as e^(−x/2) is, i.e. x/2 ulps.
const tolerance = (x: number, base: number): number => base + x * Number.EPSILON;

// erfc(v) correctly rounded to float64; χ²₁ has P(χ² > x) = erfc(√(x/2)).
const ERFC: [number, number][] = [
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [2, 0.004677734981047266],
  [3, 2.209049699858544e-5],
  [5, 1.537459794428035e-12],
  [10, 2.088487583762545e-45],
  [20, 5.395865611607901e-176],
];

describe("chiSquareSurvival", () => {
  it("matches scipy.stats.chi2.sf on its grid, tails down to 1e-219", () => {
    let worst = 0;
    let worstAt = "";
    for (const { df, x, sf, cdf } of fixture.values) {
      const actual = chiSquareSurvival(x, df);
      if (sf === 1) {
        // The upper tail rounds to 1; what is left of the lower tail is below an ulp.
        expect(1 - actual, `df ${df} x ${x}`).toBeLessThanOrEqual(Math.max(cdf, Number.EPSILON / 2));
        continue;
      }
      const error = relative(actual, sf) / tolerance(x, 1e-13);
      if (error > worst) {
        worst = error;
        worstAt = `df ${df} x ${x}: ${actual} vs ${sf}`;
      }
    }
    expect(worst, worstAt).toBeLessThanOrEqual(1);
    expect(fixture.values.filter((v) => v.sf < 1e-100).length).toBeGreaterThanOrEqual(10);
  });

  it("df = 2 is exactly exp(−x/2), also where that is below 1e-300", () => {
    for (const x of [1e-300, 1e-8, 0.3, 1, 2, 3.9, 4.1, 10, 37, 100, 460, 1000, 1400, 1480]) {
      expect(relative(chiSquareSurvival(x, 2), Math.exp(-x / 2)), `x ${x}`).toBeLessThan(tolerance(x, 2e-15));
    }
    expect(chiSquareSurvival(460, 2)).toBeLessThan(1e-99);
    expect(chiSquareSurvival(1400, 2)).toBeGreaterThan(0);
  });

  it("even df against the finite sum e^(−x/2) Σ (x/2)^k / k!", () => {
    for (const df of [4, 6, 10, 20, 50, 100, 300]) {
      for (const ratio of [0.01, 0.3, 0.7, 0.95, 1, 1.05, 1.5, 2, 4, 10]) {
        const x = df * ratio;
        if (x / 2 > 700) continue; // e^(−x/2) would underflow in the reference
        expect(relative(chiSquareSurvival(x, df), evenDfSurvival(x, df)), `df ${df} x ${x}`).toBeLessThan(
          tolerance(x, 2e-14),
        );
      }
    }
  });

  it("df = 1 is erfc(√(x/2)), to the published digits of erfc", () => {
    for (const [v, erfc] of ERFC) {
      const x = 2 * v * v;
      expect(relative(chiSquareSurvival(x, 1), erfc), `v ${v}`).toBeLessThan(tolerance(x, 1e-14));
    }
  });

  it("steps in df by Q(a + 1, z) = Q(a, z) + z^a e^(−z) / Γ(a + 1), across the switch between series and fraction", () => {
    let logGammaOfAPlusOne = Math.log(Math.sqrt(Math.PI) / 2); // ln Γ(3/2)
    for (let a = 0.5; a < 40; a += 1) {
      if (a > 0.5) logGammaOfAPlusOne += Math.log(a);
      for (const z of [0.2, a / 2, a - 0.5, a, a + 0.5, a + 1, a + 1.5, a + 2, 2 * a + 3, 5 * a + 20]) {
        if (!(z > 0)) continue;
        const step = Math.exp(a * Math.log(z) - z - logGammaOfAPlusOne);
        const expected = chiSquareSurvival(2 * z, 2 * a) + step;
        expect(relative(chiSquareSurvival(2 * z, 2 * a + 2), expected), `a ${a} z ${z}`).toBeLessThan(
          tolerance(2 * z, 2e-14),
        );
      }
    }
  });

  it("is 1 at and below zero, 0 at +Infinity, decreasing in x and increasing in df", () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(-2, 3)).toBe(1);
    expect(chiSquareSurvival(Number.POSITIVE_INFINITY, 3)).toBe(0);
    let previous = 1;
    for (let x = 0.25; x < 200; x *= 1.5) {
      const value = chiSquareSurvival(x, 7.5);
      expect(value).toBeLessThan(previous);
      expect(chiSquareSurvival(x, 8.5)).toBeGreaterThan(value);
      previous = value;
    }
  });

  it("non-integer and large df: the median of χ²_df is near df(1 − 2/(9df))³", () => {
    for (const df of [2.5, 1e3, 1e6, 1e9]) {
      const median = df * (1 - 2 / (9 * df)) ** 3;
      expect(chiSquareSurvival(median, df), `df ${df}`).toBeCloseTo(0.5, 2);
    }
  });

  it("bad arguments → RangeError naming the argument and the value", () => {
    expect(() => chiSquareSurvival(Number.NaN, 2)).toThrow("`x` must be a number that is not NaN; received NaN.");
    expect(() => chiSquareSurvival("1" as unknown as number, 2)).toThrow(RangeError);
    for (const df of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2e10]) {
      expect(() => chiSquareSurvival(1, df)).toThrow(RangeError);
      expect(() => chiSquareSurvival(1, df)).toThrow(`received ${df}`);
    }
    expect(() => chiSquareSurvival(1, "2" as unknown as number)).toThrow(/`df` must be a positive number/);
  });
});
