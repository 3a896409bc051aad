// The eigenvalue kernels of the ABI in plain TypeScript, in the order of the
// mathematics: Householder reduction of packed 'U' storage to tridiagonal form
// (T = Qᵀ A Q, Q = H(d−2) ⋯ H(0)), the explicit basis Q, and the implicit QL
// iteration, root-free for values only and with rotations for vectors.
import { ConvergenceError } from "../../base/errors.js";
import { EIGEN_CONVERGED, type EigenKernels, QL_SWEEPS_PER_VALUE } from "../eigen-kernels.js";
import { secularRoot } from "../secular-equation.js";

/** Unit roundoff, 2⁻⁵³. */
const EPS = 2 ** -53;

const packedStart = (j: number): number => (j * (j + 1)) / 2;

/** √(a² + b²) without overflow or underflow of the squares. */
function hypot(a: number, b: number): number {
  const big = Math.max(Math.abs(a), Math.abs(b));
  const small = Math.min(Math.abs(a), Math.abs(b));
  if (small === 0) return big;
  const q = small / big;
  return big * Math.sqrt(1 + q * q);
}

/** |x| with the sign of y (positive for y = ±0). */
const withSign = (x: number, y: number): number => (y < 0 || Object.is(y, -0) ? -Math.abs(x) : Math.abs(x));

/** Off-diagonals below ε²·‖T‖ are zero whatever their neighbours. */
function negligibleFloor(m: Float64Array, d: number, e: number, n: number): number {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const off = i < n - 1 ? Math.abs(m[e + i] as number) : 0;
    norm = Math.max(norm, Math.abs(m[d + i] as number) + off);
  }
  return EPS * EPS * norm;
}

/** Index of the smallest of m[d + i..d + n). */
function argMin(m: Float64Array, d: number, i: number, n: number): number {
  let k = i;
  for (let j = i + 1; j < n; j++) if ((m[d + j] as number) < (m[d + k] as number)) k = j;
  return k;
}

/**
 * Householder reduction to tridiagonal form of the upper triangle whose column j starts at
 * element colStart(j) after ap (packed: j(j+1)/2, column-major: j·d), one column at a time.
 */
function reduceToTridiagonal(
  m: Float64Array,
  ap: number,
  d: number,
  colStart: (j: number) => number,
  diag: number,
  offdiag: number,
  tau: number,
  work: number,
): void {
  const a = ap / 8;
  const v = work / 8;
  const w = v + d + 1;
  const at = (i: number, j: number): number => a + i + colStart(j);
  for (let i = d - 2; i >= 0; i--) {
    // Reflect column i+1's rows 0..i onto (0, …, 0, beta).
    const col = a + colStart(i + 1);
    const alpha = m[col + i] as number;
    let tail = 0;
    for (let k = 0; k < i; k++) tail += (m[col + k] as number) ** 2;
    let beta = alpha;
    let t = 0;
    if (tail > 0) {
      beta = -withSign(Math.sqrt(alpha * alpha + tail), alpha);
      t = (beta - alpha) / beta;
      for (let k = 0; k < i; k++) m[col + k] = (m[col + k] as number) / (alpha - beta);
      m[col + i] = 1;
      for (let k = 0; k <= i; k++) m[v + k] = m[col + k] as number;
      // w = τ A u − ½ τ² (uᵀ A u) u, then A −= u wᵀ + w uᵀ on the leading block.
      for (let r = 0; r <= i; r++) {
        let sum = 0;
        for (let k = 0; k <= i; k++) {
          const ark = (r <= k ? m[at(r, k)] : m[at(k, r)]) as number;
          sum += ark * (m[v + k] as number);
        }
        m[w + r] = t * sum;
      }
      let uw = 0;
      for (let k = 0; k <= i; k++) uw += (m[v + k] as number) * (m[w + k] as number);
      for (let k = 0; k <= i; k++) m[w + k] = (m[w + k] as number) - 0.5 * t * uw * (m[v + k] as number);
      for (let j = 0; j <= i; j++) {
        for (let r = 0; r <= j; r++) {
          const update = (m[v + r] as number) * (m[w + j] as number) + (m[w + r] as number) * (m[v + j] as number);
          m[at(r, j)] = (m[at(r, j)] as number) - update;
        }
      }
    }
    m[offdiag / 8 + i] = beta;
    m[tau / 8 + i] = t;
    m[diag / 8 + i + 1] = m[col + i + 1] as number;
  }
  if (d > 0) m[diag / 8] = m[a] as number;
}

