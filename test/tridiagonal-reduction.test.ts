// The Householder reduction in panels (tridiagonalizeDense: a full column-major copy, panels of
// columns with their updates held back, then a rank-2k update of the rest) against the packed
// reduction one column at a time (tridiagonalize), which computes the same reflectors in exact
// arithmetic: T, τ and every reflector must agree to a few d·ε·‖A‖ at dimensions on both sides
// of every SIMD tail, register tile and panel edge, on every backend; eigh built on it must
// match the previous eigh (explicit basis rotated by QL) and reconstruct A to 10·d·ε.
import { beforeAll, describe, expect, it } from "vitest";
import { packedIndex, packedLength } from "../src/base/packed-layout.js";
import { defaultRuntime as runtime } from "../src/engine/init.js";
import { init } from "../src/index.js";
import { symmetricEigen, symmetricEigenByQL } from "../src/linalg/eigen.js";
import { BACKENDS } from "./helpers/backends.js";
import { guarded } from "./helpers/guarded.js";
import { normal, sample } from "./helpers/random.js";

const EPS = 2 ** -53;
/** Panels are 32 columns: 31, 32, 33, 63, 64, 65 sit on their edges, 1..9, 15..17 on the tiles' and lanes'. */
const DIMS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 129, 257];
/** The plain-TypeScript backend reduces one column at a time: it is checked at the smaller sizes. */
const JS_MAX_DIM = 65;

interface Reduction {
  diag: Float64Array;
  offdiag: Float64Array;
  tau: Float64Array;
  /** Reflector i (u with u[i] = 1), rows 0..i, one after the other. */
  reflectors: Float64Array;
}

/** Both reductions of the packed 'U' matrix on the current backend. */
function reduceBoth(packed: Float64Array, d: number): { panels: Reduction; columns: Reduction } {
  const rt = runtime();
  const k = rt.kernels;
  const reflectorsOf = (start: (j: number) => number, a: number): Float64Array => {
    const mem = rt.f64();
    const out = new Float64Array(packedLength(d - 1));
    for (let i = 0; i + 1 < d; i++) {
      const s = a / 8 + start(i + 1);
      out.set(mem.subarray(s, s + i + 1), packedIndex(0, i));
    }
    return out;
  };
  const work = Math.ceil(Math.max(k.tridiagonalizeDenseWorkBytes(d), (2 * d + 2) * 8) / 8);
  return rt.scoped([d * d, packedLength(d), d, d, d, work], (a, ap, diag, offdiag, tau, w) => {
    const read = (): Omit<Reduction, "reflectors"> => ({
      diag: rt.read(diag as number, d),
      offdiag: rt.read(offdiag as number, Math.max(d - 1, 0)),
      tau: rt.read(tau as number, Math.max(d - 1, 0)),
    });
    const mem = rt.f64();
    for (let j = 0; j < d; j++)
      mem.set(packed.subarray(packedIndex(0, j), packedIndex(0, j) + j + 1), (a as number) / 8 + j * d);
    k.tridiagonalizeDense(a as number, d, diag as number, offdiag as number, tau as number, w as number);
    const panels = { ...read(), reflectors: reflectorsOf((j) => j * d, a as number) };
    rt.write(ap as number, packed);
    k.tridiagonalize(ap as number, d, diag as number, offdiag as number, tau as number, w as number);
    const columns = { ...read(), reflectors: reflectorsOf((j) => packedIndex(0, j), ap as number) };
    return { panels, columns };
  });
}

const maxAbs = (x: ArrayLike<number>): number => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function expectWithin(actual: Float64Array, expected: Float64Array, bound: number, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  if (!(worst <= bound)) expect.fail(`${label}: differs by ${worst}, bound ${bound}`);
}

/**
 * max |Q T Qᵀ − A| for a reduction of A (dense row-major): Q = H(d−2) ⋯ H(0) from its reflectors,
 * applied to T from the innermost out, M ← H(i) M H(i) for i = 0, 1, ….
 */
function backwardError(r: Reduction, a: Float64Array, d: number): number {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    m[i * d + i] = r.diag[i] as number;
    if (i + 1 < d) {
      m[i * d + i + 1] = r.offdiag[i] as number;
      m[(i + 1) * d + i] = r.offdiag[i] as number;
    }
  }
  const side = new Float64Array(d);
  for (let i = 0; i + 1 < d; i++) {
    const t = r.tau[i] as number;
    if (t === 0) continue;
    const u = r.reflectors.subarray(packedIndex(0, i), packedIndex(0, i) + i + 1);
    // M −= τ u (uᵀ M), then M −= τ (M u) uᵀ; u is zero past row i.
    side.fill(0);
    for (let k = 0; k <= i; k++)
      for (let c = 0; c < d; c++) side[c] = (side[c] as number) + (u[k] as number) * (m[k * d + c] as number);
    for (let k = 0; k <= i; k++)
      for (let c = 0; c < d; c++) m[k * d + c] = (m[k * d + c] as number) - t * (u[k] as number) * (side[c] as number);
    for (let row = 0; row < d; row++) {
      let s = 0;
      for (let k = 0; k <= i; k++) s += (m[row * d + k] as number) * (u[k] as number);
      for (let k = 0; k <= i; k++) m[row * d + k] = (m[row * d + k] as number) - t * s * (u[k] as number);
    }
  }
  let worst = 0;
  for (let k = 0; k < d * d; k++) worst = Math.max(worst, Math.abs((m[k] as number) - (a[k] as number)));
  return worst;
}

