// The roots of the secular equation of a symmetric rank-one update,
//   g(λ) = 1/ρ + Σᵢ zᵢ² / (dᵢ − λ) = 0,   d strictly ascending, every zᵢ ≠ 0, ρ > 0,
// whose k roots interlace the poles: λⱼ ∈ (dⱼ, dⱼ₊₁), and λₖ₋₁ ∈ (dₖ₋₁, dₖ₋₁ + ρ‖z‖²).
// Each root is found relative to its nearer pole (the origin), so that every difference
// dᵢ − λⱼ is computed as (dᵢ − d_origin) − τ with full relative accuracy: the eigenvectors of
// the update are built from these differences (Gu and Eisenstat), never from λⱼ itself.
// The iteration is the "middle way" of R.-C. Li (the scheme of LAPACK's dlaed4): g is modelled
// by its two nearest poles plus a constant, matched in value and slope, and the model's root is
// the next iterate; a bracket kept from the sign of g replaces any step that leaves it by
// bisection, so the iteration cannot wander or stall. The plain-TypeScript backend's
// secularRoots kernel runs this function; the WebAssembly kernel (assembly/secular-equation.ts)
// is the same iteration.
import { ConvergenceError } from "../base/errors.js";

/** Unit roundoff, 2⁻⁵³. */
const EPS = 2 ** -53;

/** Model steps are quadratically convergent and take 2–4 iterations; bisection needs at most ~1100 halvings of a double bracket. */
const MAX_ITERATIONS = 1200;

/**
 * The j-th root (ascending, 0-based) of 1/ρ + Σ zᵢ²/(dᵢ − λ) = 0 over the k poles
 * d[d0..d0+k) (strictly ascending) with weights z[z0..z0+k) (none zero) and ρ > 0. Writes
 * delta[out + i] = dᵢ − λⱼ for every i and returns λⱼ.
 */
export function secularRoot(
  d: Float64Array,
  d0: number,
  z: Float64Array,
  z0: number,
  k: number,
  rho: number,
  j: number,
  delta: Float64Array,
  out: number,
): number {
  const inverse = 1 / rho;
  if (k === 1) {
    const shift = rho * (z[z0] as number) ** 2;
    delta[out] = -shift;
    return (d[d0] as number) + shift;
  }
  const last = j === k - 1;
  // The two poles of the model: j and j + 1, or the last two for the last root.
  const p = last ? k - 2 : j;
  let origin: number;
  let lo: number;
  let hi: number;
  if (last) {
    let zz = 0;
    for (let i = 0; i < k; i++) zz += (z[z0 + i] as number) ** 2;
    origin = k - 1;
    lo = 0;
    hi = rho * zz;
  } else {
    // g rises from −∞ to +∞ across (dⱼ, dⱼ₊₁); its sign at the midpoint says which pole is nearer.
    const dj = d[d0 + j] as number;
    const half = ((d[d0 + j + 1] as number) - dj) / 2;
    let g = inverse;
    for (let i = 0; i < k; i++) g += (z[z0 + i] as number) ** 2 / ((d[d0 + i] as number) - dj - half);
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
  const base = d[d0 + origin] as number;
  // Start where g is known to have the sign that bounds the bracket: the interval's midpoint, or the far end for the last root.
  let tau = origin === j + 1 ? lo : hi;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    let psi = 0;
    let dpsi = 0;
    let phi = 0;
    let dphi = 0;
    let magnitude = 0;
    for (let i = 0; i < k; i++) {
      const di = (d[d0 + i] as number) - base - tau;
      delta[out + i] = di;
      const zi = z[z0 + i] as number;
      const t = zi / di;
      const term = zi * t;
      magnitude += Math.abs(term);
      if (i <= p) {
        psi += term;
        dpsi += t * t;
      } else {
        phi += term;
        dphi += t * t;
      }
    }
    const g = inverse + psi + phi;
    const slope = dpsi + dphi;
    // Rounding in g is at most about ε·(8 Σ|terms| + 2/ρ), plus the slope times the rounding of τ.
    const bound = 8 * magnitude + 2 * inverse + Math.abs(tau) * slope;
    if (Math.abs(g) <= EPS * bound) return base + tau;
    if (g < 0) lo = tau;
    else hi = tau;
    const a0 = delta[out + p] as number;
    const b0 = delta[out + p + 1] as number;
    let c = g - a0 * dpsi - b0 * dphi;
    const a = (a0 + b0) * g - a0 * b0 * slope;
    const b = a0 * b0 * g;
    let eta: number;
    if (last) {
      if (c < 0) c = -c;
      const root = Math.sqrt(Math.abs(a * a - 4 * b * c));
      eta = c === 0 ? -g / slope : a >= 0 ? (a + root) / (2 * c) : (2 * b) / (a - root);
    } else {
      const root = Math.sqrt(Math.abs(a * a - 4 * b * c));
      eta = c === 0 ? b / a : a <= 0 ? (a - root) / (2 * c) : (2 * b) / (a + root);
    }
    // A model step must move against the sign of g; otherwise Newton's step does.
    if (!(g * eta < 0)) eta = -g / slope;
    let next = tau + eta;
    if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;
    // The bracket has shrunk to adjacent doubles: τ is as accurate as it can be.
    if (next === tau || next <= lo || next >= hi) return base + tau;
    tau = next;
  }
  throw new ConvergenceError(
    `root ${j} of a secular equation of order ${k} was not found in ${MAX_ITERATIONS} iterations`,
    `Symmetric eigen-decomposition failed: root ${j} of a secular equation of order ${k} did not converge.`,
  );
}
