// Symmetric eigen-decomposition: eigenvalues against the exact-arithmetic fixtures,
// and on random and structured matrices the identities that define the result
// (A = V diag(λ) Vᵀ, VᵀV = I, values ascending and equal between both entry points).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { packedIndex, packedLength } from "../src/base/packed-layout.js";
import { EIGEN_CONVERGED } from "../src/engine/eigen-kernels.js";
import { defaultRuntime as runtime } from "../src/engine/init.js";
import { ConvergenceError, init } from "../src/index.js";
import { symmetricEigen, symmetricEigenvalues } from "../src/linalg/eigen.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { guarded } from "./helpers/guarded.js";
import { normal, sample } from "./helpers/random.js";

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const load = (name: string): any => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"));

const FIXTURES = ["linalg_N1000_d7", "linalg_weighted_N500_d12", "linalg_N257_d33", "linalg_N64_d130"];
/** Rank-deficient: its 66 near-zero eigenvalues are only defined to ε·‖F‖. */
const ABSOLUTE = "linalg_N64_d130";
const RANDOM_DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 64, 129];
/** Only the wasm backends run this one: the plain-TypeScript reference takes seconds. */
const LARGE_DIM = 257;
const TOLERANCE = 1e-12;

/** Packed 'U' matrix with standard normal entries. */
const randomSymmetric = (dim: number, seed: number): Float64Array => sample(packedLength(dim), normal(seed));

function packDiagonal(diagonal: number[]): Float64Array {
  const dim = diagonal.length;
  const packed = new Float64Array(packedLength(dim));
  diagonal.forEach((x, i) => {
    packed[packedIndex(i, i)] = x;
  });
  return packed;
}

const maxAbs = (x: ArrayLike<number>): number => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Packed 'U' V diag(λ) Vᵀ for row-major V with vectors in columns. */
function reconstruct(values: Float64Array, vectors: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(packedLength(dim));
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i <= j; i++) {
      let sum = 0;
      for (let k = 0; k < dim; k++) {
        sum += (vectors[i * dim + k] as number) * (values[k] as number) * (vectors[j * dim + k] as number);
      }
      out[packedIndex(i, j)] = sum;
    }
  }
  return out;
}

/** Packed 'U' VᵀV. */
function gram(vectors: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(packedLength(dim));
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i <= j; i++) {
      let sum = 0;
      for (let r = 0; r < dim; r++) sum += (vectors[r * dim + i] as number) * (vectors[r * dim + j] as number);
      out[packedIndex(i, j)] = sum;
    }
  }
  return out;
}

function expectAscending(values: Float64Array, label: string): void {
  for (let k = 1; k < values.length; k++) {
    if (!((values[k - 1] as number) <= (values[k] as number))) expect.fail(`${label}: values not ascending at ${k}`);
  }
}

/** Every defining identity of eigh, and agreement with the values-only path. */
function checkDecomposition(packed: Float64Array, dim: number, label: string): Float64Array {
  const { values, vectors } = symmetricEigen(runtime(), packed, dim);
  expect(values.length, `${label}: values`).toBe(dim);
  expect(vectors.length, `${label}: vectors`).toBe(dim * dim);
  expectAscending(values, label);
  const scale = maxAbs(packed) || 1;
  expectClose(reconstruct(values, vectors, dim), packed, TOLERANCE, `${label}: V diag(λ) Vᵀ`, scale);
  expectClose(gram(vectors, dim), packDiagonal(new Array(dim).fill(1)), TOLERANCE, `${label}: VᵀV`, 1);
  const alone = symmetricEigenvalues(runtime(), packed, dim);
  expectClose(alone, values, TOLERANCE, `${label}: values-only vs eigh`, maxAbs(values) || 1);
  return values;
}

