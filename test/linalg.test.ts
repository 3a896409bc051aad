// Packed linear algebra: Cholesky, solves, inverse, log-determinant, the natural
// gradient and the algebra of SymmetricMatrix, against the exact-arithmetic
// fixtures and dense references, on every backend.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  init,
  klDivergence,
  NotPositiveDefiniteError,
  naturalGradient,
  packedLength,
  SymmetricMatrix,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample } from "./helpers/random.js";

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const load = (name: string): any => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"));
const LINALG = ["linalg_N1000_d7", "linalg_N257_d33", "linalg_N64_d130", "linalg_weighted_N500_d12"];

/** A well-conditioned SPD matrix B Bᵀ / d + I, packed, and its dense form. */
function randomSpd(d: number, seed: number): { packed: Float64Array; dense: Float64Array } {
  const b = sample(d * d, normal(seed));
  const dense = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (b[i * d + t] as number) * (b[j * d + t] as number);
      const v = s / d + (i === j ? 1 : 0);
      dense[i * d + j] = v;
      dense[j * d + i] = v;
    }
  }
  return { packed: SymmetricMatrix.fromDense(dense, d).packed, dense };
}

function denseMatvec(a: Float64Array, d: number, x: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) y[i] = (y[i] as number) + (a[i * d + j] as number) * (x[j] as number);
  return y;
}

