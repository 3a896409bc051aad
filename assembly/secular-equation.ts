// The roots of the secular equation of a symmetric rank-one update, the O(k²) heart of each
// divide-and-conquer merge (the same iteration as the host's reference, src/engine/secular-equation.ts):
//   g(λ) = 1/ρ + Σᵢ zᵢ² / (dᵢ − λ) = 0,   d strictly ascending, every zᵢ ≠ 0, ρ > 0.
// Each root is found relative to its nearer pole, so that every difference dᵢ − λⱼ is computed
// as (dᵢ − d_origin) − τ with full relative accuracy, by R.-C. Li's "middle way" (the scheme of
// LAPACK's dlaed4) inside a bracket kept from the sign of g. The pass over the poles that each
// iterate makes (differences, g, its slope) runs in f64x2 lanes, two poles at a time.

/** Unit roundoff, 2⁻⁵³. */
// @ts-ignore: decorator
@inline
const EPS: f64 = 1.1102230246251565e-16;

/** As the host's reference: model steps take 2–4 iterations, bisection at most ~1100. */
// @ts-ignore: decorator
@inline
const MAX_ITERATIONS: i32 = 1200;

// @ts-ignore: decorator
@inline
function at(p: usize, k: i32): usize {
  return p + (<usize>k << 3);
}

// The sums of one pass over a range of poles (module state: AssemblyScript returns one value).
let rangeTerms: f64 = 0;
let rangeSlope: f64 = 0;
let rangeMagnitude: f64 = 0;

/**
 * Over poles i0..i1: delta[i] = (d[i] − base) − τ, and the sums of zᵢ²/δᵢ, (zᵢ/δᵢ)² and
 * |zᵢ²/δᵢ| into rangeTerms, rangeSlope and rangeMagnitude.
 */
function rangeSums(d: usize, z: usize, delta: usize, i0: i32, i1: i32, base: f64, tau: f64): void {
  let terms: f64 = 0;
  let slope: f64 = 0;
  let magnitude: f64 = 0;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    const b = f64x2.splat(base);
    const t = f64x2.splat(tau);
    let sTerms = f64x2.splat(0);
    let sSlope = f64x2.splat(0);
    let sMagnitude = f64x2.splat(0);
    for (; i + 2 <= i1; i += 2) {
      const di = f64x2.sub(f64x2.sub(v128.load(at(d, i)), b), t);
      v128.store(at(delta, i), di);
      const zi = v128.load(at(z, i));
      const ratio = f64x2.div(zi, di);
      const term = f64x2.mul(zi, ratio);
      sTerms = f64x2.add(sTerms, term);
      sSlope = f64x2.add(sSlope, f64x2.mul(ratio, ratio));
      sMagnitude = f64x2.add(sMagnitude, f64x2.abs(term));
    }
    terms = f64x2.extract_lane(sTerms, 0) + f64x2.extract_lane(sTerms, 1);
    slope = f64x2.extract_lane(sSlope, 0) + f64x2.extract_lane(sSlope, 1);
    magnitude = f64x2.extract_lane(sMagnitude, 0) + f64x2.extract_lane(sMagnitude, 1);
  }
  for (; i < i1; i++) {
    const di = load<f64>(at(d, i)) - base - tau;
    store<f64>(at(delta, i), di);
    const zi = load<f64>(at(z, i));
    const ratio = zi / di;
    const term = zi * ratio;
    terms += term;
    slope += ratio * ratio;
    magnitude += abs(term);
  }
  rangeTerms = terms;
  rangeSlope = slope;
  rangeMagnitude = magnitude;
}

/**
 * Root j of the equation over the k poles at d with weights at z: writes delta[i] = dᵢ − λⱼ for
 * every i and λⱼ at root; false when MAX_ITERATIONS did not suffice.
 */
