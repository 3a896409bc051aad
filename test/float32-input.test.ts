// Float32 input: every function that takes score rows (and their weights) takes a Float32Array
// too, widens it exactly while staging and sums in float64. The results must equal those of the
// same values given as float64, bit for bit, on every backend, at dims that hit every SIMD tail
// and batches below and above one staged chunk; a non-finite float32 is reported by row, column
// and value, and leaves the state as it was.
import { beforeAll, describe, expect, it } from "vitest";
import { CHUNK_ROWS } from "../src/engine/runtime.js";
import {
  createRuntime,
  DiagonalFisherAccumulator,
  diagonalFisher,
  empiricalFisher,
  FisherAccumulator,
  KroneckerFactoredFisher,
  LowRankFisher,
  NonFiniteError,
  type Runtime,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose, expectSameBits } from "./helpers/compare.js";
import { normal, uniform } from "./helpers/random.js";
import { referenceFisher } from "./helpers/reference.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 129, 257];
/** Below one chunk, and over two chunks with a ragged last one. */
const ROW_COUNTS = [CHUNK_ROWS - 57, 2 * CHUNK_ROWS + 37];

/** n normal deviates rounded to float32, and the same values as float64. */
function float32Batch(n: number, seed: number): { f32: Float32Array; f64: Float64Array } {
  const next = normal(seed);
  const f32 = new Float32Array(n);
  for (let i = 0; i < n; i++) f32[i] = 3 * next();
  return { f32, f64: Float64Array.from(f32) };
}

/** n weights in [0.25, 2), some exactly 0, as float32 and as the same float64 values. */
function float32Weights(n: number, seed: number): { f32: Float32Array; f64: Float64Array } {
  const next = uniform(seed);
  const f32 = new Float32Array(n);
  for (let i = 0; i < n; i++) f32[i] = i % 11 === 3 ? 0 : 0.25 + 1.75 * next();
  return { f32, f64: Float64Array.from(f32) };
}

const bytesOf = (bytes: Uint8Array): number[] => Array.from(bytes);

