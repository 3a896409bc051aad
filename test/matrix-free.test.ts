// The matrix-free tools against dense references: conjugate gradients against a Cholesky solve,
// Lanczos topEigenvalues against eigh on every backend, Hutchinson's estimates against the exact
// trace and diagonal over many seeds; and every bad input.
import { beforeAll, describe, expect, it } from "vitest";
import {
  CallbackResultError,
  ConvergenceError,
  type CurvatureOperator,
  conjugateGradient,
  estimateDiagonal,
  estimateTrace,
  init,
  NonFiniteError,
  SymmetricMatrix,
  topEigenvalues,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample, uniform } from "./helpers/random.js";
import { denseMatvec, randomSpd } from "./helpers/reference.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 100];

/** A Fisher-like matrix: the mean of N outer products of scores whose columns shrink as 1/(1 + j). */
function fisherLike(d: number, n: number, seed: number): Float64Array {
  const rnd = normal(seed);
  const s = sample(n * d, rnd);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) s[r * d + j] = (s[r * d + j] as number) / (1 + j);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let r = 0; r < n; r++) v += (s[r * d + i] as number) * (s[r * d + j] as number);
      a[i * d + j] = v / n;
    }
  }
  return a;
}

/** A user's operator: a closure over a dense matrix, counting its matvecs. */
function userOperator(a: Float64Array, d: number): CurvatureOperator & { calls: number } {
  const op = {
    dim: d,
    calls: 0,
    matvec(x: Float64Array): Float64Array {
      op.calls++;
      return denseMatvec(a, d, x);
    },
  };
  return op;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  return Math.sqrt(s);
}

/** ‖b − (A + λI)x‖₂ computed densely. */
function residual(a: Float64Array, d: number, damping: number, x: Float64Array, b: Float64Array): number {
  const ax = denseMatvec(a, d, x);
  return norm(b.map((v, i) => v - (ax[i] as number) - damping * (x[i] as number)));
}