describe.each(BACKENDS)("symmetric eigen on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  describe.each(FIXTURES)("%s", (file) => {
    const fx = load(file);
    it.each(["sum", "mean"])("eigenvalues of the %s Fisher against eigvalsh", (block) => {
      const packed = Float64Array.from(fx[block].F_packed_U);
      const expected = Float64Array.from(fx[block].eigvalsh);
      const scale = file === ABSOLUTE ? maxAbs(expected) : undefined;
      expectClose(symmetricEigenvalues(runtime(), packed, fx.d), expected, TOLERANCE, `${file} ${block}`, scale);
      const values = checkDecomposition(packed, fx.d, `${file} ${block}`);
      expectClose(values, expected, TOLERANCE, `${file} ${block} eigh`, scale);
    });
  });

  const dims = name === "js" ? RANDOM_DIMS : [...RANDOM_DIMS, LARGE_DIM];
  it.each(dims)("random symmetric d=%i: reconstruction, orthonormality, values-only agreement", (dim) => {
    for (const seed of [1, 2]) {
      checkDecomposition(randomSymmetric(dim, 1000 * dim + seed), dim, `d=${dim} seed=${seed}`);
    }
  });

  it("repeated eigenvalues: identity, diagonal with duplicates, rank one", () => {
    const identity = checkDecomposition(packDiagonal(new Array(6).fill(1)), 6, "identity");
    expect(Array.from(identity)).toEqual(new Array(6).fill(1));

    const duplicates = checkDecomposition(packDiagonal([3, 1, 3, 2, 1, 3, 2]), 7, "duplicates");
    expect(Array.from(duplicates)).toEqual([1, 1, 2, 2, 3, 3, 3]);

    const dim = 9;
    const x = sample(dim, normal(77));
    const rankOne = new Float64Array(packedLength(dim));
    for (let j = 0; j < dim; j++) {
      for (let i = 0; i <= j; i++) rankOne[packedIndex(i, j)] = (x[i] as number) * (x[j] as number);
    }
    const norm2 = x.reduce((s, v) => s + v * v, 0);
    const values = checkDecomposition(rankOne, dim, "rank one");
    const expected = new Float64Array(dim);
    expected[dim - 1] = norm2;
    expectClose(values, expected, TOLERANCE, "rank-one values", norm2);
    // The one non-zero eigenvalue belongs to ±x/‖x‖.
    const { vectors } = symmetricEigen(runtime(), rankOne, dim);
    const top = Array.from({ length: dim }, (_, i) => vectors[i * dim + dim - 1] as number);
    const sign = Math.sign(top[0] as number) * Math.sign(x[0] as number);
    expectClose(
      top.map((v) => v * sign),
      Array.from(x, (v) => v / Math.sqrt(norm2)),
      TOLERANCE,
      "rank-one vector",
    );
  });

  it("already tridiagonal: a diagonal matrix and the 1-D Laplacian", () => {
    const diagonal = [5, -2, 0, 7, 1, -2.5];
    const values = checkDecomposition(packDiagonal(diagonal), diagonal.length, "diagonal");
    expect(Array.from(values)).toEqual([...diagonal].sort((a, b) => a - b));
    const { vectors } = symmetricEigen(runtime(), packDiagonal(diagonal), diagonal.length);
    // Each vector is a signed unit vector: the diagonal needs no rotation.
    for (const v of vectors) expect([0, 1]).toContain(Math.abs(v));

    // tridiag(−1, 2, −1) has eigenvalues 2 − 2 cos(kπ/(n+1)).
    const dim = 40;
    const laplacian = new Float64Array(packedLength(dim));
    for (let j = 0; j < dim; j++) {
      laplacian[packedIndex(j, j)] = 2;
      if (j > 0) laplacian[packedIndex(j - 1, j)] = -1;
    }
    const exact = Float64Array.from({ length: dim }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (dim + 1)));
    expectClose(checkDecomposition(laplacian, dim, "laplacian"), exact, TOLERANCE, "laplacian values", 4);
  });

  it("zero, empty and extreme scales", () => {
    expect(symmetricEigenvalues(runtime(), new Float64Array(0), 0).length).toBe(0);
    expect(symmetricEigen(runtime(), new Float64Array(0), 0).vectors.length).toBe(0);
    expect(Array.from(checkDecomposition(new Float64Array(packedLength(4)), 4, "zero"))).toEqual([0, 0, 0, 0]);
    const dim = 12;
    const base = randomSymmetric(dim, 5);
    // 2^-1030 leaves the entries subnormal; the reference is the same numbers scaled back up exactly.
    const times2 = (v: number, e: number): number => v * 2 ** Math.trunc(e / 2) * 2 ** (e - Math.trunc(e / 2));
    for (const exponent of [-1030, -600, 600]) {
      const scaledInput = base.map((v) => times2(v, exponent));
      const expected = symmetricEigenvalues(
        runtime(),
        scaledInput.map((v) => times2(v, -exponent)),
        dim,
      ).map((v) => times2(v, exponent));
      const values = checkDecomposition(scaledInput, dim, `2^${exponent}`);
      expectClose(values, expected, TOLERANCE, `2^${exponent} values`);
    }
  });

  it.each([1, 2, 3, 5, 8, 9])("kernels d=%i write only their outputs", (dim) => {
    const rt = runtime();
    const k = rt.kernels;
    const ap = guarded(packedLength(dim));
    const diag = guarded(dim);
    const offdiag = guarded(dim - 1);
    const tau = guarded(dim - 1);
    const work = guarded(2 * dim + 2);
    const z = guarded(dim * dim);
    try {
      rt.write(ap.ptr, randomSymmetric(dim, dim));
      k.tridiagonalize(ap.ptr, dim, diag.ptr, offdiag.ptr, tau.ptr, work.ptr);
      k.tridiagonalBasis(ap.ptr, dim, tau.ptr, z.ptr);
      expect(k.tridiagonalEigenvectors(diag.ptr, offdiag.ptr, dim, z.ptr, work.ptr)).toBe(EIGEN_CONVERGED);
      expect(k.tridiagonalEigenvalues(diag.ptr, offdiag.ptr, dim)).toBe(EIGEN_CONVERGED);
      for (const [label, g] of Object.entries({ ap, diag, offdiag, tau, work, z })) {
        expect(g.guardsIntact(), `guards of ${label}`).toBe(true);
      }
    } finally {
      for (const g of [ap, diag, offdiag, tau, work, z]) g.release();
    }
  });

  it("kernels report a QL iteration that cannot converge", () => {
    const rt = runtime();
    const n = 3;
    const diag = rt.alloc(n);
    const offdiag = rt.alloc(n);
    try {
      rt.write(diag, Float64Array.from([Number.NaN, 1, 2]));
      rt.write(offdiag, Float64Array.from([1, 1]));
      expect(rt.kernels.tridiagonalEigenvalues(diag, offdiag, n)).toBe(1);
      rt.write(diag, Float64Array.from([1, 2, 3]));
      rt.write(offdiag, Float64Array.from([1, 1]));
      expect(rt.kernels.tridiagonalEigenvalues(diag, offdiag, n)).toBe(EIGEN_CONVERGED);
    } finally {
      rt.free(diag);
      rt.free(offdiag);
    }
    expect(() => symmetricEigenvalues(runtime(), Float64Array.from([Number.NaN, 1, 1]), 2)).toThrow(
      /eigenvalue 0 of 2/,
    );
    expect(() => symmetricEigen(runtime(), Float64Array.from([Number.NaN, 1, 1]), 2)).toThrow(/eigenvalue 0 of 2/);
    expect(() => symmetricEigen(runtime(), Float64Array.from([Number.NaN, 1, 1]), 2)).toThrow(ConvergenceError);
  });
});
