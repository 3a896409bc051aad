// Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by divide and conquer
// (Cuppen's method, as LAPACK's dstedc and dlaed0–dlaed9 compute it):
//   split   T = diag(T₁, T₂) + ρ v vᵀ by tearing out the coupling β (ρ = |β|, v = e_a ± e_b),
//   recurse down to blocks of LEAF_SIZE, which the QL kernel solves,
//   merge   T = Q (D + ρ z zᵀ) Qᵀ with Q = diag(Q₁, Q₂): deflate the entries of z that are
//           negligible and the pairs of poles too close to separate (a Givens rotation moves the
//           weight of one onto the other), find the roots of the secular equation of what is
//           left, build its eigenvectors from the Löwner weights ẑ (Gu–Eisenstat: orthogonal
//           however close the roots), and multiply them into Q through the GEMM kernel.
// Eigenvectors are the rows of row-major blocks here: the vectors of block (lo, n) are the n
// rows of an n×n block that starts at row lo of an N×N region, so each merge's gathers and
// copies move contiguous rows, and the leaves are the QL kernel's own layout.
// The O(n³) work is the GEMMs and the leaves' rotations, and the O(k²) secular roots of each
// merge, all in the kernels; the rest of each merge (gathers, deflation, Löwner vectors, O(n²))
// runs here, the same for every backend.
import { ConvergenceError } from "../base/errors.js";
import { EIGEN_CONVERGED, QL_SWEEPS_PER_VALUE } from "../engine/eigen-kernels.js";
import type { Runtime } from "../engine/runtime.js";

/** Unit roundoff, 2⁻⁵³. */
const EPS = 2 ** -53;

/**
 * Blocks of at most this size go to the QL kernel (LAPACK's default is 25). bench/eigen-tuning.ts
 * on wasm-simd (2-core AMD EPYC, Node 20) timed leaves of 16, 32 and 64: at d = 512 and 1024 they
 * were within 6% of each other, at d = 256 64 was 4% and 16 9% off 32's time; 32 stays.
 */
export const LEAF_SIZE = 32;

/** Which half of a merge a row of the merged basis has entries in. */
const TOP = 1;
const BOTTOM = 2;

/** The f64 regions a divide and conquer of dimension N with leaves of at most leafSize needs in backend memory. */
export function divideConquerLengths(n: number, leafSize = LEAF_SIZE): number[] {
  const half = n * Math.ceil(n / 2);
  const leaf = Math.min(n, leafSize);
  return [n * n, n * n, n * n, n * n, n * n, Math.max(half, 1), 4 * leaf + 2, 3 * n];
}

/** Backend memory for one divide and conquer (byte offsets from divideConquerLengths order). */
interface Workspace {
  rt: Runtime;
  mem: Float64Array;
  /** The full dimension N: block (lo, n) starts at row lo of N-wide regions. */
  size: number;
  /** Blocks of at most this size go to the QL kernel. */
  leafSize: number;
  /** Diagonal, torn at every split, and the off-diagonal (host copies, scaled). */
  diag: Float64Array;
  offdiag: Float64Array;
  /** Eigenvalues of every solved block, ascending within the block. */
  values: Float64Array;
  /** N×N: each solved block's eigenvectors as rows. */
  blocks: number;
  /** N×N: the merged basis diag(Q₁, Q₂) of one merge, rows in the order of its sorted poles. */
  merged: number;
  /** N×N: the differences dᵢ − λⱼ, then the secular eigenvectors' top entries. */
  delta: number;
  /** N×N: the secular eigenvectors' bottom entries. */
  lower: number;
  /** N×N: the GEMM products, top rows then bottom rows of every new vector. */
  product: number;
  /** N·⌈N/2⌉: the rows of the merged basis that enter one GEMM. */
  panel: number;
  /** The leaf kernel's diagonal, off-diagonal and rotations. */
  leaf: number;
  /** 3·N: the secular kernel's poles, weights and roots. */
  secular: number;
  /** Scratch of the GEMM kernel. */
  gemmScratch: number;
}

function notConverged(block: number, status: number, size: number, leafSize: number): ConvergenceError {
  return new ConvergenceError(
    `the QL iteration for eigenvalue ${block + status - 1} of ${size} ran out of sweeps`,
    `Symmetric eigen-decomposition failed: the QL iteration for eigenvalue ${block + status - 1} of ${size} ` +
      `did not converge within ${QL_SWEEPS_PER_VALUE * leafSize} sweeps.`,
  );
}