describe("conjugateGradient", () => {
  beforeAll(async () => {
    await init();
  });

  it("solves (C + λI)x = b as a Cholesky solve does, at every dim, with and without damping", () => {
    for (const d of DIMS) {
      const a = randomSpd(d, 10 + d);
      const F = SymmetricMatrix.fromDense(a, d);
      const b = sample(d, normal(20 + d));
      for (const damping of [0, 0.3]) {
        const op = userOperator(a, d);
        const result = conjugateGradient(op, b, { damping, tolerance: 1e-12 });
        expect(result.converged, `d=${d}`).toBe(true);
        expectClose(result.x, F.solve(b, { damping }), 1e-10, `CG d=${d} λ=${damping}`);
        // The reported residual is the true one, and meets the tolerance.
        const r = residual(a, d, damping, result.x, b);
        expect(Math.abs(result.residualNorm - r)).toBeLessThanOrEqual(1e-14 * norm(b) + 1e-3 * r);
        expect(result.residualNorm).toBeLessThanOrEqual(1e-12 * norm(b));
        expect(result.iterations).toBeGreaterThanOrEqual(1);
        expect(result.iterations).toBeLessThanOrEqual(2 * d + 5);
        // One matvec per iteration plus one to measure the final residual (plus any restart's).
        expect(op.calls).toBeGreaterThanOrEqual(result.iterations + 1);
        expect(op.calls).toBeLessThanOrEqual(result.iterations + 3);
      }
    }
  });

  it("a SymmetricMatrix is an operator too; the default tolerance is 1e-10 relative", () => {
    const d = 33;
    const a = randomSpd(d, 3);
    const F = SymmetricMatrix.fromDense(a, d);
    const b = sample(d, normal(4));
    const result = conjugateGradient(F, b);
    expect(result.converged).toBe(true);
    expect(result.residualNorm).toBeLessThanOrEqual(1e-10 * norm(b));
    expectClose(result.x, F.solve(b), 1e-8, "CG on a SymmetricMatrix");
  });

  it("preconditioners (a function, an operator applying M⁻¹, a diagonal) give the same answer in fewer iterations", () => {
    const d = 64;
    // An ill-scaled SPD matrix: D^½ A D^½ with D spread over four decades.
    const base = randomSpd(d, 5);
    const scale = Float64Array.from({ length: d }, (_, i) => 10 ** ((4 * i) / (d - 1)));
    const a = base.map((v, t) => v * Math.sqrt((scale[Math.floor(t / d)] as number) * (scale[t % d] as number)));
    const F = SymmetricMatrix.fromDense(a, d);
    const b = sample(d, normal(6));
    const damping = 0.1;
    const reference = F.solve(b, { damping });
    const plain = conjugateGradient(userOperator(a, d), b, { damping, tolerance: 1e-12, maxIterations: 4000 });
    expect(plain.converged).toBe(true);
    const diagonal = Float64Array.from({ length: d }, (_, i) => a[i * d + i] as number);
    const jacobiFunction = (r: Float64Array): Float64Array => r.map((v, i) => v / ((diagonal[i] as number) + damping));
    const inverse = F.inverse({ damping });
    for (const [label, preconditioner, most] of [
      ["function", jacobiFunction, plain.iterations],
      ["diagonal", diagonal, plain.iterations],
      ["exact inverse operator", inverse, 3],
    ] as const) {
      const result = conjugateGradient(userOperator(a, d), b, { damping, tolerance: 1e-12, preconditioner });
      expect(result.converged, label).toBe(true);
      expectClose(result.x, reference, 1e-9, label);
      expect(result.iterations, label).toBeLessThan(most);
    }
  });

  it("x0 starts the iteration: from the solution it takes no iteration", () => {
    const d = 9;
    const a = randomSpd(d, 7);
    const F = SymmetricMatrix.fromDense(a, d);
    const b = sample(d, normal(8));
    const x = F.solve(b);
    const fromSolution = conjugateGradient(userOperator(a, d), b, { x0: x, tolerance: 1e-8 });
    expect(fromSolution.iterations).toBe(0);
    expect(fromSolution.converged).toBe(true);
    const fromElsewhere = conjugateGradient(userOperator(a, d), b, { x0: sample(d, normal(9)), tolerance: 1e-12 });
    expectClose(fromElsewhere.x, x, 1e-10, "from x0");
    // b = 0: x = 0 whatever the start.
    const zero = conjugateGradient(userOperator(a, d), new Float64Array(d), { x0: x });
    expect(Array.from(zero.x)).toEqual(new Array(d).fill(0));
    expect(zero.converged).toBe(true);
  });

  it("too few iterations: converged false with the true residual, never a throw", () => {
    const d = 33;
    const a = fisherLike(d, 200, 11);
    const b = sample(d, normal(12));
    const result = conjugateGradient(userOperator(a, d), b, { maxIterations: 2, damping: 1e-6 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(2);
    const r = residual(a, d, 1e-6, result.x, b);
    expect(result.residualNorm).toBeCloseTo(r, 12);
    expect(result.residualNorm).toBeGreaterThan(1e-10 * norm(b));
  });

  it("an indefinite operator: converged false, stopped at the direction of negative curvature", () => {
    const op: CurvatureOperator = { dim: 2, matvec: (x) => Float64Array.of(x[0] as number, -(x[1] as number)) };
    const result = conjugateGradient(op, Float64Array.of(1, 1));
    expect(result.converged).toBe(false);
    expect(Number.isFinite(result.residualNorm)).toBe(true);
  });

  it("an operator that writes into its argument or returns the same buffer each call changes nothing", () => {
    const d = 31;
    const a = randomSpd(d, 13);
    const F = SymmetricMatrix.fromDense(a, d);
    const buffer = new Float64Array(d);
    const careless: CurvatureOperator = {
      dim: d,
      matvec: (x) => {
        buffer.set(denseMatvec(a, d, x));
        x.fill(0);
        return buffer;
      },
    };
    const b = sample(d, normal(14));
    const result = conjugateGradient(careless, b, { tolerance: 1e-12 });
    expect(result.converged).toBe(true);
    expectClose(result.x, F.solve(b), 1e-10, "careless operator");
    expectClose(topEigenvalues(careless, 2).values, referenceTop(a, d, 2).values, 1e-10, "careless Lanczos");
  });

  it("bad input: typed errors naming the argument and the value", () => {
    const d = 3;
    const a = randomSpd(d, 1);
    const good = userOperator(a, d);
    const b = new Float64Array(d).fill(1);
    expect(() => conjugateGradient(undefined as unknown as CurvatureOperator, b)).toThrow(TypeError);
    expect(() => conjugateGradient({ matvec: good.matvec } as unknown as CurvatureOperator, b)).toThrow(
      "`operator.dim` must be a positive integer; received undefined.",
    );
    expect(() => conjugateGradient({ dim: 3 } as unknown as CurvatureOperator, b)).toThrow(
      "`operator.matvec` must be a function (x) => Float64Array; received undefined.",
    );
    expect(() => conjugateGradient({ dim: 3, matvec: () => new Float64Array(2) }, b)).toThrow(CallbackResultError);
    expect(() => conjugateGradient({ dim: 3, matvec: () => new Float64Array(2) }, b)).toThrow(
      "`operator.matvec(x)` must return a Float64Array of length 3; it returned Float64Array of length 2.",
    );
    expect(() => conjugateGradient({ dim: 3, matvec: () => [1, 2, 3] as unknown as Float64Array }, b)).toThrow(
      CallbackResultError,
    );
    expect(() => conjugateGradient({ dim: 3, matvec: () => Float64Array.of(1, Number.NaN, 1) }, b)).toThrow(
      NonFiniteError,
    );
    expect(() => conjugateGradient({ dim: 3, matvec: () => Float64Array.of(1, Number.NaN, 1) }, b)).toThrow(
      "`operator.matvec(x)` must be finite; operator.matvec(x)[1] is NaN.",
    );
    expect(() => conjugateGradient(good, new Float64Array(4))).toThrow(
      "`b` must have length 3 (operator.dim); received length 4.",
    );
    expect(() => conjugateGradient(good, [1, 1, 1] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => conjugateGradient(good, Float64Array.of(1, Number.POSITIVE_INFINITY, 1))).toThrow(
      "`b` must be finite; b[1] is Infinity.",
    );
    expect(() => conjugateGradient(good, b, { damping: -1 })).toThrow(
      "`options.damping` must be a finite non-negative number; received -1.",
    );
    for (const tolerance of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => conjugateGradient(good, b, { tolerance })).toThrow(
        `\`options.tolerance\` must be a finite positive number; received ${tolerance}.`,
      );
    }
    for (const maxIterations of [0, 1.5, -2]) {
      expect(() => conjugateGradient(good, b, { maxIterations })).toThrow(
        `\`options.maxIterations\` must be a positive integer; received ${maxIterations}.`,
      );
    }
    expect(() => conjugateGradient(good, b, { x0: new Float64Array(2) })).toThrow(
      "`options.x0` must have length 3 (the operator's dim); received length 2.",
    );
    expect(() => conjugateGradient(good, b, { x0: Float64Array.of(0, Number.NaN, 0) })).toThrow(NonFiniteError);
    expect(() => conjugateGradient(good, b, { preconditioner: 3 as unknown as Float64Array })).toThrow(
      "`options.preconditioner` must be a function (r) => M⁻¹r, an operator { dim, matvec } applying M⁻¹, or a Float64Array diagonal; received 3.",
    );
    expect(() => conjugateGradient(good, b, { preconditioner: new Float64Array(2) })).toThrow(RangeError);
    expect(() => conjugateGradient(good, b, { preconditioner: Float64Array.of(1, -1, 1) })).toThrow(
      "`options.preconditioner` as a diagonal needs every entry plus the damping (0) positive; options.preconditioner[1] is -1.",
    );
    expect(() => conjugateGradient(good, b, { preconditioner: () => new Float64Array(1) })).toThrow(
      "`options.preconditioner(r)` must return a Float64Array of length 3; it returned Float64Array of length 1.",
    );
    expect(() => conjugateGradient(good, b, { preconditioner: (r) => r.map((v) => -v) })).toThrow(CallbackResultError);
    expect(() => conjugateGradient(good, b, { preconditioner: userOperator(randomSpd(4, 2), 4) })).toThrow(
      "`options.preconditioner.dim` must be 3 (the operator's dim); received 4.",
    );
    expect(() => conjugateGradient(good, b, 5 as never)).toThrow(TypeError);
  });
});

/** The eigen-decomposition's values descending and vectors (row-major d × k) for the top k, from eigh. */
function referenceTop(a: Float64Array, d: number, k: number): { values: number[]; vectors: Float64Array } {
  const { values, vectors } = SymmetricMatrix.fromDense(a, d).eigh();
  const out = new Float64Array(d * k);
  const top: number[] = [];
  for (let j = 0; j < k; j++) {
    const c = d - 1 - j;
    top.push(values[c] as number);
    for (let i = 0; i < d; i++) out[i * k + j] = vectors[i * d + c] as number;
  }
  return { values: top, vectors: out };
}

/** Column j of a row-major d × k matrix. */
function column(m: Float64Array, d: number, k: number, j: number): Float64Array {
  return Float64Array.from({ length: d }, (_, i) => m[i * k + j] as number);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Checks that Y (d × k) is orthonormal and that C y_j = θ_j y_j to `tolerance` · max|θ|. */
function expectEigenpairs(
  a: Float64Array,
  d: number,
  k: number,
  values: Float64Array,
  vectors: Float64Array,
  tolerance: number,
  label: string,
): void {
  const largest = Math.max(...Array.from(values, Math.abs), 1e-300);
  for (let j = 0; j < k; j++) {
    const y = column(vectors, d, k, j);
    const cy = denseMatvec(a, d, y);
    const r = norm(cy.map((v, i) => v - (values[j] as number) * (y[i] as number)));
    expect(r, `${label}: residual of pair ${j}`).toBeLessThanOrEqual(tolerance * largest);
    for (let l = 0; l <= j; l++) {
      expect(
        Math.abs(dot(y, column(vectors, d, k, l)) - (l === j ? 1 : 0)),
        `${label}: YᵀY[${j}][${l}]`,
      ).toBeLessThanOrEqual(1e-10);
    }
  }
}

describe.each(BACKENDS)("topEigenvalues on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("matches eigh: values to 1e-10, vectors up to sign, descending, at dims 1 to 100", () => {
    for (const d of [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 100]) {
      for (const [label, a] of [
        ["random SPD", randomSpd(d, 40 + d)],
        ["Fisher-like", fisherLike(d, 3 * d + 5, 50 + d)],
      ] as const) {
        for (const k of new Set([1, Math.min(3, d), Math.min(d, 6)])) {
          const op = userOperator(a, d);
          const top = topEigenvalues(op, k);
          const ref = referenceTop(a, d, k);
          const scale = Math.abs(ref.values[0] as number);
          expectClose(top.values, ref.values, 1e-10, `${label} d=${d} k=${k} values`, scale);
          expect(top.iterations).toBe(op.calls);
          expect(top.iterations).toBeLessThanOrEqual(d);
          for (let j = 0; j < k; j++) {
            // Up to sign; a vector is only as accurate as its value's gap allows.
            const y = column(top.vectors, d, k, j);
            const e = column(ref.vectors, d, k, j);
            const sign = dot(y, e) < 0 ? -1 : 1;
            const gap = Math.min(
              ...ref.values.filter((_, l) => l !== j).map((v) => Math.abs(v - (ref.values[j] as number))),
              scale,
            );
            expectClose(
              y.map((v) => sign * v),
              e,
              Math.max(1e-8, (1e-9 * scale) / gap),
              `${label} d=${d} k=${k} vector ${j}`,
            );
          }
          expectEigenpairs(a, d, k, top.values, top.vectors, 1e-9, `${label} d=${d} k=${k}`);
        }
      }
    }
  });

  it("low rank, repeated eigenvalues and the identity: the Krylov space closes and restarts", () => {
    // Rank 4 in dimension 33: the top 6 are four positive values and two zeros.
    const d = 33;
    const n = 4;
    const s = sample(n * d, normal(61));
    const low = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let v = 0;
        for (let r = 0; r < n; r++) v += (s[r * d + i] as number) * (s[r * d + j] as number);
        low[i * d + j] = v / n;
      }
    const lowTop = topEigenvalues(userOperator(low, d), 6);
    const ref = referenceTop(low, d, 6);
    expectClose(lowTop.values, ref.values, 1e-10, "low rank values", ref.values[0]);
    expectEigenpairs(low, d, 6, lowTop.values, lowTop.vectors, 1e-9, "low rank");

    // H diag(5, 5, 5, 2, 1, …) H with a Householder reflection H: an eigenvalue of multiplicity 3.
    const v = sample(d, normal(62));
    const vv = dot(v, v);
    const h = (i: number, j: number): number => (i === j ? 1 : 0) - (2 * (v[i] as number) * (v[j] as number)) / vv;
    const lambda = Float64Array.from({ length: d }, (_, i) => (i < 3 ? 5 : i === 3 ? 2 : 1 / (1 + i)));
    const repeated = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let x = 0;
        for (let t = 0; t < d; t++) x += h(i, t) * (lambda[t] as number) * h(t, j);
        repeated[i * d + j] = x;
      }
    const top4 = topEigenvalues(userOperator(repeated, d), 4);
    expectClose(top4.values, [5, 5, 5, 2], 1e-10, "repeated values", 5);
    expectEigenpairs(repeated, d, 4, top4.values, top4.vectors, 1e-9, "repeated");

    const identity: CurvatureOperator = { dim: 50, matvec: (x) => x.slice() };
    const ones = topEigenvalues(identity, 5);
    expectClose(ones.values, [1, 1, 1, 1, 1], 1e-14, "identity");
    expectEigenpairs(
      new Float64Array(2500).map((_, t) => (t % 51 === 0 ? 1 : 0)),
      50,
      5,
      ones.values,
      ones.vectors,
      1e-12,
      "identity",
    );

    const zero = topEigenvalues({ dim: 7, matvec: (x) => new Float64Array(x.length) }, 2);
    expect(Array.from(zero.values)).toEqual([0, 0]);
  });

  it("is deterministic for a seed, and other seeds agree to the tolerance", () => {
    const d = 40;
    const a = fisherLike(d, 100, 70);
    const one = topEigenvalues(userOperator(a, d), 3, { seed: 7 });
    const again = topEigenvalues(userOperator(a, d), 3, { seed: 7 });
    expect(Array.from(again.values)).toEqual(Array.from(one.values));
    expect(Array.from(again.vectors)).toEqual(Array.from(one.vectors));
    const other = topEigenvalues(userOperator(a, d), 3, { seed: 8 });
    expectClose(other.values, one.values, 1e-10, "seed 8 vs 7");
  });

  it("an indefinite operator: the largest algebraic values, not the largest in magnitude", () => {
    const diag = Float64Array.of(-10, 3, 1, -2, 0.5);
    const op: CurvatureOperator = { dim: 5, matvec: (x) => x.map((v, i) => v * (diag[i] as number)) };
    expectClose(topEigenvalues(op, 2).values, [3, 1], 1e-12, "indefinite");
  });

  it("bad input: k > dim, bad options, a bad matvec, and no convergence within maxIterations", () => {
    const d = 5;
    const good = userOperator(randomSpd(d, 3), d);
    expect(() => topEigenvalues(good, 6)).toThrow("`k` must be at most operator.dim (5); received 6.");
    for (const k of [0, 1.5, -1, Number.NaN]) {
      expect(() => topEigenvalues(good, k)).toThrow(`\`k\` must be a positive integer; received ${k}.`);
    }
    expect(() => topEigenvalues(good, 3, { maxIterations: 2 })).toThrow(
      "`options.maxIterations` must be at least k (3); received 2.",
    );
    expect(() => topEigenvalues(good, 1, { maxIterations: 0 })).toThrow(RangeError);
    expect(() => topEigenvalues(good, 1, { seed: 0.5 })).toThrow("`options.seed` must be an integer; received 0.5.");
    expect(() => topEigenvalues(good, 1, { tolerance: 0 })).toThrow(RangeError);
    expect(() => topEigenvalues(good, 1, { runtime: {} as never })).toThrow(TypeError);
    expect(() => topEigenvalues({ dim: 0, matvec: good.matvec }, 1)).toThrow(TypeError);
    expect(() => topEigenvalues({ dim: 5, matvec: () => new Float64Array(4) }, 1)).toThrow(CallbackResultError);
    expect(() => topEigenvalues({ dim: 5, matvec: (x) => x.map(() => Number.NaN) }, 1)).toThrow(NonFiniteError);
    const big = 200;
    const a = randomSpd(big, 9);
    expect(() => topEigenvalues(userOperator(a, big), 2, { maxIterations: 6 })).toThrow(ConvergenceError);
  });
});

