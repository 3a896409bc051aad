// The low-rank Fisher against the dense Fisher of the same scores (empiricalFisher and
// SymmetricMatrix), its matrix-vector kernels against plain loops with guard zones, and every
// bad input, on every backend.
import { beforeAll, describe, expect, it } from "vitest";
import { assertOperator } from "../src/curvature/operator.js";
import { defaultRuntime as runtime } from "../src/engine/init.js";
import {
  createRuntime,
  DisposedError,
  EmptyMeanError,
  empiricalFisher,
  init,
  LowRankFisher,
  MAX_DIM,
  NonFiniteError,
  SymmetricMatrix,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { guarded } from "./helpers/guarded.js";
import { normal, sample, uniform } from "./helpers/random.js";

const TOLERANCE = 1e-10;
const DIMS = [1, 2, 3, 5, 7, 8, 9, 31, 33, 257];

/** Row counts for dim d: below d (where there are any) and at or above it. */
function rowCounts(d: number): number[] {
  const below = [1, 2, 3, 5, Math.ceil(d / 3), d - 1].filter((n) => n >= 1 && n < d);
  return [...new Set([...below, d, d + 3])];
}

/** Weights in [0, 2), one of them 0 when there are several rows. */
function weightsFor(n: number, seed: number): Float64Array {
  const w = sample(n, uniform(seed)).map((v) => 2 * v);
  if (n > 2) w[1] = 0;
  return w;
}

/** A damping of the order of F's average eigenvalue, so every solve is well conditioned. */
function dampingFor(F: SymmetricMatrix): number {
  return (0.1 * F.trace()) / F.dim;
}

/** F x by plain loops: (1/Σw) Σ w_i s_i (s_i · x). */
function plainMatvec(scores: Float64Array, d: number, w: Float64Array, x: Float64Array): Float64Array {
  const n = scores.length / d;
  const total = w.reduce((a, b) => a + b, 0);
  const y = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) t += (scores[i * d + j] as number) * (x[j] as number);
    const c = ((w[i] as number) * t) / total;
    for (let j = 0; j < d; j++) y[j] = (y[j] as number) + c * (scores[i * d + j] as number);
  }
  return y;
}