function secularNotConverged(j: number, k: number): ConvergenceError {
  return new ConvergenceError(
    `root ${j} of a secular equation of order ${k} was not found`,
    `Symmetric eigen-decomposition failed: root ${j} of a secular equation of order ${k} did not converge.`,
  );
}

/** Block (lo, n) by the QL kernel, starting from the identity basis. */
function solveLeaf(w: Workspace, lo: number, n: number): void {
  const { mem, rt } = w;
  const d = w.leaf / 8;
  const e = d + n;
  const block = w.blocks / 8 + lo * w.size;
  mem.set(w.diag.subarray(lo, lo + n), d);
  mem.set(w.offdiag.subarray(lo, lo + n - 1), e);
  mem.fill(0, block, block + n * n);
  for (let i = 0; i < n; i++) mem[block + i * n + i] = 1;
  const status = rt.kernels.tridiagonalEigenvectors(w.leaf, w.leaf + 8 * n, n, 8 * block, w.leaf + 16 * n);
  if (status !== EIGEN_CONVERGED) throw notConverged(lo, status, w.size, w.leafSize);
  w.values.set(mem.subarray(d, d + n), lo);
}

/** Solves block (lo, n): its eigenvalues into values[lo..lo+n) ascending, its vectors into the rows of its block. */
function solve(w: Workspace, lo: number, n: number): void {
  if (n <= w.leafSize) {
    solveLeaf(w, lo, n);
    return;
  }
  const n1 = n >> 1;
  // Tearing: T = diag(T₁ − |β| e eᵀ, T₂ − |β| e eᵀ) + |β| (e_a + sign(β) e_b)(…)ᵀ.
  const beta = w.offdiag[lo + n1 - 1] as number;
  w.diag[lo + n1 - 1] = (w.diag[lo + n1 - 1] as number) - Math.abs(beta);
  w.diag[lo + n1] = (w.diag[lo + n1] as number) - Math.abs(beta);
  solve(w, lo, n1);
  solve(w, lo + n1, n - n1);
  merge(w, lo, n, n1, beta);
}

/** Ascending order of the two sorted halves values[lo..lo+n1) and values[lo+n1..lo+n). */
function mergeOrder(values: Float64Array, lo: number, n: number, n1: number): Int32Array {
  const order = new Int32Array(n);
  let a = 0;
  let b = n1;
  for (let p = 0; p < n; p++) {
    if (b >= n || (a < n1 && (values[lo + a] as number) <= (values[lo + b] as number))) order[p] = a++;
    else order[p] = b++;
  }
  return order;
}

/** (x, y) ← (c·x + s·y, c·y − s·x) on rows x and y (n long) of mem. */
function rotateRows(mem: Float64Array, x: number, y: number, n: number, c: number, s: number): void {
  for (let i = 0; i < n; i++) {
    const a = mem[x + i] as number;
    const b = mem[y + i] as number;
    mem[x + i] = c * a + s * b;
    mem[y + i] = c * b - s * a;
  }
}

