// The packed 'U' layout helpers against a dense reference that lists the upper triangle
// column by column, so no index formula is shared between the code and its test.
import { beforeAll, describe, expect, it } from "vitest";
import {
  findAsymmetry,
  packDense,
  packedColumnStart,
  packedDiagonalIndex,
  packedIndex,
  packedLength,
  symmetrizeAndPack,
  unpackToDense,
} from "../src/base/packed-layout.js";
import { HessianAccumulator, informationMatrixTest, init, SymmetricMatrix } from "../src/index.js";
import { normal, sample } from "./helpers/random.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 31, 33];

/** The pairs (i, j), i <= j, in packed 'U' order: column j = 0, 1, …, rows 0..j within it. */
function upperPairsInPackedOrder(dim: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let j = 0; j < dim; j++) for (let i = 0; i <= j; i++) pairs.push([i, j]);
  return pairs;
}

function symmetricFrom(a: Float64Array, dim: number): Float64Array {
  const s = a.slice();
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) s[i * dim + j] = s[j * dim + i] as number;
  return s;
}

describe.each(DIMS)("packed layout, dim %i", (dim) => {
  const pairs = upperPairsInPackedOrder(dim);
  const a = sample(dim * dim, normal(dim)); // not symmetric
  const symmetric = symmetricFrom(a, dim);

  it("indexes either triangle, the column starts and the diagonal as the reference order does", () => {
    expect(packedLength(dim)).toBe(pairs.length);
    pairs.forEach(([i, j], position) => {
      expect(packedIndex(i, j)).toBe(position);
      expect(packedIndex(j, i)).toBe(position);
      if (i === 0) expect(packedColumnStart(j)).toBe(position);
      if (i === j) expect(packedDiagonalIndex(j)).toBe(position);
    });
  });

  it("packs the upper triangle and ignores the lower one", () => {
    const expected = pairs.map(([i, j]) => a[i * dim + j] as number);
    expect(Array.from(packDense(a, dim))).toEqual(expected);
    const out = new Float64Array(packedLength(dim)).fill(Number.NaN);
    expect(packDense(a, dim, out)).toBe(out);
    expect(Array.from(out)).toEqual(expected);
    // The second matrix of a batch into the second slot of a packed batch.
    const batch = new Float64Array(2 * dim * dim);
    batch.set(a, dim * dim);
    const packedBatch = new Float64Array(2 * packedLength(dim));
    packDense(batch, dim, packedBatch, dim * dim, packedLength(dim));
    expect(Array.from(packedBatch.subarray(packedLength(dim)))).toEqual(expected);
    expect(packedBatch.subarray(0, packedLength(dim)).every((v) => v === 0)).toBe(true);
  });

  it("unpacks to the full symmetric matrix, and the round trips are exact", () => {
    const packed = sample(packedLength(dim), normal(100 + dim));
    const dense = unpackToDense(packed, dim);
    pairs.forEach(([i, j], position) => {
      expect(dense[i * dim + j]).toBe(packed[position]);
      expect(dense[j * dim + i]).toBe(packed[position]);
    });
    expect(Array.from(packDense(dense, dim))).toEqual(Array.from(packed));
    expect(Array.from(unpackToDense(packDense(symmetric, dim), dim))).toEqual(Array.from(symmetric));
    const out = new Float64Array(dim * dim).fill(Number.NaN);
    expect(unpackToDense(packed, dim, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(dense));
  });

  it("symmetrizes as (A + Aᵀ)/2", () => {
    const expected = pairs.map(([i, j]) => ((a[i * dim + j] as number) + (a[j * dim + i] as number)) / 2);
    expect(Array.from(symmetrizeAndPack(a, dim))).toEqual(expected);
    expect(Array.from(symmetrizeAndPack(symmetric, dim))).toEqual(Array.from(packDense(symmetric, dim)));
  });

  it("finds the largest asymmetry beyond the tolerance, relative to the largest |entry|", () => {
    expect(findAsymmetry(symmetric, dim, 0)).toBeUndefined();
    if (dim === 1) return;
    // Two perturbed pairs, the larger one in the lower triangle and in the last column.
    const skewed = symmetric.slice();
    skewed[0 * dim + 1] = (skewed[0 * dim + 1] as number) + 1e-6;
    const [i, j] = [dim - 2, dim - 1];
    skewed[j * dim + i] = (skewed[j * dim + i] as number) + 1e-3;
    const scale = Math.max(...Array.from(skewed, Math.abs));
    const worst = { i, j, upper: skewed[i * dim + j], lower: skewed[j * dim + i], scale };
    expect(findAsymmetry(skewed, dim, 0)).toEqual(worst);
    const difference = Math.abs((worst.upper as number) - (worst.lower as number));
    expect(findAsymmetry(skewed, dim, difference / scale)).toBeUndefined();
    expect(findAsymmetry(skewed, dim, (0.999 * difference) / scale)).toEqual(worst);
    // The same matrix inside a batch, found through its offset.
    const batch = new Float64Array(3 * dim * dim);
    batch.set(symmetric, 0);
    batch.set(skewed, dim * dim);
    batch.set(symmetric, 2 * dim * dim);
    expect(findAsymmetry(batch, dim, 0, 0)).toBeUndefined();
    expect(findAsymmetry(batch, dim, 0, dim * dim)).toEqual(worst);
    expect(findAsymmetry(batch, dim, 0, 2 * dim * dim)).toBeUndefined();
  });
});

describe("the symmetry tolerance", () => {
  beforeAll(async () => {
    await init({ backend: "js" });
  });

  const a = new Float64Array([1, 2, 2, 3]);

  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY, "x"])("fromDense rejects %s, naming the option", (bad) => {
    const call = () => SymmetricMatrix.fromDense(a, 2, { symmetryTolerance: bad as number });
    expect(call).toThrow(
      typeof bad === "number"
        ? /`options\.symmetryTolerance` must be a finite non-negative number; received /
        : '`options.symmetryTolerance` must be a number; received "x".',
    );
    try {
      call();
    } catch (error) {
      expect(error instanceof RangeError || error instanceof TypeError).toBe(true);
    }
  });

  it("fromDense reports a NaN tolerance with its value", () => {
    expect(() => SymmetricMatrix.fromDense(a, 2, { symmetryTolerance: Number.NaN })).toThrow(
      new RangeError("`options.symmetryTolerance` must be a finite non-negative number; received NaN."),
    );
  });

  it("HessianAccumulator.add and informationMatrixTest validate it the same way", () => {
    const message = "`options.symmetryTolerance` must be a finite non-negative number; received NaN.";
    const accumulator = new HessianAccumulator(2);
    expect(() => accumulator.add(a, { symmetryTolerance: Number.NaN })).toThrow(new RangeError(message));
    accumulator.dispose();
    const scores = sample(2 * 8, normal(7));
    const hessians = new Float64Array(8 * 4);
    expect(() => informationMatrixTest(scores, hessians, 2, { symmetryTolerance: Number.NaN })).toThrow(
      new RangeError(message),
    );
  });

  it("keeps the defaults: 1e-12 for fromDense, 1e-10 for Hessians", () => {
    const off = (relative: number) => new Float64Array([1, 1, 1 + relative, 1]);
    expect(() => SymmetricMatrix.fromDense(off(5e-13), 2)).not.toThrow();
    expect(() => SymmetricMatrix.fromDense(off(5e-12), 2)).toThrow(RangeError);
    const accumulator = new HessianAccumulator(2);
    expect(() => accumulator.add(off(5e-11))).not.toThrow();
    expect(() => accumulator.add(off(5e-10))).toThrow(RangeError);
    accumulator.dispose();
  });
});
