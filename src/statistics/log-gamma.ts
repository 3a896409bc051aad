// ln Γ(a) to about a unit roundoff: Stirling's series from a = 10 up, shifted by the
// recurrence below it, and exact products where a is an integer or a half-integer.

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

// Below this a the Stirling series is not accurate to a unit roundoff, so lnΓ shifts
// its argument up by the recurrence Γ(a + 1) = a Γ(a).
export const STIRLING_FROM = 10;

// Stirling's series of ln Γ*(a) = ln Γ(a) − [(a − ½) ln a − a + ½ ln 2π]: the terms
// B₂ₖ / (2k(2k − 1) a^(2k−1)), k = 1..8. The first omitted term is below 3e-18 for a ≥ 10.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** ln Γ*(a) for a ≥ STIRLING_FROM: the correction to Stirling's formula, about 1/(12a). */
export function logGammaStar(a: number): number {
  const r = 1 / a;
  const r2 = r * r;
  let sum = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) sum = sum * r2 + (STIRLING[k] as number);
  return sum * r;
}

/** ln Γ(a) for a > 0. */
export function logGamma(a: number): number {
  if (a >= STIRLING_FROM) return (a - 0.5) * Math.log(a) - a + HALF_LOG_TWO_PI + logGammaStar(a);
  if (Number.isInteger(2 * a)) {
    // Integer df, the usual case: Γ(a) = (a − 1)! or √π·½·(3/2)⋯(a − 1), products that keep full precision.
    let product = Number.isInteger(a) ? 1 : Math.sqrt(Math.PI);
    for (let k = a - 1; k > 0; k -= 1) product *= k;
    return Math.log(product);
  }
  // Γ(a) = Γ(a + k) / (a (a + 1) ⋯ (a + k − 1)); the product of at most 11 factors stays in range.
  let shifted = a;
  let product = 1;
  while (shifted < STIRLING_FROM) {
    product *= shifted;
    shifted += 1;
  }
  return logGamma(shifted) - Math.log(product);
}