/** Merges the solved blocks (lo, n1) and (lo + n1, n − n1) coupled by β into block (lo, n). */
function merge(w: Workspace, lo: number, n: number, n1: number, beta: number): void {
  const { mem, values } = w;
  const n2 = n - n1;
  const first = w.blocks / 8 + lo * w.size;
  const second = w.blocks / 8 + (lo + n1) * w.size;
  const merged = w.merged / 8;
  const sign = beta < 0 ? -1 : 1;
  // z = Qᵀ v / √2 and ρ = 2|β|, so that ‖z‖ = 1.
  const rho = 2 * Math.abs(beta);
  const order = mergeOrder(values, lo, n, n1);
  const poles = new Float64Array(n);
  const z = new Float64Array(n);
  const support = new Uint8Array(n);
  let poleMax = 0;
  let zMax = 0;
  for (let p = 0; p < n; p++) {
    const q = order[p] as number;
    const row = merged + p * n;
    mem.fill(0, row, row + n);
    if (q < n1) {
      const src = first + q * n1;
      mem.copyWithin(row, src, src + n1);
      z[p] = (mem[src + n1 - 1] as number) * Math.SQRT1_2;
      support[p] = TOP;
    } else {
      const src = second + (q - n1) * n2;
      mem.copyWithin(row + n1, src, src + n2);
      z[p] = sign * (mem[src] as number) * Math.SQRT1_2;
      support[p] = BOTTOM;
    }
    poles[p] = values[lo + q] as number;
    poleMax = Math.max(poleMax, Math.abs(poles[p] as number));
    zMax = Math.max(zMax, Math.abs(z[p] as number));
  }
  const tol = 8 * EPS * Math.max(poleMax, zMax);
  // Deflation: a negligible weight leaves its pole an eigenvalue with its vector as it is; two
  // poles closer than the tolerance allows are rotated so that one carries both weights.
  const kept: number[] = [];
  const deflated: number[] = [];
  let pending = -1;
  for (let p = 0; p < n; p++) {
    if (rho * Math.abs(z[p] as number) <= tol) {
      deflated.push(p);
      continue;
    }
    if (pending < 0) {
      pending = p;
      continue;
    }
    const zp = z[p] as number;
    const zq = z[pending] as number;
    const r = Math.hypot(zp, zq);
    const c = zp / r;
    const s = -zq / r;
    const gap = (poles[p] as number) - (poles[pending] as number);
    if (Math.abs(gap * c * s) <= tol) {
      z[p] = r;
      z[pending] = 0;
      rotateRows(mem, merged + pending * n, merged + p * n, n, c, s);
      const both = (support[p] as number) | (support[pending] as number);
      support[p] = both;
      support[pending] = both;
      const a = poles[pending] as number;
      const b = poles[p] as number;
      poles[pending] = a * c * c + b * s * s;
      poles[p] = a * s * s + b * c * c;
      deflated.push(pending);
    } else {
      kept.push(pending);
    }
    pending = p;
  }
  if (pending >= 0) kept.push(pending);
  const k = kept.length;
  const roots = secularVectors(w, kept, poles, z, rho, support, n1, n2);
  // The new block: roots and deflated poles in ascending order, each with its vector.
  deflated.sort((a, b) => (poles[a] as number) - (poles[b] as number));
  const top = w.product / 8;
  const bottom = top + k * n1;
  let j = 0;
  let f = 0;
  for (let r = 0; r < n; r++) {
    const dst = first + r * n;
    if (f >= deflated.length || (j < k && (roots[j] as number) <= (poles[deflated[f] as number] as number))) {
      mem.copyWithin(dst, top + j * n1, top + (j + 1) * n1);
      mem.copyWithin(dst + n1, bottom + j * n2, bottom + (j + 1) * n2);
      values[lo + r] = roots[j] as number;
      j++;
    } else {
      const p = deflated[f] as number;
      mem.copyWithin(dst, merged + p * n, merged + (p + 1) * n);
      values[lo + r] = poles[p] as number;
      f++;
    }
  }
}

/**
 * The roots of the secular equation over the kept poles, and the top and bottom parts of their
 * eigenvectors in the original basis (k×n1 and k×n2 at product) from the Löwner weights and two GEMMs.
 */
