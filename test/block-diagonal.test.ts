// blockDiagonal against the dense block matrix: matvec (one vector and a batch), solve (each
// block's own solve, or conjugate gradients), and the matrix-free tools and naturalGradient on the
// stacked operator; and every bad input.
import { beforeAll, describe, expect, it } from "vitest";
import {
  BlockDiagonalOperator,
  blockDiagonal,
  CallbackResultError,
  ConvergenceError,
  type CurvatureOperator,
  conjugateGradient,
  estimateTrace,
  init,
  klDivergence,
  NonFiniteError,
  NotPositiveDefiniteError,
  naturalGradient,
  SymmetricMatrix,
  topEigenvalues,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample, uniform } from "./helpers/random.js";
import { denseMatvec, randomSpd } from "./helpers/reference.js";

/** A user's matvec-only operator over a dense block. */
function matvecOnly(a: Float64Array, d: number): CurvatureOperator {
  return { dim: d, matvec: (x) => denseMatvec(a, d, x) };
}

/** The blocks' dense matrices placed along the diagonal of one dim × dim matrix. */
function assemble(blocks: { dense: Float64Array; dim: number }[]): { dense: Float64Array; dim: number } {
  const dim = blocks.reduce((s, b) => s + b.dim, 0);
  const dense = new Float64Array(dim * dim);
  let offset = 0;
  for (const b of blocks) {
    for (let i = 0; i < b.dim; i++)
      for (let j = 0; j < b.dim; j++) dense[(offset + i) * dim + offset + j] = b.dense[i * b.dim + j] as number;
    offset += b.dim;
  }
  return { dense, dim };
}

/** Every kind of block, of dims that hit the SIMD tails, with their dense matrices. */
function mixedBlocks(): { blocks: (CurvatureOperator | Float64Array)[]; dense: Float64Array; dim: number } {
  const dims = [3, 4, 5, 1, 9, 33, 2, 7, 8, 31];
  const blocks: (CurvatureOperator | Float64Array)[] = [];
  const parts: { dense: Float64Array; dim: number }[] = [];
  dims.forEach((d, i) => {
    const a = randomSpd(d, 200 + i);
    switch (i % 4) {
      case 0: // a SymmetricMatrix: Cholesky
        blocks.push(SymmetricMatrix.fromDense(a, d));
        parts.push({ dense: a, dim: d });
        break;
      case 1: {
        // a diagonal
        const diag = sample(d, uniform(300 + i)).map((v) => v + 0.1);
        blocks.push(diag);
        const dense = new Float64Array(d * d);
        for (let t = 0; t < d; t++) dense[t * d + t] = diag[t] as number;
        parts.push({ dense, dim: d });
        break;
      }
      case 2: {
        // a user's operator with its own solve
        const F = SymmetricMatrix.fromDense(a, d);
        blocks.push({ dim: d, matvec: (x) => denseMatvec(a, d, x), solve: (b, o) => F.solve(b, o) });
        parts.push({ dense: a, dim: d });
        break;
      }
      default: // matvec only: conjugate gradients
        blocks.push(matvecOnly(a, d));
        parts.push({ dense: a, dim: d });
    }
  });
  return { blocks, ...assemble(parts) };
}

describe.each(BACKENDS)("blockDiagonal on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("matvec and solve equal the dense block matrix's, for one vector and a batch", () => {
    const { blocks, dense, dim } = mixedBlocks();
    const op = blockDiagonal(blocks);
    expect(op).toBeInstanceOf(BlockDiagonalOperator);
    expect(op.dim).toBe(dim);
    expect(op.blocks.length).toBe(blocks.length);
    expect(op.offsets[0]).toBe(0);
    expect(op.offsets[3]).toBe(3 + 4 + 5);
    const reference = SymmetricMatrix.fromDense(dense, dim);
    const xs = sample(3 * dim, normal(1));
    const ys = op.matvec(xs);
    for (let r = 0; r < 3; r++) {
      const x = xs.subarray(r * dim, (r + 1) * dim);
      expectClose(ys.subarray(r * dim, (r + 1) * dim), denseMatvec(dense, dim, x), 1e-14, `matvec row ${r}`);
    }
    for (const damping of [0, 0.2]) {
      const xs2 = op.solve(xs, { damping });
      for (let r = 0; r < 3; r++) {
        const b = xs.subarray(r * dim, (r + 1) * dim);
        expectClose(
          xs2.subarray(r * dim, (r + 1) * dim),
          reference.solve(b, { damping }),
          1e-9,
          `solve λ=${damping} row ${r}`,
        );
      }
    }
    // As a curvature anywhere one is accepted.
    const g = sample(dim, normal(2));
    expectClose(
      naturalGradient(op, g, { damping: 0.1 }),
      reference.solve(g, { damping: 0.1 }),
      1e-9,
      "naturalGradient",
    );
    expect(klDivergence(op, g)).toBeCloseTo(0.5 * reference.quadraticForm(g), 9);
    expectClose(conjugateGradient(op, g, { tolerance: 1e-12 }).x, reference.solve(g), 1e-9, "CG over the blocks");
    const top = topEigenvalues(op, 4);
    expectClose(
      top.values,
      reference
        .eigenvalues()
        .slice(dim - 4)
        .reverse(),
      1e-10,
      "topEigenvalues",
    );
    const trace = estimateTrace(op, { samples: 64 });
    expect(Math.abs(trace.estimate - reference.trace())).toBeLessThanOrEqual(4 * trace.standardError);
  });

  it("blocks nest, and a single block is itself", () => {
    const a = randomSpd(5, 1);
    const b = randomSpd(3, 2);
    const inner = blockDiagonal([SymmetricMatrix.fromDense(a, 5), matvecOnly(b, 3)]);
    const outer = blockDiagonal([inner, Float64Array.of(2, 3)]);
    const { dense, dim } = assemble([
      { dense: a, dim: 5 },
      { dense: b, dim: 3 },
      { dense: Float64Array.of(2, 0, 0, 3), dim: 2 },
    ]);
    const x = sample(dim, normal(3));
    expectClose(outer.matvec(x), denseMatvec(dense, dim, x), 1e-14, "nested matvec");
    expectClose(
      outer.solve(x, { damping: 0.5 }),
      SymmetricMatrix.fromDense(dense, dim).solve(x, { damping: 0.5 }),
      1e-9,
      "nested solve",
    );
    const single = blockDiagonal([SymmetricMatrix.fromDense(a, 5)]);
    expectClose(single.matvec(x.subarray(0, 5)), denseMatvec(a, 5, x.subarray(0, 5)), 1e-14, "single");
  });

  it("a diagonal block is copied: later writes to the caller's array change nothing", () => {
    const diag = Float64Array.of(1, 2, 3);
    const op = blockDiagonal([diag]);
    diag[0] = 100;
    expect(Array.from(op.matvec(Float64Array.of(1, 1, 1)))).toEqual([1, 2, 3]);
    expect(Array.from(op.blocks[0] as Float64Array)).toEqual([1, 2, 3]);
  });
});