function secularRoot(d: usize, z: usize, k: i32, rho: f64, j: i32, delta: usize, root: usize): bool {
  const inverse = 1 / rho;
  if (k == 1) {
    const z0 = load<f64>(z);
    const shift = rho * z0 * z0;
    store<f64>(delta, -shift);
    store<f64>(root, load<f64>(d) + shift);
    return true;
  }
  const last = j == k - 1;
  // The two poles of the model: j and j + 1, or the last two for the last root.
  const p = last ? k - 2 : j;
  let origin: i32;
  let lo: f64;
  let hi: f64;
  if (last) {
    let zz: f64 = 0;
    for (let i: i32 = 0; i < k; i++) zz += load<f64>(at(z, i)) * load<f64>(at(z, i));
    origin = k - 1;
    lo = 0;
    hi = rho * zz;
  } else {
    // g rises from −∞ to +∞ across (dⱼ, dⱼ₊₁); its sign at the midpoint says which pole is nearer.
    const dj = load<f64>(at(d, j));
    const half = (load<f64>(at(d, j + 1)) - dj) / 2;
    let g = inverse;
    for (let i: i32 = 0; i < k; i++) {
      const zi = load<f64>(at(z, i));
      g += (zi * zi) / (load<f64>(at(d, i)) - dj - half);
    }
    if (g >= 0) {
      origin = j;
      lo = 0;
      hi = half;
    } else {
      origin = j + 1;
      lo = -half;
      hi = 0;
    }
  }
  const base = load<f64>(at(d, origin));
  // Start where g is known to have the sign that bounds the bracket.
  let tau = origin == j + 1 ? lo : hi;
  for (let iteration: i32 = 0; iteration < MAX_ITERATIONS; iteration++) {
    rangeSums(d, z, delta, 0, p + 1, base, tau);
    const psi = rangeTerms;
    const dpsi = rangeSlope;
    let magnitude = rangeMagnitude;
    rangeSums(d, z, delta, p + 1, k, base, tau);
    const phi = rangeTerms;
    const dphi = rangeSlope;
    magnitude += rangeMagnitude;
    const g = inverse + psi + phi;
    const slope = dpsi + dphi;
    // Rounding in g is at most about ε·(8 Σ|terms| + 2/ρ), plus the slope times the rounding of τ.
    const bound = 8 * magnitude + 2 * inverse + abs(tau) * slope;
    if (abs(g) <= EPS * bound) {
      store<f64>(root, base + tau);
      return true;
    }
    if (g < 0) lo = tau;
    else hi = tau;
    const a0 = load<f64>(at(delta, p));
    const b0 = load<f64>(at(delta, p + 1));
    let c = g - a0 * dpsi - b0 * dphi;
    const a = (a0 + b0) * g - a0 * b0 * slope;
    const b = a0 * b0 * g;
    let eta: f64;
    if (last) {
      if (c < 0) c = -c;
      const r = sqrt(abs(a * a - 4 * b * c));
      eta = c == 0 ? -g / slope : a >= 0 ? (a + r) / (2 * c) : (2 * b) / (a - r);
    } else {
      const r = sqrt(abs(a * a - 4 * b * c));
      eta = c == 0 ? b / a : a <= 0 ? (a - r) / (2 * c) : (2 * b) / (a + r);
    }
    // A model step must move against the sign of g; otherwise Newton's step does.
    if (!(g * eta < 0)) eta = -g / slope;
    let next = tau + eta;
    if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;
    // The bracket has shrunk to adjacent doubles: τ is as accurate as it can be.
    if (next == tau || next <= lo || next >= hi) {
      store<f64>(root, base + tau);
      return true;
    }
    tau = next;
  }
  return false;
}

/**
 * All k roots of 1/ρ + Σ zᵢ²/(dᵢ − λ) = 0 over the poles d[0..k) (strictly ascending) with
 * weights z[0..k) (none zero), ρ > 0: roots[j] = λⱼ ascending and row j of the row-major k×k
 * delta the differences dᵢ − λⱼ. Returns 0, or 1 + j when root j did not converge.
 */
export function secularRoots(d: usize, z: usize, k: i32, rho: f64, delta: usize, roots: usize): i32 {
  for (let j: i32 = 0; j < k; j++) {
    if (!secularRoot(d, z, k, rho, j, delta + ((<usize>j * <usize>k) << 3), at(roots, j))) return 1 + j;
  }
  return 0;
}
