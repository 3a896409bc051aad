// naturalGradient and klDivergence for every kind of curvature — a SymmetricMatrix (Cholesky), a
// Float64Array diagonal (element-wise), an operator with its own solve, an operator with only a
// matvec (conjugate gradients) — against dense references; and every bad input.
import { beforeAll, describe, expect, it } from "vitest";
import {
  blockDiagonal,
  CallbackResultError,
  ConvergenceError,
  type CurvatureOperator,
  empiricalFisher,
  init,
  KroneckerFactoredFisher,
  klDivergence,
  NonFiniteError,
  NotPositiveDefiniteError,
  naturalGradient,
  SymmetricMatrix,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample, uniform } from "./helpers/random.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 64];

/** A mean empirical Fisher of 2d + 3 random score rows, and its dense row-major form. */
function fisher(d: number, seed: number): { F: SymmetricMatrix; dense: Float64Array } {
  const F = empiricalFisher(sample((2 * d + 3) * d, normal(seed)), d);
  return { F, dense: F.toDense() };
}

function denseMatvec(a: Float64Array, d: number, x: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let v = 0;
    for (let j = 0; j < d; j++) v += (a[i * d + j] as number) * (x[j] as number);
    y[i] = v;
  }
  return y;
}

/** x solving (A + λI)x = b by Gaussian elimination with partial pivoting on a dense copy: an independent reference. */
function denseSolve(a: Float64Array, d: number, damping: number, b: Float64Array): Float64Array {
  const w = d + 1;
  const m = new Float64Array(d * w);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) m[i * w + j] = (a[i * d + j] as number) + (i === j ? damping : 0);
    m[i * w + d] = b[i] as number;
  }
  const at = (i: number, j: number): number => m[i * w + j] as number;
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(at(r, c)) > Math.abs(at(p, c))) p = r;
    for (let j = 0; j <= d; j++) {
      const t = at(c, j);
      m[c * w + j] = at(p, j);
      m[p * w + j] = t;
    }
    for (let r = c + 1; r < d; r++) {
      const f = at(r, c) / at(c, c);
      for (let j = c; j <= d; j++) m[r * w + j] = at(r, j) - f * at(c, j);
    }
  }
  const x = new Float64Array(d);
  for (let r = d - 1; r >= 0; r--) {
    let v = at(r, d);
    for (let j = r + 1; j < d; j++) v -= at(r, j) * (x[j] as number);
    x[r] = v / at(r, r);
  }
  return x;
}

function quadratic(a: Float64Array, d: number, x: Float64Array): number {
  const y = denseMatvec(a, d, x);
  let s = 0;
  for (let i = 0; i < d; i++) s += (x[i] as number) * (y[i] as number);
  return s;
}

describe.each(BACKENDS)("naturalGradient of a SymmetricMatrix on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("is the Cholesky solve, as before, at every dim", () => {
    for (const d of DIMS) {
      const { F, dense } = fisher(d, d);
      const g = sample(d, normal(100 + d));
      for (const damping of [0, 0.01, 1]) {
        const x = naturalGradient(F, g, { damping });
        expect(Array.from(x)).toEqual(Array.from(F.solve(g, { damping })));
        expectClose(x, denseSolve(dense, d, damping, g), 1e-9, `d=${d} λ=${damping}`);
      }
      expect(klDivergence(F, g)).toBeCloseTo(quadratic(dense, d, g) / 2, 10);
    }
  });

  it("keeps NotPositiveDefiniteError for a singular matrix without damping", () => {
    const F = SymmetricMatrix.fromDense(Float64Array.of(1, 1, 1, 1), 2);
    expect(() => naturalGradient(F, Float64Array.of(1, 0))).toThrow(NotPositiveDefiniteError);
  });
});

