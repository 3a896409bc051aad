// The chi-square survival function through the regularized upper incomplete gamma
// function Q(a, z) = Γ(a, z)/Γ(a), with a = df/2 and z = x/2. Everything that can be
// tiny is carried as a logarithm until the end, so results far below 1e-300 are still
// found (down to the smallest subnormal) instead of underflowing early.

import { logGamma, logGammaStar, STIRLING_FROM } from "./log-gamma.js";

// Beyond this the series and the continued fraction need too many terms (about √(37·df))
// and lose accuracy to accumulated rounding; a normal approximation is better there.
const MAX_DF = 1e10;

const EPSILON = Number.EPSILON / 2;

/** ln(1 + t) − t for t > −1, without the cancellation of the direct formula near 0. */
function log1pMinus(t: number): number {
  if (Math.abs(t) > 0.5) return Math.log1p(t) - t;
  // ln(1 + t) = 2 atanh(u) with u = t/(2 + t), |u| ≤ 1/3, and t = 2u/(1 − u), so
  // ln(1 + t) − t = −t·u + 2(u³/3 + u⁵/5 + …), every term exact to a few roundoffs.
  const u = t / (2 + t);
  const u2 = u * u;
  let power = u * u2;
  let tail = 0;
  for (let k = 3; ; k += 2) {
    const term = power / k;
    tail += term;
    if (Math.abs(term) <= EPSILON * Math.abs(tail)) break;
    power *= u2;
  }
  return 2 * tail - t * u;
}

/**
 * ln(z^a e^(−z) / Γ(a)), the factor shared by the series and the continued fraction. For
 * large a the terms a ln z, z and ln Γ(a) are huge and nearly cancel, so it is rewritten
 * around z = a: a·(ln λ − λ + 1) + ½ ln(a/2π) − ln Γ*(a) with λ = z/a.
 */
function logPrefactor(a: number, z: number): number {
  if (a < STIRLING_FROM) return a * Math.log(z) - z - logGamma(a);
  return a * log1pMinus((z - a) / a) + 0.5 * Math.log(a / (2 * Math.PI)) - logGammaStar(a);
}

/** Σ zⁿ / ((a + 1)(a + 2)⋯(a + n)), n ≥ 0: the series of P(a, z) = e^(logPrefactor) / a · Σ. */
function lowerSeries(a: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 1; ; n++) {
    term *= z / (a + n);
    sum += term;
    if (term <= EPSILON * sum) return sum;
  }
}

// Floor for the modified Lentz algorithm, so that a zero denominator cannot divide by zero.
const LENTZ_FLOOR = 1e-300;

/**
 * Γ(a, z) e^z z^(−a) by the continued fraction 1/(z + 1 − a − 1(1 − a)/(z + 3 − a − 2(2 − a)/(z + 5 − a − …))),
 * evaluated forwards with the modified Lentz algorithm. Converges quickly for z ≥ a + 1.
 */
function upperContinuedFraction(a: number, z: number): number {
  let b = z + 1 - a;
  let c = 1 / LENTZ_FLOOR;
  let d = 1 / b;
  let value = d;
  for (let i = 1; ; i++) {
    const coefficient = -i * (i - a);
    b += 2;
    d = coefficient * d + b;
    if (Math.abs(d) < LENTZ_FLOOR) d = LENTZ_FLOOR;
    c = b + coefficient / c;
    if (Math.abs(c) < LENTZ_FLOOR) c = LENTZ_FLOOR;
    d = 1 / d;
    const ratio = c * d;
    value *= ratio;
    if (Math.abs(ratio - 1) <= EPSILON) return value;
  }
}

/** Q(a, z) = Γ(a, z)/Γ(a) for a > 0 and z ≥ 0 (z may be +Infinity). */
function upperRegularizedGamma(a: number, z: number): number {
  if (z === 0) return 1;
  if (z === Number.POSITIVE_INFINITY) return 0;
  // The series gives P, and Q = 1 − P only loses accuracy when P is close to 1, which in its
  // region happens for small a; for a < 1 the continued fraction takes over already at z = 1.
  const useSeries = a < 1 ? z < 1 : z < a + 1;
  if (useSeries) {
    const p = Math.exp(logPrefactor(a, z) - Math.log(a)) * lowerSeries(a, z);
    return p >= 1 ? 0 : 1 - p;
  }
  return Math.exp(logPrefactor(a, z) + Math.log(upperContinuedFraction(a, z)));
}

/**
 * The chi-square survival function P(χ²_df > x) = Q(df/2, x/2), the regularized upper
 * incomplete gamma function: the p-value of a chi-square statistic x on df degrees of
 * freedom. The relative error is about 1e-14 + x·2.2e-16 for df ≥ 0.1 (below that up to a few
 * 1e-12), wherever the result is a normal float64, including tail probabilities far below
 * 1e-100; it underflows to 0 only below the smallest subnormal. (x·2.2e-16 is how much the
 * tail e^(−x/2) itself moves when x is rounded.) Computed by the power series of P = 1 − Q
 * for x below df + 2 (below 2 when df < 2) and a continued fraction (modified Lentz) above, around the
 * prefactor (x/2)^(df/2) e^(−x/2) / Γ(df/2), rearranged about x = df for large df.
 * @param x the statistic; any x ≤ 0 gives 1 and +Infinity gives 0.
 * @param df degrees of freedom: a positive number up to 1e10, not necessarily an integer.
 * @throws {RangeError} when x is not a number or is NaN, or df is not a positive number ≤ 1e10.
 * @category Statistics
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (typeof x !== "number" || Number.isNaN(x)) {
    throw new RangeError(`\`x\` must be a number that is not NaN; received ${String(x)}.`);
  }
  if (typeof df !== "number" || !(df > 0 && df <= MAX_DF)) {
    throw new RangeError(`\`df\` must be a positive number no larger than ${MAX_DF}; received ${String(df)}.`);
  }
  if (x <= 0) return 1;
  return upperRegularizedGamma(df / 2, x / 2);
}