describe.each(BACKENDS)("LowRankFisher on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  describe.each(DIMS)("dim %i", (d) => {
    it.each(rowCounts(d))("N = %i: matvec, solve, spectrum, trace, diagonal and toSymmetric match the dense F", (n) => {
      const seed = 1000 * d + n;
      const scores = sample(n * d, normal(seed));
      for (const weights of [undefined, weightsFor(n, seed + 1)]) {
        const label = `d=${d} N=${n} ${weights ? "weighted" : "unweighted"}`;
        const options = weights ? { weights } : {};
        const F = empiricalFisher(scores, d, options);
        const lr = LowRankFisher.fromScores(scores, d, options);
        expect(lr.dim).toBe(d);
        expect(lr.rank).toBe(n);
        expect(lr.totalWeight).toBeCloseTo(weights ? weights.reduce((a, b) => a + b, 0) : n, 12);

        expectClose(lr.toSymmetric().packed, F.packed, TOLERANCE, `${label} toSymmetric`);
        expectClose(lr.diagonal(), F.diagonal(), TOLERANCE, `${label} diagonal`);
        expectClose([lr.trace()], [F.trace()], TOLERANCE, `${label} trace`);

        const x = sample(3 * d, normal(seed + 2));
        expectClose(lr.matvec(x.subarray(0, d)), F.matvec(x.subarray(0, d)), TOLERANCE, `${label} matvec`);
        expectClose(lr.matvec(x), F.matvec(x), TOLERANCE, `${label} matvec batch`);

        const damping = dampingFor(F);
        for (const lambda of [damping, 10 * damping]) {
          expectClose(lr.solve(x, { damping: lambda }), F.solve(x, { damping: lambda }), TOLERANCE, `${label} solve`);
          const logDet = F.logDeterminant({ damping: lambda });
          const logDetScale = Math.max(Math.abs(logDet), 1);
          const got = lr.logDeterminant({ damping: lambda });
          expectClose([got], [logDet], TOLERANCE, `${label} logDeterminant`, logDetScale);
        }
        // Back at the first damping (its factor is refactored): the same answer.
        expectClose(lr.solve(x, { damping }), F.solve(x, { damping }), TOLERANCE, `${label} solve again`);

        const values = lr.eigenvalues();
        expect(values.length).toBe(n);
        for (let k = 1; k < n; k++) expect(values[k] as number).toBeGreaterThanOrEqual(values[k - 1] as number);
        const dense = F.eigenvalues();
        const scale = Math.max(dense[d - 1] as number, 1e-300);
        if (d <= 100) {
          // F's spectrum is the Gram's padded with d − N zeros, or the Gram's holds N − d extra zeros.
          const padded = n < d ? Float64Array.from([...new Float64Array(d - n), ...values]) : values;
          const expected = n < d ? dense : Float64Array.from([...new Float64Array(n - d), ...dense]);
          expectClose(padded, expected, TOLERANCE, `${label} eigenvalues`, scale);
        } else {
          const top = Math.min(n, d);
          expectClose(values.subarray(n - top), dense.subarray(d - top), TOLERANCE, `${label} eigenvalues`, scale);
        }
        lr.dispose();
      }
    });
  });

  it("with N ≥ d, damping 0 solves and takes log det through the dense F", () => {
    for (const d of [1, 3, 8, 33]) {
      const n = 2 * d + 3;
      const scores = sample(n * d, normal(d));
      const weights = weightsFor(n, d);
      const F = empiricalFisher(scores, d, { weights });
      const lr = LowRankFisher.fromScores(scores, d, { weights });
      const b = sample(2 * d, normal(d + 1));
      expectClose(lr.solve(b), F.solve(b), TOLERANCE, `d=${d} solve`);
      expectClose(lr.solve(b, { damping: 0 }), F.solve(b), TOLERANCE, `d=${d} solve, damping 0`);
      expectClose([lr.logDeterminant()], [F.logDeterminant()], TOLERANCE, `d=${d} logDeterminant`);
      lr.dispose();
    }
  });

  it("at d = 2500, N = 37 (several column blocks in every kernel): matvec, solve and log det", () => {
    const d = 2500;
    const n = 37;
    const scores = sample(n * d, normal(77));
    const weights = weightsFor(n, 78);
    const lr = LowRankFisher.fromScores(scores, d, { weights });
    const x = sample(d, normal(79));
    expectClose(lr.matvec(x), plainMatvec(scores, d, weights, x), TOLERANCE, "matvec");
    // The solve by its residual: (F + λI) x = b.
    const damping = (0.01 * lr.trace()) / n;
    const solution = lr.solve(x, { damping });
    const residual = plainMatvec(scores, d, weights, solution).map((v, j) => v + damping * (solution[j] as number));
    expectClose(residual, x, TOLERANCE, "solve residual");
    // log det against the Gram built entry by entry and factored by SymmetricMatrix.
    const total = weights.reduce((a, b) => a + b, 0);
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (scores[i * d + j] as number) * (scores[k * d + j] as number);
        gram[i * n + k] = (Math.sqrt((weights[i] as number) * (weights[k] as number)) * s) / total;
      }
    }
    const M = SymmetricMatrix.fromDense(gram, n);
    const expected = (d - n) * Math.log(damping) + M.logDeterminant({ damping });
    expectClose([lr.logDeterminant({ damping })], [expected], TOLERANCE, "logDeterminant");
    expectClose(lr.eigenvalues(), M.eigenvalues(), TOLERANCE, "eigenvalues");
    lr.dispose();
  });

  it("is a curvature operator that keeps the runtime it was made in", async () => {
    const other = await createRuntime({ backend: "js" });
    const scores = sample(4 * 6, normal(5));
    const lr = LowRankFisher.fromScores(scores, 6, { runtime: other });
    assertOperator("lr", lr);
    expect(lr.runtime).toBe(other);
    expect(lr.toSymmetric().runtime).toBe(other);
    expectClose(lr.toSymmetric().packed, empiricalFisher(scores, 6).packed, TOLERANCE, "toSymmetric");
    lr.dispose();
  });

  describe("bad input", () => {
    const d = 5;
    const n = 3;
    const scores = sample(n * d, normal(9));

    it("non-finite scores: NonFiniteError naming row and column", () => {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const s = scores.slice();
        s[2 * d + 3] = bad;
        let error: unknown;
        try {
          LowRankFisher.fromScores(s, d);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(NonFiniteError);
        expect(error).toMatchObject({ argument: "scores", row: 2, column: 3 });
        expect(String(error)).toContain(String(bad));
      }
    });

    it("damping 0 (or none) with N < d: RangeError naming options.damping", () => {
      const lr = LowRankFisher.fromScores(scores, d);
      const b = new Float64Array(d).fill(1);
      expect(() => lr.solve(b)).toThrow(/`options\.damping` must be positive .* N = 3 rows < dim 5.*received 0/);
      expect(() => lr.solve(b, { damping: 0 })).toThrow(RangeError);
      expect(() => lr.logDeterminant({ damping: 0 })).toThrow(/`options\.damping` must be positive/);
      for (const damping of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => lr.solve(b, { damping })).toThrow(/`options\.damping`.*received/);
      }
      lr.dispose();
    });

    it("wrong kinds and lengths: TypeError / RangeError naming the argument and value", () => {
      expect(() => LowRankFisher.fromScores([1, 2] as unknown as Float64Array, 1)).toThrow(TypeError);
      expect(() => LowRankFisher.fromScores(scores, 4)).toThrow(/`scores` length must be a multiple of dim \(4\).*15/);
      expect(() => LowRankFisher.fromScores(scores, 0)).toThrow(/`dim` must be a positive integer; received 0/);
      expect(() => LowRankFisher.fromScores(scores, 2.5)).toThrow(RangeError);
      expect(() => LowRankFisher.fromScores(scores, d, { weights: new Float64Array(2) })).toThrow(
        /`options\.weights` must have length 3.*received length 2/,
      );
      expect(() => LowRankFisher.fromScores(scores, d, { weights: new Float64Array([1, -1, 1]) })).toThrow(
        /options\.weights\[1\] is -1/,
      );
      expect(() => LowRankFisher.fromScores(scores, d, { weights: new Float64Array([1, Number.NaN, 1]) })).toThrow(
        NonFiniteError,
      );
      expect(() => LowRankFisher.fromScores(scores, d, 3 as never)).toThrow(/`options` must be an object/);
      const lr = LowRankFisher.fromScores(scores, d);
      expect(() => lr.matvec(new Float64Array(d + 1))).toThrow(/`x` must hold one vector of length 5.*length 6/);
      expect(() => lr.solve(new Float64Array(0), { damping: 1 })).toThrow(/`b` must hold one vector/);
      expect(() => lr.matvec(new Float32Array(d) as unknown as Float64Array)).toThrow(TypeError);
      const x = new Float64Array(2 * d);
      x[d + 2] = Number.NaN;
      expect(() => lr.matvec(x)).toThrow(NonFiniteError);
      expect(() => lr.solve(x, { damping: 1 })).toThrow(/`b` must be finite; row 1, column 2 is NaN/);
      lr.dispose();
    });

    it("no weight: EmptyMeanError", () => {
      expect(() => LowRankFisher.fromScores(new Float64Array(0), d)).toThrow(EmptyMeanError);
      expect(() => LowRankFisher.fromScores(scores, d, { weights: new Float64Array(n) })).toThrow(EmptyMeanError);
    });

    it("toSymmetric above MAX_DIM: RangeError; use after dispose: DisposedError", () => {
      const wide = LowRankFisher.fromScores(sample(MAX_DIM + 1, normal(3)), MAX_DIM + 1);
      expect(() => wide.toSymmetric()).toThrow(new RegExp(`toSymmetric\\(\\) needs dim <= MAX_DIM.*${MAX_DIM + 1}`));
      expect(wide.diagonal().length).toBe(MAX_DIM + 1);
      wide.dispose();
      expect(() => wide.matvec(new Float64Array(MAX_DIM + 1))).toThrow(DisposedError);
      expect(() => wide.eigenvalues()).toThrow(DisposedError);
      wide.dispose();
    });
  });
});