describe("naturalGradient and klDivergence for every form", () => {
  beforeAll(async () => {
    await init();
  });

  it("a Float64Array is a diagonal: x[i] = g[i] / (F[i] + λ)", () => {
    for (const d of DIMS) {
      const diag = sample(d, uniform(d));
      const g = sample(d, normal(d));
      const dense = new Float64Array(d * d);
      for (let i = 0; i < d; i++) dense[i * d + i] = diag[i] as number;
      for (const damping of [0, 0.5]) {
        expectClose(naturalGradient(diag, g, { damping }), denseSolve(dense, d, damping, g), 1e-14, `diag d=${d}`);
      }
      expect(klDivergence(diag, g)).toBeCloseTo(quadratic(dense, d, g) / 2, 12);
    }
    // A zero entry needs damping.
    expect(() => naturalGradient(Float64Array.of(1, 0, 2), Float64Array.of(1, 1, 1))).toThrow(RangeError);
    expect(() => naturalGradient(Float64Array.of(1, 0, 2), Float64Array.of(1, 1, 1))).toThrow("F[1]");
    expectClose(
      naturalGradient(Float64Array.of(1, 0, 2), Float64Array.of(1, 1, 1), { damping: 1 }),
      [0.5, 1, 1 / 3],
      1e-15,
    );
  });

  it("an operator with solve: its own solve, called once with the damping, its result returned", () => {
    const d = 9;
    const { F, dense } = fisher(d, 3);
    const calls: number[] = [];
    const op: CurvatureOperator = {
      dim: d,
      matvec: () => {
        throw new Error("matvec must not be called");
      },
      solve: (b, { damping }) => {
        calls.push(damping);
        return F.solve(b, { damping });
      },
    };
    const g = sample(d, normal(4));
    const x = naturalGradient(op, g, { damping: 0.25 });
    expect(calls).toEqual([0.25]);
    expectClose(x, denseSolve(dense, d, 0.25, g), 1e-10, "own solve");
    expect(naturalGradient(op, g)).toBeInstanceOf(Float64Array);
    expect(calls).toEqual([0.25, 0]);
  });

  it("library forms dispatch to their own solve: K-FAC, and a block-diagonal of them", () => {
    const kfac = new KroneckerFactoredFisher(4, 3).add(sample(20 * 4, normal(31)), sample(20 * 3, normal(32)));
    const g = sample(kfac.dim, normal(33));
    expect(Array.from(naturalGradient(kfac, g, { damping: 0.1 }))).toEqual(Array.from(kfac.solve(g, { damping: 0.1 })));
    const both = blockDiagonal([kfac, Float64Array.of(2, 4)]);
    const h = Float64Array.from([...g, 1, 1]);
    const x = naturalGradient(both, h, { damping: 0.1 });
    expect(Array.from(x.subarray(0, kfac.dim))).toEqual(Array.from(kfac.solve(g, { damping: 0.1 })));
    expectClose(x.subarray(kfac.dim), [1 / 2.1, 1 / 4.1], 1e-15, "diagonal block");
    kfac.dispose();
  });

  it("an operator with only matvec: conjugate gradients, as exact as a Cholesky solve to their tolerance", () => {
    for (const d of DIMS) {
      const { dense } = fisher(d, 7 + d);
      let calls = 0;
      const op: CurvatureOperator = {
        dim: d,
        matvec: (x) => {
          calls++;
          return denseMatvec(dense, d, x);
        },
      };
      const g = sample(d, normal(8 + d));
      for (const damping of [0.01, 1]) {
        const x = naturalGradient(op, g, { damping, tolerance: 1e-12 });
        expectClose(x, denseSolve(dense, d, damping, g), 1e-9, `CG d=${d} λ=${damping}`);
      }
      expect(calls).toBeGreaterThan(0);
      expect(klDivergence(op, g)).toBeCloseTo(quadratic(dense, d, g) / 2, 10);
    }
  });

  it("conjugate gradients that do not converge throw ConvergenceError, never a silent wrong answer", () => {
    const d = 33;
    const { dense } = fisher(d, 9);
    const op: CurvatureOperator = { dim: d, matvec: (x) => denseMatvec(dense, d, x) };
    const g = sample(d, normal(10));
    expect(() => naturalGradient(op, g, { damping: 1e-3, maxIterations: 2 })).toThrow(ConvergenceError);
    expect(() => naturalGradient(op, g, { damping: 1e-3, maxIterations: 2 })).toThrow(
      /Conjugate gradients did not solve \(F \+ λI\)x = g with λ = 0\.001: after 2 iterations it reached maxIterations \(2\)/,
    );
    const indefinite: CurvatureOperator = { dim: 2, matvec: (x) => Float64Array.of(x[0] as number, -(x[1] as number)) };
    expect(() => naturalGradient(indefinite, Float64Array.of(1, 1))).toThrow(/F \+ λI is not positive definite/);
  });

  it("bad input: typed errors naming the argument and the value", () => {
    const { F } = fisher(3, 1);
    const g = new Float64Array(3).fill(1);
    for (const bad of [3, null, undefined, [1, 2, 3], new Float32Array(3), "F"]) {
      expect(() => naturalGradient(bad as unknown as Float64Array, g)).toThrow(TypeError);
      expect(() => klDivergence(bad as unknown as Float64Array, g)).toThrow(TypeError);
    }
    expect(() => naturalGradient(3 as unknown as Float64Array, g)).toThrow(
      "`F` must be a SymmetricMatrix, a Float64Array (a diagonal) or a curvature operator { dim, matvec, solve? }; received 3.",
    );
    expect(() => naturalGradient({ dim: 3 } as unknown as CurvatureOperator, g)).toThrow(
      "`F` must be a SymmetricMatrix, a Float64Array (a diagonal) or a curvature operator { dim, matvec, solve? }; received Object without a matvec function (keys: dim).",
    );
    expect(() => naturalGradient({ dim: -1, matvec: () => g } as unknown as CurvatureOperator, g)).toThrow(
      "`F.dim` must be a positive integer; received -1.",
    );
    expect(() => naturalGradient({ dim: 3, matvec: () => g, solve: 1 } as unknown as CurvatureOperator, g)).toThrow(
      "`F.solve` must be a function when given; received 1.",
    );
    expect(() => naturalGradient(new Float64Array(0), new Float64Array(0))).toThrow(RangeError);
    expect(() => naturalGradient(Float64Array.of(1, Number.NaN, 1), g)).toThrow(NonFiniteError);
    expect(() => naturalGradient(F, new Float64Array(2))).toThrow("`g` must have length 3 (F.dim); received length 2.");
    expect(() => naturalGradient(Float64Array.of(1, 1), g)).toThrow(
      "`g` must have length 2 (F.dim); received length 3.",
    );
    expect(() => naturalGradient(F, [1, 1, 1] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => naturalGradient(F, Float64Array.of(1, Number.NaN, 1))).toThrow("`g` must be finite; g[1] is NaN.");
    for (const curvature of [F, Float64Array.of(1, 1, 1), { dim: 3, matvec: (x: Float64Array) => x.slice() }]) {
      expect(() => naturalGradient(curvature, g, { damping: -1 })).toThrow(
        "`options.damping` must be a finite non-negative number; received -1.",
      );
      expect(() => klDivergence(curvature, new Float64Array(4))).toThrow(
        "`delta` must have length 3 (F.dim); received length 4.",
      );
      expect(() => klDivergence(curvature, Float64Array.of(0, 0, Number.POSITIVE_INFINITY))).toThrow(NonFiniteError);
    }
    // A user's solve or matvec returning garbage.
    const solveWrong: CurvatureOperator = { dim: 3, matvec: (x) => x.slice(), solve: () => new Float64Array(2) };
    expect(() => naturalGradient(solveWrong, g)).toThrow(CallbackResultError);
    expect(() => naturalGradient(solveWrong, g)).toThrow(
      "`F.solve(b)` must return a Float64Array of length 3; it returned Float64Array of length 2.",
    );
    const solveNaN: CurvatureOperator = {
      dim: 3,
      matvec: (x) => x.slice(),
      solve: () => Float64Array.of(0, 0, Number.NaN),
    };
    expect(() => naturalGradient(solveNaN, g)).toThrow("`F.solve(b)` must be finite; F.solve(b)[2] is NaN.");
    const matvecWrong: CurvatureOperator = { dim: 3, matvec: () => [1, 2, 3] as unknown as Float64Array };
    expect(() => naturalGradient(matvecWrong, g)).toThrow(CallbackResultError);
    expect(() => klDivergence(matvecWrong, g)).toThrow(CallbackResultError);
    const matvecNaN: CurvatureOperator = { dim: 3, matvec: () => Float64Array.of(Number.NaN, 0, 0) };
    expect(() => naturalGradient(matvecNaN, g)).toThrow(NonFiniteError);
    expect(() => klDivergence(matvecNaN, g)).toThrow("`F.matvec(delta)` must be finite; F.matvec(delta)[0] is NaN.");
  });
});