describe("blockDiagonal: bad input", () => {
  beforeAll(async () => {
    await init();
  });

  it("rejects what is not a list of curvatures, naming the block", () => {
    expect(() => blockDiagonal([])).toThrow("`operators` must hold at least one block; received Array(0).");
    expect(() => blockDiagonal(3 as never)).toThrow(TypeError);
    expect(() => blockDiagonal([Float64Array.of(1), { dim: 2 } as unknown as CurvatureOperator])).toThrow(
      "`operators[1]` must be a SymmetricMatrix, a Float64Array (a diagonal) or a curvature operator { dim, matvec, solve? }; received Object without a matvec function (keys: dim).",
    );
    expect(() => blockDiagonal([{ matvec: (x: Float64Array) => x } as unknown as CurvatureOperator])).toThrow(
      "`operators[0].dim` must be a positive integer; received undefined.",
    );
    expect(() => blockDiagonal([Float64Array.of(1, Number.NaN)])).toThrow(NonFiniteError);
    expect(() => blockDiagonal([new Float64Array(0)])).toThrow(RangeError);
    expect(() => blockDiagonal([[1, 2] as unknown as Float64Array])).toThrow(TypeError);
  });

  it("rejects vectors whose length does not match, non-finite entries and bad damping", () => {
    const op = blockDiagonal([Float64Array.of(1, 2), Float64Array.of(3)]);
    expect(() => op.matvec(new Float64Array(4))).toThrow(
      "`x` must hold one vector of length 3 or a row-major batch of them (a positive multiple of 3); received length 4.",
    );
    expect(() => op.solve(new Float64Array(2))).toThrow(RangeError);
    expect(() => op.matvec(Float64Array.of(1, Number.NaN, 1))).toThrow(NonFiniteError);
    expect(() => op.solve(Float64Array.of(1, 1, 1), { damping: -1 })).toThrow(
      "`options.damping` must be a finite non-negative number; received -1.",
    );
    expect(() => naturalGradient(op, new Float64Array(2))).toThrow(
      "`g` must have length 3 (F.dim); received length 2.",
    );
  });

  it("a block's garbage is a CallbackResultError or NonFiniteError naming the block", () => {
    const wrong: CurvatureOperator = { dim: 2, matvec: () => new Float64Array(3) };
    const op = blockDiagonal([Float64Array.of(1), wrong]);
    expect(() => op.matvec(new Float64Array(3))).toThrow(CallbackResultError);
    expect(() => op.matvec(new Float64Array(3))).toThrow(
      "`operators[1].matvec(x)` must return a Float64Array of length 2; it returned Float64Array of length 3.",
    );
    const nan = blockDiagonal([{ dim: 1, matvec: () => Float64Array.of(Number.NaN) }]);
    expect(() => nan.matvec(Float64Array.of(1))).toThrow(NonFiniteError);
    const badSolve = blockDiagonal([{ dim: 1, matvec: (x) => x.slice(), solve: () => Float64Array.of(Number.NaN) }]);
    expect(() => badSolve.solve(Float64Array.of(1))).toThrow(
      "`operators[0].solve(b)` must be finite; operators[0].solve(b)[0] is NaN.",
    );
  });

  it("a block that cannot be solved throws: a singular diagonal, a Cholesky that fails, CG that does not converge", () => {
    expect(() => blockDiagonal([Float64Array.of(1), Float64Array.of(0)]).solve(Float64Array.of(1, 1))).toThrow(
      RangeError,
    );
    const singular = SymmetricMatrix.fromDense(Float64Array.of(1, 1, 1, 1), 2);
    expect(() => blockDiagonal([singular]).solve(Float64Array.of(1, 0))).toThrow(NotPositiveDefiniteError);
    const indefinite: CurvatureOperator = { dim: 2, matvec: (x) => Float64Array.of(x[0] as number, -(x[1] as number)) };
    expect(() => blockDiagonal([Float64Array.of(1), indefinite]).solve(Float64Array.of(1, 1, 1))).toThrow(
      ConvergenceError,
    );
    expect(() => blockDiagonal([Float64Array.of(1), indefinite]).solve(Float64Array.of(1, 1, 1))).toThrow(/block 1/);
  });
});