describe.each(BACKENDS)("matrix-vector kernels on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  const KERNEL_DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 1023, 1024, 1025, 2500];
  const KERNEL_ROWS = [1, 2, 3, 4, 5, 7, 9];

  it.each(KERNEL_DIMS)("rowDots and addWeightedRows d=%i against plain loops, no write outside", (d) => {
    const rt = runtime();
    const k = rt.kernels;
    for (const rows of KERNEL_ROWS) {
      const a = sample(rows * d, normal(d * 31 + rows));
      const x = sample(d, normal(d * 37 + rows));
      const y = sample(rows, normal(d * 41 + rows));
      const x0 = sample(d, normal(d * 43 + rows));
      const ap = rt.alloc(rows * d);
      const xp = rt.alloc(d);
      const yp = rt.alloc(rows);
      rt.write(ap, a);
      rt.write(xp, x);
      rt.write(yp, y);
      const dots = guarded(rows);
      k.rowDots(dots.ptr, ap, rows, d, xp);
      const expectedDots = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (a[r * d + j] as number) * (x[j] as number);
        expectedDots[r] = s;
      }
      // Relative to the sum of |products|, the scale of a dot product's rounding.
      const dotScale = Math.max(
        ...Array.from({ length: rows }, (_, r) =>
          a.subarray(r * d, (r + 1) * d).reduce((s, v, j) => s + Math.abs(v * (x[j] as number)), 0),
        ),
      );
      expectClose(rt.read(dots.ptr, rows), expectedDots, 1e-13, `rowDots d=${d} rows=${rows}`, dotScale);
      expect(dots.guardsIntact(), `rowDots guards d=${d} rows=${rows}`).toBe(true);

      const sums = guarded(d);
      rt.write(sums.ptr, x0);
      k.addWeightedRows(sums.ptr, ap, rows, d, yp);
      const expectedSums = x0.slice();
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < d; j++)
          expectedSums[j] = (expectedSums[j] as number) + (y[r] as number) * (a[r * d + j] as number);
      }
      expectClose(rt.read(sums.ptr, d), expectedSums, 1e-13, `addWeightedRows d=${d} rows=${rows}`);
      expect(sums.guardsIntact(), `addWeightedRows guards d=${d} rows=${rows}`).toBe(true);
      for (const p of [ap, xp, yp]) rt.free(p);
      dots.release();
      sums.release();
    }
  });

  it.each([1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 257])(
    "transposeBlock cols=%i exact, from a wider matrix, no write outside",
    (cols) => {
      const rt = runtime();
      for (const rows of [...KERNEL_ROWS, 256, 257]) {
        const stride = cols + 3;
        const a = sample(rows * stride, normal(cols * 7 + rows));
        const ap = rt.alloc(rows * stride);
        rt.write(ap, a);
        const out = guarded(rows * cols);
        rt.kernels.transposeBlock(out.ptr, ap + 8, rows, stride, cols);
        const expected = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) expected[c * rows + r] = a[r * stride + 1 + c] as number;
        expect(Array.from(rt.read(out.ptr, rows * cols))).toEqual(Array.from(expected));
        expect(out.guardsIntact(), `guards cols=${cols} rows=${rows}`).toBe(true);
        rt.free(ap);
        out.release();
      }
    },
  );
});