describe("estimateTrace and estimateDiagonal (Hutchinson)", () => {
  it("are exact, with zero standard error, for a diagonal operator", () => {
    for (const d of [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 257]) {
      const diag = sample(d, uniform(d));
      const op: CurvatureOperator = { dim: d, matvec: (x) => x.map((v, i) => v * (diag[i] as number)) };
      const trace = estimateTrace(op, { samples: 3, seed: d });
      expect(trace.estimate).toBeCloseTo(
        diag.reduce((s, v) => s + v, 0),
        12,
      );
      expect(trace.standardError).toBeLessThanOrEqual(1e-14 * d);
      const estimate = estimateDiagonal(op, { samples: 2 });
      expectClose(estimate.estimate, diag, 1e-15, `diagonal d=${d}`);
      expect(Math.max(...estimate.standardError)).toBeLessThanOrEqual(1e-15);
    }
  });

  it("the exact trace and diagonal lie within their standard errors over many seeds, and the means converge", () => {
    const d = 33;
    const a = randomSpd(d, 80, 0.1);
    const exactTrace = Array.from({ length: d }, (_, i) => a[i * d + i] as number).reduce((s, v) => s + v, 0);
    const exactDiagonal = Float64Array.from({ length: d }, (_, i) => a[i * d + i] as number);
    // The variance of one probe's zᵀCz is 2 Σ_{i≠j} C_ij².
    let offSquares = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) offSquares += (a[i * d + j] as number) ** 2;
    const samples = 64;
    const seeds = 200;
    let traceBeyond3 = 0;
    let traceWorst = 0;
    let diagonalBeyond3 = 0;
    let diagonalWorst = 0;
    let traceMean = 0;
    let meanSquaredError = 0;
    const diagonalMean = new Float64Array(d);
    for (let seed = 1; seed <= seeds; seed++) {
      const op = userOperator(a, d);
      const t = estimateTrace(op, { samples, seed });
      expect(op.calls).toBe(samples);
      const z = Math.abs(t.estimate - exactTrace) / t.standardError;
      traceWorst = Math.max(traceWorst, z);
      if (z > 3) traceBeyond3++;
      traceMean += t.estimate / seeds;
      meanSquaredError += t.standardError ** 2 / seeds;
      const g = estimateDiagonal(op, { samples, seed });
      for (let i = 0; i < d; i++) {
        const zi = Math.abs((g.estimate[i] as number) - (exactDiagonal[i] as number)) / (g.standardError[i] as number);
        diagonalWorst = Math.max(diagonalWorst, zi);
        if (zi > 3) diagonalBeyond3++;
        diagonalMean[i] = (diagonalMean[i] as number) + (g.estimate[i] as number) / seeds;
      }
    }
    // A normal deviate is beyond 3 standard errors 0.27% of the time; the estimated error has heavier tails.
    expect(traceBeyond3 / seeds).toBeLessThanOrEqual(0.02);
    expect(traceWorst).toBeLessThanOrEqual(4.5);
    expect(diagonalBeyond3 / (seeds * d)).toBeLessThanOrEqual(0.02);
    expect(diagonalWorst).toBeLessThanOrEqual(6);
    // The standard error estimates the theoretical one, √(2 Σ_{i≠j} C_ij² / samples).
    expect(meanSquaredError / ((2 * offSquares) / samples)).toBeGreaterThan(0.85);
    expect(meanSquaredError / ((2 * offSquares) / samples)).toBeLessThan(1.15);
    // The mean over seeds: 200 · 64 probes.
    const pooled = Math.sqrt((2 * offSquares) / (samples * seeds));
    expect(Math.abs(traceMean - exactTrace)).toBeLessThanOrEqual(4 * pooled);
    for (let i = 0; i < d; i++) {
      let rowSquares = 0;
      for (let j = 0; j < d; j++) if (j !== i) rowSquares += (a[i * d + j] as number) ** 2;
      expect(Math.abs((diagonalMean[i] as number) - (exactDiagonal[i] as number))).toBeLessThanOrEqual(
        4.5 * Math.sqrt(rowSquares / (samples * seeds)),
      );
    }
  });

  it("is deterministic for a seed; seed defaults to 1", () => {
    const d = 9;
    const a = randomSpd(d, 2);
    const one = estimateTrace(userOperator(a, d), { samples: 10, seed: 1 });
    expect(estimateTrace(userOperator(a, d), { samples: 10 })).toEqual(one);
    expect(estimateTrace(userOperator(a, d), { samples: 10, seed: 2 }).estimate).not.toBe(one.estimate);
    const diag = estimateDiagonal(userOperator(a, d), { samples: 10, seed: 5 });
    expect(estimateDiagonal(userOperator(a, d), { samples: 10, seed: 5 })).toEqual(diag);
  });

  it("bad input: samples, seed, options and a bad operator", () => {
    const d = 3;
    const good = userOperator(randomSpd(d, 3), d);
    for (const estimate of [estimateTrace, estimateDiagonal] as const) {
      for (const samples of [1, 0, 2.5, Number.NaN]) {
        expect(() => estimate(good, { samples })).toThrow(
          `\`options.samples\` must be an integer ≥ 2 (the standard error needs two probes); received ${samples}.`,
        );
      }
      expect(() => estimate(good, undefined as unknown as { samples: number })).toThrow(TypeError);
      expect(() => estimate(good, { samples: 4, seed: 1.5 })).toThrow(
        "`options.seed` must be an integer; received 1.5.",
      );
      expect(() => estimate({ dim: 3 } as unknown as CurvatureOperator, { samples: 4 })).toThrow(TypeError);
      expect(() => estimate({ dim: 3, matvec: () => new Float64Array(3).fill(Number.NaN) }, { samples: 4 })).toThrow(
        NonFiniteError,
      );
      expect(() => estimate({ dim: 3, matvec: () => new Float64Array(5) }, { samples: 4 })).toThrow(
        CallbackResultError,
      );
    }
  });
});