describe.each(BACKENDS)("float32 input on %s", (backend) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime({ backend });
  });

  describe.each(DIMS)("dim %i", (dim) => {
    it.each(ROW_COUNTS)("empiricalFisher of %i rows: the float64 result, bit for bit", (rows) => {
      const scores = float32Batch(rows * dim, dim * 31 + rows);
      const weights = float32Weights(rows, dim + rows);
      const variants = [
        [{}, {}],
        [{ weights: weights.f32 }, { weights: weights.f64 }],
        [
          { centered: true, weights: weights.f32 },
          { centered: true, weights: weights.f64 },
        ],
        [{ reduction: "sum" as const }, { reduction: "sum" as const }],
      ] as const;
      for (const [as32, as64] of variants) {
        const expected = empiricalFisher(scores.f64, dim, { ...as64, runtime }).packed;
        expectSameBits(empiricalFisher(scores.f32, dim, { ...as32, runtime }).packed, expected, JSON.stringify(as64));
      }
      // And the float64 result is right: against plain loops over the widened values (below a chunk: they are slow).
      if (rows > CHUNK_ROWS) return;
      const reference = referenceFisher(scores.f64, dim, { weights: weights.f64, reduction: "mean" });
      expectClose(empiricalFisher(scores.f32, dim, { weights: weights.f32, runtime }).packed, reference, 1e-12, "ref");
    });

    it.each(ROW_COUNTS)("FisherAccumulator.add of %i rows: the float64 state, bit for bit", (rows) => {
      const scores = float32Batch(rows * dim, dim * 37 + rows);
      const weights = float32Weights(rows, dim * 5 + rows);
      const a = new FisherAccumulator(dim, { runtime });
      const b = new FisherAccumulator(dim, { runtime });
      try {
        a.add(scores.f32).add(scores.f32, { weights: weights.f32 });
        b.add(scores.f64).add(scores.f64, { weights: weights.f64 });
        expect(bytesOf(a.serialize())).toEqual(bytesOf(b.serialize()));
      } finally {
        a.dispose();
        b.dispose();
      }
    });

    it.each(ROW_COUNTS)("diagonalFisher and its accumulator over %i rows: the float64 result", (rows) => {
      const scores = float32Batch(rows * dim, dim * 41 + rows);
      const weights = float32Weights(rows, dim * 3 + rows);
      expectSameBits(
        diagonalFisher(scores.f32, dim, { weights: weights.f32, runtime }),
        diagonalFisher(scores.f64, dim, { weights: weights.f64, runtime }),
      );
      const a = new DiagonalFisherAccumulator(dim, { runtime });
      const b = new DiagonalFisherAccumulator(dim, { runtime });
      try {
        a.add(scores.f32, { weights: weights.f32 });
        b.add(scores.f64, { weights: weights.f64 });
        expect(bytesOf(a.serialize())).toEqual(bytesOf(b.serialize()));
      } finally {
        a.dispose();
        b.dispose();
      }
    });
  });

  it("diagonalFisher of rows wider than one staged column block (8192)", () => {
    const dim = 8192 * 2 + 3;
    const scores = float32Batch(5 * dim, 8);
    expectSameBits(diagonalFisher(scores.f32, dim, { runtime }), diagonalFisher(scores.f64, dim, { runtime }));
  });

  it.each([
    [3, 2, true],
    [17, 9, false],
    [33, 5, true],
  ])("K-FAC add with %i → %i (bias %s): float32 activations and gradients give the float64 factors", (i, o, bias) => {
    for (const rows of ROW_COUNTS) {
      const acts = float32Batch(rows * i, i + rows);
      const grads = float32Batch(rows * o, o + rows + 1);
      const weights = float32Weights(rows, rows);
      const a = new KroneckerFactoredFisher(i, o, { bias, runtime });
      const b = new KroneckerFactoredFisher(i, o, { bias, runtime });
      try {
        // Mixed precisions are fine too: each input is widened on its own.
        a.add(acts.f32, grads.f32, { weights: weights.f32 }).add(acts.f32, grads.f64);
        b.add(acts.f64, grads.f64, { weights: weights.f64 }).add(acts.f64, grads.f64);
        expect(bytesOf(a.serialize())).toEqual(bytesOf(b.serialize()));
        a.update(acts.f32, grads.f32, { decay: 0.5 });
        b.update(acts.f64, grads.f64, { decay: 0.5 });
        expect(bytesOf(a.serialize())).toEqual(bytesOf(b.serialize()));
      } finally {
        a.dispose();
        b.dispose();
      }
    }
  });

  it.each([
    [7, 5],
    [33, 17],
    [300, 9],
  ])("LowRankFisher.fromScores of %i rows × %i: the float64 operator", (rows, dim) => {
    const scores = float32Batch(rows * dim, rows * dim);
    const weights = float32Weights(rows, rows);
    const x = Float64Array.from(float32Batch(dim, 3).f64);
    const a = LowRankFisher.fromScores(scores.f32, dim, { weights: weights.f32, runtime });
    const b = LowRankFisher.fromScores(scores.f64, dim, { weights: weights.f64, runtime });
    try {
      expectSameBits(a.matvec(x), b.matvec(x), "matvec");
      expectSameBits(a.solve(x, { damping: 0.5 }), b.solve(x, { damping: 0.5 }), "solve");
      expectSameBits(a.diagonal(), b.diagonal(), "diagonal");
      expect(a.totalWeight).toBe(b.totalWeight);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  describe("a non-finite float32 is named by row, column and value, and nothing changes", () => {
    const dim = 9;
    const rows = 2 * CHUNK_ROWS + 37;
    const badRow = CHUNK_ROWS + 5;
    const badColumn = 7;

    it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("%s", (value) => {
      const scores = float32Batch(rows * dim, 99).f32;
      scores[badRow * dim + badColumn] = value;
      const expectBad = (run: () => unknown, argument = "scores") => {
        try {
          run();
          expect.fail("no error");
        } catch (error) {
          expect(error).toBeInstanceOf(NonFiniteError);
          const e = error as NonFiniteError;
          expect([e.argument, e.row, e.column, e.value]).toEqual([argument, badRow, badColumn, value]);
        }
      };
      expectBad(() => empiricalFisher(scores, dim, { runtime }));
      expectBad(() => diagonalFisher(scores, dim, { runtime }));
      expectBad(() => LowRankFisher.fromScores(scores, dim, { runtime }));
      const good = float32Batch(3 * dim, 5).f32;
      const acc = new FisherAccumulator(dim, { runtime }).add(good);
      const diag = new DiagonalFisherAccumulator(dim, { runtime }).add(good);
      const kfac = new KroneckerFactoredFisher(dim, 2, { runtime }).add(good, new Float32Array(6).fill(1));
      try {
        for (const target of [acc, diag]) {
          const before = bytesOf(target.serialize());
          expectBad(() => target.add(scores));
          expect(bytesOf(target.serialize())).toEqual(before);
        }
        const before = bytesOf(kfac.serialize());
        expectBad(() => kfac.add(scores, new Float32Array(rows * 2)), "activations");
        expect(bytesOf(kfac.serialize())).toEqual(before);
      } finally {
        acc.dispose();
        diag.dispose();
        kfac.dispose();
      }
    });
  });

  it("other typed arrays are refused with a TypeError naming both accepted types", () => {
    const message = /`scores` must be a Float64Array or Float32Array; received Int32Array/;
    expect(() => empiricalFisher(new Int32Array(4) as unknown as Float32Array, 2, { runtime })).toThrow(message);
    expect(() => diagonalFisher(new Int32Array(4) as unknown as Float32Array, 2, { runtime })).toThrow(message);
    const weights = new Uint8Array(2) as unknown as Float32Array;
    expect(() => empiricalFisher(new Float32Array(4), 2, { weights, runtime })).toThrow(
      /`options.weights` must be a Float64Array or Float32Array; received Uint8Array/,
    );
  });
});