/** Dense row-major copy of a packed 'U' matrix. */
function dense(packed: Float64Array, d: number): Float64Array {
  const a = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i <= j; i++) {
      a[i * d + j] = packed[packedIndex(i, j)] as number;
      a[j * d + i] = packed[packedIndex(i, j)] as number;
    }
  }
  return a;
}

/**
 * Both reductions are backward stable, Q T Qᵀ = A to c·d·ε·‖A‖, and give the same T: the
 * diagonal and off-diagonal agree to the same order (the reflectors themselves may differ more
 * where a column is nearly reduced already, as both are then ill-conditioned).
 */
function expectSameReduction(packed: Float64Array, d: number, label: string): void {
  const { panels, columns } = reduceBoth(packed, d);
  const a = dense(packed, d);
  const norm = maxAbs(packed) * d || 1;
  const bound = 10 * Math.max(d, 4) * EPS * norm;
  for (const [name, r] of Object.entries({ panels, columns })) {
    const error = backwardError(r, a, d);
    if (!(error <= bound)) expect.fail(`${label}: ${name}: max |Q T Qᵀ − A| = ${error / (d * EPS * norm)}·dε‖A‖`);
  }
  expectWithin(panels.diag, columns.diag, bound, `${label}: diagonal`);
  expectWithin(panels.offdiag, columns.offdiag, bound, `${label}: off-diagonal`);
}

const randomSymmetric = (d: number, seed: number): Float64Array => sample(packedLength(d), normal(seed));

/** A packed matrix that is tridiagonal in its leading and trailing thirds: reflectors equal to I inside panels. */
function partlyTridiagonal(d: number, seed: number): Float64Array {
  const packed = randomSymmetric(d, seed);
  for (let j = 0; j < d; j++) {
    const banded = j < d / 3 || j >= (2 * d) / 3;
    if (banded) for (let i = 0; i + 1 < j; i++) packed[packedIndex(i, j)] = 0;
  }
  return packed;
}

describe.each(BACKENDS)("tridiagonal reduction in panels on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });
  const dims = name === "js" ? DIMS.filter((d) => d <= JS_MAX_DIM) : DIMS;

  it.each(dims)("d=%i: T, tau and the reflectors as the reduction one column at a time", (d) => {
    expectSameReduction(randomSymmetric(d, 31 * d + 1), d, `random d=${d}`);
    expectSameReduction(partlyTridiagonal(d, 31 * d + 2), d, `partly tridiagonal d=${d}`);
  });

  it.each(dims)("d=%i: eigh on it reconstructs A and matches the previous eigh", (d) => {
    const packed = randomSymmetric(d, 97 * d + 3);
    const { values, vectors } = symmetricEigen(runtime(), packed, d);
    const previous = symmetricEigenByQL(runtime(), packed, d).values;
    const norm = maxAbs(packed) * d || 1;
    const bound = 10 * d * EPS * norm;
    expectWithin(values, previous, bound, `d=${d}: values against QL`);
    let residual = 0;
    let orthogonality = 0;
    for (let i = 0; i < d; i++) {
      for (let c = 0; c < d; c++) {
        let av = 0;
        let vv = 0;
        for (let j = 0; j < d; j++) {
          const aij = packed[i <= j ? packedIndex(i, j) : packedIndex(j, i)] as number;
          av += aij * (vectors[j * d + c] as number);
          vv += (vectors[j * d + i] as number) * (vectors[j * d + c] as number);
        }
        residual = Math.max(residual, Math.abs(av - (vectors[i * d + c] as number) * (values[c] as number)));
        orthogonality = Math.max(orthogonality, Math.abs(vv - (i === c ? 1 : 0)));
      }
    }
    if (!(residual <= bound)) expect.fail(`d=${d}: max |AV − VΛ| = ${residual / (d * EPS * norm)}·dε‖A‖`);
    if (!(orthogonality <= 10 * d * EPS)) expect.fail(`d=${d}: max |VᵀV − I| = ${orthogonality / (d * EPS)}·dε`);
  });

  it.each([1, 2, 3, 5, 9, 33, 65])("d=%i: the kernel writes only its matrix, outputs and work", (d) => {
    const rt = runtime();
    const k = rt.kernels;
    const a = guarded(d * d);
    const diag = guarded(d);
    const offdiag = guarded(d - 1);
    const tau = guarded(d - 1);
    const work = guarded(Math.ceil(k.tridiagonalizeDenseWorkBytes(d) / 8));
    const regions = { a, diag, offdiag, tau, work };
    try {
      const packed = randomSymmetric(d, d);
      const mem = rt.f64();
      for (let j = 0; j < d; j++)
        mem.set(packed.subarray(packedIndex(0, j), packedIndex(0, j) + j + 1), a.ptr / 8 + j * d);
      k.tridiagonalizeDense(a.ptr, d, diag.ptr, offdiag.ptr, tau.ptr, work.ptr);
      for (const [label, g] of Object.entries(regions)) expect(g.guardsIntact(), `guards of ${label}`).toBe(true);
      expect(rt.read(diag.ptr, d).every(Number.isFinite)).toBe(true);
    } finally {
      for (const g of Object.values(regions)) g.release();
    }
  });
});
