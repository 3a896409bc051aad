// No public function returns NaN or ±Infinity silently: a matrix holding a non-finite entry (written
// into its `packed` array after it was made) is refused by every method, naming it, and a result
// that overflows from finite inputs raises OverflowError naming the argument, leaving objects as
// they were; where only an intermediate overflows (the squares of a Frobenius norm), the result is
// computed in range.
import { beforeAll, describe, expect, it } from "vitest";
import {
  createRuntime,
  klDivergence,
  NonFiniteError,
  naturalGradient,
  OverflowError,
  packedIndex,
  packedLength,
  type Runtime,
  SymmetricMatrix,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { randomSpd } from "./helpers/reference.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64];

/** Runs `call`, expects it to throw `type`, and returns the error. */
function thrown<E extends Error>(type: new (...args: never[]) => E, call: () => unknown): E {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  return caught as E;
}

function diagonalMatrix(values: number[], rt: Runtime): SymmetricMatrix {
  const d = values.length;
  const packed = new Float64Array(packedLength(d));
  values.forEach((v, i) => {
    packed[packedIndex(i, i)] = v;
  });
  return SymmetricMatrix.fromPacked(packed, d, { runtime: rt });
}

describe.each(BACKENDS)("non-finite results on %s", (name) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await createRuntime({ backend: name });
  });

  it.each(DIMS)(
    "d=%i: every method refuses a matrix whose packed array was given a NaN or ±Infinity, naming it",
    (d) => {
      const spd = randomSpd(d, d);
      const x = Float64Array.from({ length: d }, (_, i) => 1 + i);
      const positions: [number, number][] = [
        [0, 0],
        [d - 1, d - 1],
        [0, d - 1],
        [Math.floor(d / 2), d - 1],
      ];
      for (const [i, j] of positions) {
        for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
          const m = SymmetricMatrix.fromDense(spd, d, { runtime: rt });
          m.packed[packedIndex(i, j)] = bad;
          const calls: [string, () => unknown][] = [
            ["cholesky", () => m.cholesky()],
            ["solve", () => m.solve(x)],
            ["inverse", () => m.inverse()],
            ["logDeterminant", () => m.logDeterminant()],
            ["eigenvalues", () => m.eigenvalues()],
            ["eigh", () => m.eigh()],
            ["conditionNumber", () => m.conditionNumber()],
            ["rank", () => m.rank()],
            ["clampEigenvalues", () => m.clampEigenvalues(0)],
            ["matvec", () => m.matvec(x)],
            ["quadraticForm", () => m.quadraticForm(x)],
            ["frobeniusNorm", () => m.frobeniusNorm()],
            ["scale", () => m.scale(2)],
            ["addDiagonal", () => m.addDiagonal(1)],
            ["add", () => m.add(SymmetricMatrix.fromDense(spd, d))],
          ];
          if (i === j) calls.push(["trace", () => m.trace()]);
          for (const [method, call] of calls) {
            const error = thrown(NonFiniteError, call);
            expect(error.argument, `${method} at [${i}][${j}] = ${bad}`).toBe("matrix");
            expect([error.row, error.column], method).toEqual([i, j]);
            expect(error.message, method).not.toMatch(/tolerance/);
          }
          const ng = thrown(NonFiniteError, () => naturalGradient(m, x));
          expect(ng.argument).toBe("F");
          const kl = thrown(NonFiniteError, () => klDivergence(m, x));
          expect(kl.argument).toBe("F");
        }
      }
    },
  );

  it("scale(1e308), add and addDiagonal past the largest double throw OverflowError naming the argument; the matrix is unchanged", () => {
    const a = SymmetricMatrix.fromDense(new Float64Array([2, 1, 1, 2]), 2, { runtime: rt });
    const before = a.packed.slice();
    const scaled = thrown(OverflowError, () => a.scale(1e308));
    expect(scaled.argument).toBe("alpha");
    expect(scaled).toBeInstanceOf(RangeError);
    expect(scaled.message).toMatch(/`alpha`/);
    const big = SymmetricMatrix.fromDense(new Float64Array([1e308, 0, 0, 1e308]), 2, { runtime: rt });
    expect(thrown(OverflowError, () => big.addDiagonal(1e308)).argument).toBe("lambda");
    expect(thrown(OverflowError, () => big.add(big)).argument).toBe("other");
    expect(thrown(OverflowError, () => big.trace()).argument).toBe("matrix");
    expect(thrown(OverflowError, () => big.cholesky({ damping: 1e308 })).argument).toBe("options.damping");
    expect(Array.from(a.packed)).toEqual(Array.from(before));
    // In range, the same calls still compute.
    expect(Array.from(a.scale(1e307).packed)).toEqual([2e307, 1e307, 2e307]);
  });

  it.each(DIMS)(
    "d=%i: solves, inverses, products and forms that overflow throw OverflowError; out is untouched",
    (d) => {
      const tiny = diagonalMatrix(
        Array.from({ length: d }, () => 1e-300),
        rt,
      );
      const g = new Float64Array(d).fill(1e10);
      expect(thrown(OverflowError, () => tiny.solve(g)).argument).toBe("b");
      expect(thrown(OverflowError, () => tiny.cholesky().solve(g)).argument).toBe("b");
      expect(thrown(OverflowError, () => naturalGradient(tiny, g)).argument).toBe("g");
      expect(thrown(OverflowError, () => naturalGradient(tiny.diagonal(), g)).argument).toBe("g");
      const subnormal = diagonalMatrix(
        Array.from({ length: d }, () => 1e-310),
        rt,
      );
      expect(thrown(OverflowError, () => subnormal.inverse()).argument).toBe("matrix");

      const huge = diagonalMatrix(
        Array.from({ length: d }, () => 1e300),
        rt,
      );
      expect(thrown(OverflowError, () => klDivergence(huge, g)).argument).toBe("delta");
      expect(thrown(OverflowError, () => klDivergence(huge.diagonal(), g)).argument).toBe("delta");
      expect(thrown(OverflowError, () => huge.quadraticForm(g)).argument).toBe("x");
      const out = new Float64Array(d).fill(7);
      expect(thrown(OverflowError, () => huge.matvec(g, { out })).argument).toBe("x");
      expect(Array.from(out)).toEqual(new Array(d).fill(7));
      expect(thrown(NonFiniteError, () => huge.matvec(new Float64Array(d).fill(Number.NaN))).argument).toBe("x");
    },
  );

  it("an eigenvalue past the largest double throws OverflowError; a Frobenius norm in range is computed although its squares overflow", () => {
    const ones = SymmetricMatrix.fromDense(new Float64Array([1e308, 1e308, 1e308, 1e308]), 2, { runtime: rt });
    expect(thrown(OverflowError, () => ones.eigenvalues()).argument).toBe("matrix");
    expect(thrown(OverflowError, () => ones.eigh()).argument).toBe("matrix");
    const big = SymmetricMatrix.fromDense(new Float64Array([3e200, 4e200, 4e200, 0]), 2, { runtime: rt });
    // sqrt(9 + 16 + 16) · 1e200
    expect(big.frobeniusNorm() / (Math.sqrt(41) * 1e200)).toBeCloseTo(1, 14);
    expect(thrown(OverflowError, () => ones.scale(1.5).frobeniusNorm())).toBeDefined();
  });
});