export function createJsEigenKernels(f64: () => Float64Array): EigenKernels {
  return {
    tridiagonalize(ap, d, diag, offdiag, tau, work) {
      reduceToTridiagonal(f64(), ap, d, packedStart, diag, offdiag, tau, work);
    },

    tridiagonalizeDense(a, d, diag, offdiag, tau, work) {
      reduceToTridiagonal(f64(), a, d, (j) => j * d, diag, offdiag, tau, work);
    },

    tridiagonalizeDenseWorkBytes(d) {
      return (2 * d + 2) * 8;
    },

    secularRoots(d, z, k, rho, delta, roots) {
      const m = f64();
      for (let j = 0; j < k; j++) {
        try {
          m[roots / 8 + j] = secularRoot(m, d / 8, m, z / 8, k, rho, j, m, delta / 8 + j * k);
        } catch (error) {
          if (error instanceof ConvergenceError) return 1 + j;
          throw error;
        }
      }
      return EIGEN_CONVERGED;
    },

    tridiagonalBasis(ap, d, tau, q) {
      const m = f64();
      const z = q / 8;
      m.fill(0, z, z + d * d);
      // Row c is Q e_c = H(d−2) ⋯ H(c) e_c: reflectors before c leave e_c alone.
      for (let c = 0; c < d; c++) {
        const row = z + c * d;
        m[row + c] = 1;
        for (let i = c; i <= d - 2; i++) {
          const t = m[tau / 8 + i] as number;
          if (t === 0) continue;
          const u = ap / 8 + packedStart(i + 1);
          let s = 0;
          for (let k = 0; k <= i; k++) s += (m[u + k] as number) * (m[row + k] as number);
          for (let k = 0; k <= i; k++) m[row + k] = (m[row + k] as number) - t * s * (m[u + k] as number);
        }
      }
    },

    tridiagonalEigenvalues(diag, offdiag, n) {
      if (n <= 1) return EIGEN_CONVERGED;
      const m = f64();
      const d = diag / 8;
      const e = offdiag / 8;
      const floor2 = negligibleFloor(m, d, e, n) ** 2;
      for (let i = 0; i < n - 1; i++) m[e + i] = (m[e + i] as number) ** 2;
      let budget = QL_SWEEPS_PER_VALUE * n;
      let l = 0;
      while (l < n) {
        let end = l;
        while (end < n - 1) {
          const e2 = m[e + end] as number;
          const tst = EPS * (Math.abs(m[d + end] as number) + Math.abs(m[d + end + 1] as number));
          if (e2 <= tst * tst || e2 <= floor2) break;
          end++;
        }
        if (end === l) {
          l++;
          continue;
        }
        if (end < n - 1) m[e + end] = 0;
        if (budget === 0) return l + 1;
        budget--;
        // Pal–Walker–Kahan sweep on the squared off-diagonal, shift from the leading 2×2.
        const p = m[d + l] as number;
        const rte = Math.sqrt(m[e + l] as number);
        let sigma = ((m[d + l + 1] as number) - p) / (2 * rte);
        sigma = p - rte / (sigma + withSign(hypot(sigma, 1), sigma));
        let c = 1;
        let s = 0;
        let gamma = (m[d + end] as number) - sigma;
        let q = gamma * gamma;
        for (let i = end - 1; i >= l; i--) {
          const bb = m[e + i] as number;
          const r = q + bb;
          if (i !== end - 1) m[e + i + 1] = s * r;
          const oldc = c;
          c = q / r;
          s = bb / r;
          const oldgam = gamma;
          const alpha = m[d + i] as number;
          gamma = c * (alpha - sigma) - s * oldgam;
          m[d + i + 1] = oldgam + (alpha - gamma);
          q = c !== 0 ? (gamma * gamma) / c : oldc * bb;
        }
        m[e + l] = s * q;
        m[d + l] = sigma + gamma;
      }
      for (let i = 0; i < n - 1; i++) {
        const k = argMin(m, d, i, n);
        [m[d + i], m[d + k]] = [m[d + k] as number, m[d + i] as number];
      }
      return EIGEN_CONVERGED;
    },

    tridiagonalEigenvectors(diag, offdiag, n, zp, work) {
      if (n <= 1) return EIGEN_CONVERGED;
      const m = f64();
      const d = diag / 8;
      const e = offdiag / 8;
      const z = zp / 8;
      const cos = work / 8;
      const sin = cos + n;
      const floor = negligibleFloor(m, d, e, n);
      let budget = QL_SWEEPS_PER_VALUE * n;
      let l = 0;
      while (l < n) {
        let end = l;
        while (end < n - 1) {
          const off = Math.abs(m[e + end] as number);
          const tst = EPS * (Math.abs(m[d + end] as number) + Math.abs(m[d + end + 1] as number));
          if (off <= tst || off <= floor) break;
          end++;
        }
        if (end === l) {
          l++;
          continue;
        }
        if (end < n - 1) m[e + end] = 0;
        if (budget === 0) return l + 1;
        budget--;
        // Implicit sweep: g = diag[end] − σ, σ the eigenvalue of the leading 2×2 nearer diag[l].
        const el = m[e + l] as number;
        const dl = m[d + l] as number;
        let g = ((m[d + l + 1] as number) - dl) / (2 * el);
        g = (m[d + end] as number) - dl + el / (g + withSign(hypot(g, 1), g));
        let c = 1;
        let s = 1;
        let p = 0;
        for (let i = end - 1; i >= l; i--) {
          const f = s * (m[e + i] as number);
          const b = c * (m[e + i] as number);
          // The rotation [c s; −s c] takes (g, f) to (r, 0).
          let r = g;
          if (f === 0) {
            c = 1;
            s = 0;
          } else {
            r = hypot(f, g);
            c = g / r;
            s = f / r;
          }
          if (i !== end - 1) m[e + i + 1] = r;
          g = (m[d + i + 1] as number) - p;
          r = ((m[d + i] as number) - g) * s + 2 * c * b;
          p = s * r;
          m[d + i + 1] = g + p;
          g = c * r - b;
          m[cos + i] = c;
          m[sin + i] = s;
        }
        m[d + l] = (m[d + l] as number) - p;
        m[e + l] = g;
        // The same rotations, in the same order, on rows i and i+1 of z.
        for (let i = end - 1; i >= l; i--) {
          const c = m[cos + i] as number;
          const s = m[sin + i] as number;
          const a = z + i * n;
          const b = a + n;
          for (let k = 0; k < n; k++) {
            const x = m[a + k] as number;
            const y = m[b + k] as number;
            m[a + k] = c * x - s * y;
            m[b + k] = s * x + c * y;
          }
        }
      }
      for (let i = 0; i < n - 1; i++) {
        const k = argMin(m, d, i, n);
        if (k === i) continue;
        [m[d + i], m[d + k]] = [m[d + k] as number, m[d + i] as number];
        for (let j = 0; j < n; j++)
          [m[z + i * n + j], m[z + k * n + j]] = [m[z + k * n + j] as number, m[z + i * n + j] as number];
      }
      return EIGEN_CONVERGED;
    },
  };
}