function secularVectors(
  w: Workspace,
  kept: number[],
  poles: Float64Array,
  z: Float64Array,
  rho: number,
  support: Uint8Array,
  n1: number,
  n2: number,
): Float64Array {
  const { mem, rt } = w;
  const k = kept.length;
  const n = n1 + n2;
  const roots = new Float64Array(k);
  if (k === 0) return roots;
  const d = Float64Array.from(kept, (p) => poles[p] as number);
  const zk = Float64Array.from(kept, (p) => z[p] as number);
  const delta = w.delta / 8;
  // The roots and the k×k differences by the kernel: O(k) work per iterate of each of k roots.
  const dPtr = w.secular;
  const zPtr = dPtr + 8 * k;
  const rootsPtr = zPtr + 8 * k;
  mem.set(d, dPtr / 8);
  mem.set(zk, zPtr / 8);
  const status = rt.kernels.secularRoots(dPtr, zPtr, k, rho, w.delta, rootsPtr);
  if (status !== EIGEN_CONVERGED) throw secularNotConverged(status - 1, k);
  roots.set(mem.subarray(rootsPtr / 8, rootsPtr / 8 + k));
  // Löwner: ẑᵢ² = −(dᵢ − λᵢ) Πⱼ≠ᵢ (dᵢ − λⱼ)/(dᵢ − dⱼ) makes the dᵢ, λⱼ exact for the weights ẑ.
  const weights = new Float64Array(k);
  for (let i = 0; i < k; i++) weights[i] = mem[delta + i * k + i] as number;
  for (let j = 0; j < k; j++) {
    const row = delta + j * k;
    const dj = d[j] as number;
    for (let i = 0; i < k; i++) {
      if (i !== j) weights[i] = (weights[i] as number) * ((mem[row + i] as number) / ((d[i] as number) - dj));
    }
  }
  for (let i = 0; i < k; i++) {
    const magnitude = Math.sqrt(-(weights[i] as number));
    weights[i] = (zk[i] as number) < 0 ? -magnitude : magnitude;
  }
  const topRows: number[] = [];
  const bottomRows: number[] = [];
  for (let i = 0; i < k; i++) {
    const s = support[kept[i] as number] as number;
    if (s & TOP) topRows.push(i);
    if (s & BOTTOM) bottomRows.push(i);
  }
  const kt = topRows.length;
  const kb = bottomRows.length;
  // Row j of the secular eigenvectors, uᵢ = ẑᵢ/(dᵢ − λⱼ) normalised, split by support: the top
  // entries overwrite the differences in place (row j reaches no further than row j it reads).
  const u = new Float64Array(k);
  const lower = w.lower / 8;
  for (let j = 0; j < k; j++) {
    const row = delta + j * k;
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const v = (weights[i] as number) / (mem[row + i] as number);
      u[i] = v;
      sum += v * v;
    }
    const scale = 1 / Math.sqrt(sum);
    for (let t = 0; t < kt; t++) mem[delta + j * kt + t] = (u[topRows[t] as number] as number) * scale;
    for (let t = 0; t < kb; t++) mem[lower + j * kb + t] = (u[bottomRows[t] as number] as number) * scale;
  }
  const merged = w.merged / 8;
  const panel = w.panel / 8;
  const top = w.product;
  const bottom = w.product + 8 * k * n1;
  if (kt > 0) {
    for (let t = 0; t < kt; t++) {
      const src = merged + (kept[topRows[t] as number] as number) * n;
      mem.copyWithin(panel + t * n1, src, src + n1);
    }
    rt.kernels.gemm(top, w.delta, w.panel, k, kt, n1, 0, w.gemmScratch);
  } else {
    mem.fill(0, top / 8, top / 8 + k * n1);
  }
  if (kb > 0) {
    for (let t = 0; t < kb; t++) {
      const src = merged + (kept[bottomRows[t] as number] as number) * n + n1;
      mem.copyWithin(panel + t * n2, src, src + n2);
    }
    rt.kernels.gemm(bottom, w.lower, w.panel, k, kb, n2, 0, w.gemmScratch);
  } else {
    mem.fill(0, bottom / 8, bottom / 8 + k * n2);
  }
  return roots;
}

/**
 * Eigen-decomposition of the n×n symmetric tridiagonal matrix with diagonal `diag` and
 * off-diagonal `offdiag` (host arrays, left unchanged). Returns the eigenvalues ascending;
 * the eigenvectors are written as the rows of the row-major n×n block at byte offset `vectors`
 * (one of the regions: the first of divideConquerLengths(n), given as `regions[0]`).
 * regions: byte offsets of regions of the lengths divideConquerLengths(n, leafSize), in that order.
 * leafSize: the largest block the QL kernel solves (LEAF_SIZE unless a benchmark tunes it).
 */
export function tridiagonalDivideConquer(
  rt: Runtime,
  diag: Float64Array,
  offdiag: Float64Array,
  n: number,
  regions: readonly number[],
  leafSize = LEAF_SIZE,
): Float64Array {
  const [blocks, merged, delta, lower, product, panel, leaf, secular] = regions as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Everything runs near unit scale, as in dstedc, so the tolerances are absolute; a power of
  // two keeps the scaling exact (a diagonal matrix gets its own entries back).
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(diag[i] as number));
  for (let i = 0; i < n - 1; i++) largest = Math.max(largest, Math.abs(offdiag[i] as number));
  const scale = largest > 0 ? 2 ** Math.round(Math.log2(largest)) : 0;
  const unit = scale > 0 ? 1 / scale : 1;
  const gemmBytes = rt.kernels.gemmScratchBytes(n, n, n);
  const gemmScratch = rt.alloc(Math.max(1, Math.ceil(gemmBytes / 8)));
  try {
    const w: Workspace = {
      rt,
      mem: rt.f64(),
      size: n,
      leafSize,
      diag: diag.map((x) => x * unit),
      offdiag: offdiag.map((x) => x * unit),
      values: new Float64Array(n),
      blocks,
      merged,
      delta,
      lower,
      product,
      panel,
      leaf,
      secular,
      gemmScratch,
    };
    solve(w, 0, n);
    return scale > 0 ? w.values.map((x) => x * scale) : w.values;
  } finally {
    rt.free(gemmScratch);
  }
}