const norm2 = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe.each(BACKENDS)("packed linear algebra on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  describe.each(LINALG)("%s", (file) => {
    const fx = load(file);
    describe.each(["sum", "mean"])("%s", (block) => {
      const ref = fx[block];
      const F = SymmetricMatrix.fromPacked(Float64Array.from(ref.F_packed_U), fx.d);
      const damping = fx.lambda as number;
      it("cholesky, solve and logDeterminant at 1e-10; trace at 1e-12", () => {
        expectClose(F.cholesky({ damping }).packed, ref.chol_U_packed, 1e-10, "chol_U_packed");
        expectClose(F.solve(Float64Array.from(fx.g), { damping }), ref.x, 1e-10, "x");
        expectClose([F.logDeterminant({ damping })], [ref.logdet], 1e-10, "logdet");
        expectClose([F.trace()], [ref.trace], 1e-12, "trace");
        expectClose(naturalGradient(F, Float64Array.from(fx.g), { damping }), ref.x, 1e-10, "naturalGradient");
      });
    });
  });

  it.each([1, 2, 3, 5, 8, 31, 33, 63, 64, 65, 127, 129, 257, 1024])(
    "d=%i: backward error of solve <= 1e-14·d, batches agree with single solves",
    (d) => {
      const { packed, dense } = randomSpd(d, d);
      const F = SymmetricMatrix.fromPacked(packed, d);
      const damping = 0.01;
      const factor = F.cholesky({ damping });
      const g = sample(3 * d, normal(d + 1));
      const x = factor.solve(g);
      const shifted = F.addDiagonal(damping);
      for (let r = 0; r < 3; r++) {
        const xr = x.subarray(r * d, (r + 1) * d);
        const residual = shifted.matvec(xr).map((v, i) => v - (g[r * d + i] as number));
        const backward = norm2(residual) / (shifted.frobeniusNorm() * norm2(xr));
        expect(backward, `row ${r}`).toBeLessThanOrEqual(1e-14 * d);
        expectClose(F.solve(g.subarray(r * d, (r + 1) * d), { damping }), xr, 1e-15, "single vs batch");
      }
      // The packed inverse undoes F + λI.
      const inverse = F.inverse({ damping });
      const v = sample(d, normal(d + 2));
      expectClose(inverse.matvec(shifted.matvec(v)), v, 1e-12, "inverse");
      // UᵀU reconstructs F + λI.
      if (d <= 257) {
        const u = factor.packed;
        const rebuilt = new Float64Array(packedLength(d));
        for (let j = 0; j < d; j++) {
          for (let i = 0; i <= j; i++) {
            let s = 0;
            for (let l = 0; l <= i; l++)
              s += (u[l + (i * (i + 1)) / 2] as number) * (u[l + (j * (j + 1)) / 2] as number);
            rebuilt[i + (j * (j + 1)) / 2] = s;
          }
        }
        expectClose(rebuilt, shifted.packed, 1e-14, "UᵀU");
        expect(dense.length).toBe(d * d);
      }
    },
  );

  it("inverse: (F + λI) · inverse = I; logDeterminant matches the eigen-free dense route", () => {
    const d = 40;
    const { packed, dense } = randomSpd(d, 77);
    const F = SymmetricMatrix.fromPacked(packed, d);
    const inv = F.inverse({ damping: 0.5 }).toDense();
    const shifted = F.addDiagonal(0.5).toDense();
    const product = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (shifted[i * d + t] as number) * (inv[t * d + j] as number);
        product[i * d + j] = s;
      }
    const identity = new Float64Array(d * d);
    for (let i = 0; i < d; i++) identity[i * d + i] = 1;
    expectClose(product, identity, 1e-13, "A·A⁻¹");
    // log det of a diagonal matrix is the sum of logs.
    const diag = SymmetricMatrix.fromDense(new Float64Array([2, 0, 0, 0, 3, 0, 0, 0, 5]), 3);
    expect(diag.logDeterminant()).toBeCloseTo(Math.log(30), 14);
    expect(diag.logDeterminant({ damping: 1 })).toBeCloseTo(Math.log(3 * 4 * 6), 14);
    expect(dense.length).toBe(d * d);
  });

  it("not positive definite → NotPositiveDefiniteError with the minor; the matrix is unchanged", () => {
    const cases: [number[], number, number][] = [
      [[1, 0, 0, 0, -1, 0, 0, 0, 1], 3, 2],
      [[0, 0, 0, 1], 2, 1],
      [[1, 1, 1, 1, 1, 1, 1, 1, 1], 3, 2],
    ];
    for (const [dense, d, minor] of cases) {
      const F = SymmetricMatrix.fromDense(Float64Array.from(dense), d);
      const before = F.packed.slice();
      let error: unknown;
      try {
        F.cholesky();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NotPositiveDefiniteError);
      expect((error as NotPositiveDefiniteError).minor).toBe(minor);
      expect((error as Error).message).toContain(`leading minor of order ${minor}`);
      expect(() => F.solve(new Float64Array(d))).toThrow(NotPositiveDefiniteError);
      expect(() => F.inverse()).toThrow(NotPositiveDefiniteError);
      expect(() => F.logDeterminant()).toThrow(NotPositiveDefiniteError);
      expect(F.packed).toEqual(before);
    }
    // Damping makes the singular all-ones matrix positive definite.
    const ones = SymmetricMatrix.fromDense(new Float64Array(9).fill(1), 3);
    expect(ones.cholesky({ damping: 1e-3 }).dim).toBe(3);
  });

  it("bad damping, lengths and values → RangeError / TypeError", () => {
    const F = SymmetricMatrix.fromDense(new Float64Array([2, 0, 0, 2]), 2);
    for (const damping of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => F.cholesky({ damping })).toThrow(
        `\`options.damping\` must be a finite non-negative number; received ${damping}.`,
      );
    }
    expect(() => F.solve(new Float64Array(2), { damping: "1" as unknown as number })).toThrow(
      '`options.damping` must be a number; received "1".',
    );
    expect(() => F.solve(new Float64Array(3))).toThrow(
      "`b` must hold one vector of length 2 or a row-major batch of them",
    );
    expect(() => F.solve(new Float64Array(0))).toThrow(RangeError);
    expect(() => F.solve(new Float64Array([1, Number.NaN]))).toThrow("b[1] is NaN");
    expect(() => F.solve([1, 2] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => naturalGradient(F, new Float64Array(3))).toThrow(RangeError);
    expect(() => klDivergence(F, new Float64Array(3))).toThrow(RangeError);
    expect(() => F.add(SymmetricMatrix.fromDense(new Float64Array(9), 3))).toThrow(RangeError);
    expect(() => F.scale(Number.NaN)).toThrow(RangeError);
    expect(() => F.addDiagonal(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => F.matvec(new Float64Array(4), new Float64Array(2))).toThrow(RangeError);
  });

  it("matvec (one vector and a batch), quadraticForm, add, scale, addDiagonal, frobeniusNorm, klDivergence", () => {
    for (const d of [1, 2, 3, 4, 5, 9, 33]) {
      const { packed, dense } = randomSpd(d, 500 + d);
      const F = SymmetricMatrix.fromPacked(packed, d);
      const xs = sample(4 * d, normal(d));
      const ys = F.matvec(xs);
      for (let r = 0; r < 4; r++) {
        const x = xs.subarray(r * d, (r + 1) * d);
        expectClose(ys.subarray(r * d, (r + 1) * d), denseMatvec(dense, d, x), 1e-14, `matvec d=${d}`);
        const q =
          norm2(x) === 0 ? 0 : Array.from(denseMatvec(dense, d, x)).reduce((s, v, i) => s + v * (x[i] as number), 0);
        expect(Math.abs(klDivergence(F, x) - q / 2)).toBeLessThanOrEqual(1e-13 * Math.abs(q));
      }
      const G = SymmetricMatrix.fromPacked(sample(packedLength(d), normal(9)), d);
      expectClose(
        F.add(G).toDense(),
        F.toDense().map((v, k) => v + (G.toDense()[k] as number)),
        1e-15,
        "add",
      );
      expectClose(
        F.scale(-2.5).packed,
        F.packed.map((v) => -2.5 * v),
        0,
        "scale",
      );
      expectClose(
        F.addDiagonal(3).diagonal(),
        F.diagonal().map((v) => v + 3),
        0,
        "addDiagonal",
      );
      expect(F.frobeniusNorm()).toBeCloseTo(norm2(dense), 12);
    }
  });
});
