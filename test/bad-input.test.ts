// Bad input: a typed error that names the argument and the value, and nothing lost.
import { beforeAll, describe, expect, it } from "vitest";
import {
  DisposedError,
  EmptyMeanError,
  empiricalFisher,
  FisherAccumulator,
  init,
  MAX_DIM,
  NonFiniteError,
  SerializationError,
  SymmetricMatrix,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { normal, sample } from "./helpers/random.js";

describe.each(BACKENDS)("bad input on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("a plain array where a Float64Array is needed → TypeError", () => {
    const acc = new FisherAccumulator(2);
    expect(() => empiricalFisher([1, 2] as unknown as Float64Array, 2)).toThrow(TypeError);
    expect(() => empiricalFisher([1, 2] as unknown as Float64Array, 2)).toThrow(
      /`scores` must be a Float64Array or Float32Array; received Array\(2\)/,
    );
    expect(() => acc.add(new Int16Array(2) as unknown as Float64Array)).toThrow(/received Int16Array/);
    expect(() => acc.add(new Float64Array(2), { weights: [1] as unknown as Float64Array })).toThrow(TypeError);
    expect(() => SymmetricMatrix.fromPacked([1] as unknown as Float64Array, 1)).toThrow(TypeError);
    expect(() => acc.merge({} as FisherAccumulator)).toThrow(TypeError);
    acc.dispose();
  });

  it("dim not a positive integer → RangeError naming dim and the value", () => {
    for (const dim of [0, -3, 2.5, Number.NaN]) {
      expect(() => new FisherAccumulator(dim)).toThrow(RangeError);
      expect(() => empiricalFisher(new Float64Array(4), dim)).toThrow(
        `\`dim\` must be a positive integer; received ${dim}.`,
      );
    }
    expect(() => new FisherAccumulator("3" as unknown as number)).toThrow(/received "3"/);
  });

  it("a length that is not a multiple of dim → RangeError with the length", () => {
    expect(() => empiricalFisher(new Float64Array(10), 3)).toThrow(
      "`scores` length must be a multiple of dim (3), one row of dim values per sample; received length 10.",
    );
    const acc = new FisherAccumulator(4);
    expect(() => acc.add(new Float64Array(7))).toThrow(RangeError);
    acc.dispose();
  });

  it("weights of the wrong length, negative or non-finite → RangeError naming the weight", () => {
    const scores = new Float64Array(6);
    expect(() => empiricalFisher(scores, 2, { weights: new Float64Array(2) })).toThrow(
      "`options.weights` must have length 3 (one weight per row); received length 2.",
    );
    expect(() => empiricalFisher(scores, 2, { weights: new Float64Array([1, -0.5, 1]) })).toThrow(
      "`options.weights` must be finite and non-negative; options.weights[1] is -0.5.",
    );
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new FisherAccumulator(2).add(scores, { weights: new Float64Array([1, 1, bad]) })).toThrow(
        `options.weights[2] is ${bad}`,
      );
    }
  });

  it("a mean of nothing → EmptyMeanError (as from an empty accumulator); a sum of nothing is zero", () => {
    expect(() => empiricalFisher(new Float64Array(0), 2)).toThrow(EmptyMeanError);
    expect(() => empiricalFisher(new Float64Array(0), 2)).toThrow("0 rows of total weight 0");
    expect(() => empiricalFisher(new Float64Array(4), 2, { weights: new Float64Array(2) })).toThrow(EmptyMeanError);
    expect(() => new FisherAccumulator(2).fisher()).toThrow(EmptyMeanError);
    expect(Array.from(empiricalFisher(new Float64Array(0), 2, { reduction: "sum" }).packed)).toEqual([0, 0, 0]);
    expect(() => empiricalFisher(new Float64Array(4), 2, { reduction: "total" as "sum" })).toThrow(/reduction/);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "a %s score → NonFiniteError naming row and column, accumulator unchanged",
    (bad) => {
      const d = 7;
      // Several chunks, the bad value in a late one: earlier chunks must be rolled back.
      for (const [rows, badRow] of [
        [3, 1],
        [1000, 0],
        [1000, 700],
        [1000, 999],
      ] as const) {
        const acc = new FisherAccumulator(d).add(sample(50 * d, normal(1)));
        const before = acc.serialize();
        const scores = sample(rows * d, normal(2));
        scores[badRow * d + 4] = bad;
        let error: unknown;
        try {
          acc.add(scores);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(NonFiniteError);
        expect(error).toBeInstanceOf(RangeError);
        expect((error as NonFiniteError).row).toBe(badRow);
        expect((error as NonFiniteError).column).toBe(4);
        expect((error as Error).message).toBe(`\`scores\` must be finite; row ${badRow}, column 4 is ${bad}.`);
        expect(acc.serialize()).toEqual(before);
        expect(() => empiricalFisher(scores, d)).toThrow(`row ${badRow}, column 4 is ${bad}`);
        expect(() => empiricalFisher(scores, d, { centered: true })).toThrow(NonFiniteError);
        acc.dispose();
      }
    },
  );

  it("a non-finite score in a row of weight zero is still rejected", () => {
    const acc = new FisherAccumulator(2);
    expect(() => acc.add(new Float64Array([1, Number.NaN]), { weights: new Float64Array([0]) })).toThrow(
      NonFiniteError,
    );
    expect(acc.count).toBe(0);
    acc.dispose();
  });

  it("a dim whose dense Fisher cannot fit in 32-bit memory → RangeError with the largest that fits", () => {
    expect(MAX_DIM).toBe(22779);
    expect(() => new FisherAccumulator(MAX_DIM + 1)).toThrow(`the largest dim that fits is ${MAX_DIM}`);
    expect(() => empiricalFisher(new Float64Array(0), 100_000)).toThrow(RangeError);
  });

  it("merge of different dims → RangeError", () => {
    const a = new FisherAccumulator(3);
    const b = new FisherAccumulator(4);
    expect(() => a.merge(b)).toThrow("`other` must have dim 3 to merge; received dim 4.");
    a.dispose();
    b.dispose();
  });

  it("deserialize of truncated, corrupted or foreign bytes → SerializationError", () => {
    const acc = new FisherAccumulator(4).add(sample(40, normal(3)));
    const bytes = acc.serialize();
    acc.dispose();
    expect(() => FisherAccumulator.deserialize(bytes.subarray(0, 10))).toThrow(/truncated/);
    expect(() => FisherAccumulator.deserialize(bytes.subarray(0, bytes.length - 8))).toThrow(/needs \d+ bytes/);
    const flipped = bytes.slice();
    flipped[60] = (flipped[60] as number) ^ 1;
    expect(() => FisherAccumulator.deserialize(flipped)).toThrow(/checksum mismatch/);
    const foreign = new TextEncoder().encode("PK\u0003\u0004 this is a zip file, not an accumulator.....");
    expect(() => FisherAccumulator.deserialize(foreign)).toThrow(/magic/);
    const future = bytes.slice();
    future[4] = 3;
    expect(() => FisherAccumulator.deserialize(future)).toThrow(/version 3/);
    for (const b of [bytes.subarray(0, 10), flipped, foreign, future]) {
      expect(() => FisherAccumulator.deserialize(b)).toThrow(SerializationError);
    }
    expect(() => FisherAccumulator.deserialize("abc" as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("use after dispose → DisposedError; dispose twice is harmless", () => {
    const acc = new FisherAccumulator(3);
    acc.dispose();
    acc.dispose();
    for (const use of [
      () => acc.add(new Float64Array(3)),
      () => acc.fisher(),
      () => acc.sum(),
      () => acc.serialize(),
      () => new FisherAccumulator(3).merge(acc),
    ]) {
      expect(use).toThrow(DisposedError);
    }
    expect(use(acc)).toThrow("This FisherAccumulator was disposed and can no longer be used.");
  });

  it("SymmetricMatrix: bad lengths, indices, asymmetry and non-finite entries", () => {
    expect(() => SymmetricMatrix.fromPacked(new Float64Array(5), 3)).toThrow(
      "`ap` must have length 6 (dim(dim+1)/2 for dim 3); received length 5.",
    );
    expect(() => SymmetricMatrix.fromDense(new Float64Array([1, 2, 3, 1]), 2)).toThrow(
      /must be symmetric; a\[0\]\[1\] = 2 but a\[1\]\[0\] = 3/,
    );
    expect(() => SymmetricMatrix.fromPacked(new Float64Array([1, Number.NaN, 1]), 2)).toThrow("ap[1] is NaN");
    const m = SymmetricMatrix.fromPacked(new Float64Array([1, 2, 3]), 2);
    expect(() => m.get(2, 0)).toThrow("`i` must be an integer in [0, 2); received 2.");
    expect(() => m.matvec(new Float64Array(3))).toThrow(RangeError);
    expect(() => m.quadraticForm(new Float64Array(1))).toThrow(RangeError);
  });
});

function use(acc: FisherAccumulator): () => void {
  return () => acc.count + acc.meanScore().length;
}
