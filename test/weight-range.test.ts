// Weights and sums at the edge of the double range. A weighted MEAN does not depend on the
// weights' scale: one-shot means (empiricalFisher, diagonalFisher) give the right answer for
// weights whose sum overflows or underflows, and for scores whose products overflow before the
// division by Σw. Accumulators hold SUMS: they refuse what would take them out of range, with a
// typed error naming the argument, and stay byte-identical. Sums that truly overflow throw.
import { beforeAll, describe, expect, it } from "vitest";
import {
  createRuntime,
  DiagonalFisherAccumulator,
  diagonalFisher,
  empiricalFisher,
  FisherAccumulator,
  HessianAccumulator,
  KroneckerFactoredFisher,
  OverflowError,
  type Runtime,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample } from "./helpers/random.js";
import { referenceFisher } from "./helpers/reference.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33];

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

/** The diagonal of a packed 'U' matrix of dim d. */
function packedDiagonal(packed: Float64Array, d: number): Float64Array {
  return Float64Array.from({ length: d }, (_, j) => packed[(j * (j + 3)) / 2] as number);
}

describe.each(BACKENDS)("weights and sums at the edge of the double range on %s", (name) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await createRuntime({ backend: name });
  });

  it.each(DIMS)(
    "d=%i: a weighted mean is the same at any scale of the weights (1e308 each, 1e-320, subnormal sums)",
    (d) => {
      for (const n of [1, 2, 3, 300]) {
        const scores = sample(n * d, normal(d * 1000 + n));
        const unit = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
        const reference = referenceFisher(scores, d, { weights: unit, reduction: "mean" });
        const referenceCentered = referenceFisher(scores, d, { weights: unit, centered: true, reduction: "mean" });
        const referenceDiagonal = packedDiagonal(reference, d);
        // Σw overflows; Σw (and 1/Σw) underflow; every weight subnormal.
        for (const scale of [1e308 / 3, 2 ** 1000, 2 ** -1000, 1e-320 / 3]) {
          const weights = unit.map((w) => w * scale);
          const label = `n=${n} scale=${scale}`;
          const mean = empiricalFisher(scores, d, { weights, runtime: rt });
          expectClose(mean.packed, reference, 1e-13, `empiricalFisher ${label}`);
          const centered = empiricalFisher(scores, d, { weights, centered: true, runtime: rt });
          expectClose(centered.packed, referenceCentered, 1e-12, `centered ${label}`);
          expectClose(
            diagonalFisher(scores, d, { weights, runtime: rt }),
            referenceDiagonal,
            1e-13,
            `diagonal ${label}`,
          );
        }
      }
    },
  );

  it.each(DIMS)(
    "d=%i: scores of size 3e153 have a finite mean Fisher (about 9e306); their sum overflows and says so",
    (d) => {
      const n = 600;
      const base = sample(n * d, normal(d + 7)).map((v) => 1 + 0.5 * Math.tanh(v));
      const scores = base.map((v) => v * 3e153);
      // Exact powers of two apart: the mean of `scores` is 9e306 times that of `base`, rounding aside.
      const reference = referenceFisher(base, d, { reduction: "mean" }).map((v) => v * 9e306);
      const mean = empiricalFisher(scores, d, { runtime: rt });
      expect(mean.packed.every(Number.isFinite)).toBe(true);
      expectClose(mean.packed, reference, 1e-13, "empiricalFisher of 3e153 scores");
      expectClose(
        diagonalFisher(scores, d, { runtime: rt }),
        packedDiagonal(reference, d),
        1e-13,
        "diagonalFisher of 3e153 scores",
      );
      const out = new Float64Array((d * (d + 1)) / 2).fill(5);
      const sum = thrown(OverflowError, () => empiricalFisher(scores, d, { reduction: "sum", out, runtime: rt }));
      expect(sum.argument).toBe("scores");
      expect(Array.from(out)).toEqual(new Array(out.length).fill(5));
      expect(thrown(OverflowError, () => diagonalFisher(scores, d, { reduction: "sum", runtime: rt })).argument).toBe(
        "scores",
      );
      // A sum of weights that overflows and a product that overflows: the error names the weights.
      const huge = new Float64Array(n).fill(1e308);
      expect(
        thrown(OverflowError, () => empiricalFisher(base, d, { weights: huge, reduction: "sum", runtime: rt }))
          .argument,
      ).toBe("options.weights");
    },
  );

  it("weights [1e308, 1e308] and [1e-320] give the right mean Fisher of two rows (the issue's cases)", () => {
    const s = new Float64Array([1, 2, 3, 4]);
    const expected = new Float64Array([5, 7, 10]);
    expect(
      Array.from(empiricalFisher(s, 2, { weights: new Float64Array([1e308, 1e308]), runtime: rt }).packed),
    ).toEqual(Array.from(expected));
    const one = empiricalFisher(new Float64Array([1, 2]), 2, { weights: new Float64Array([1e-320]), runtime: rt });
    expectClose(one.packed, new Float64Array([1, 2, 4]), 1e-15, "weight 1e-320");
  });

  it.each(DIMS)(
    "d=%i: accumulators refuse weights out of their range and sums past the largest double, unchanged",
    (d) => {
      const rows = sample(4 * d, normal(d));
      const fisher = new FisherAccumulator(d, { runtime: rt });
      const diagonal = new DiagonalFisherAccumulator(d, { runtime: rt });
      const kfac = new KroneckerFactoredFisher(d, 2, { runtime: rt });
      const hessians = new HessianAccumulator(d, { runtime: rt });
      fisher.add(rows);
      diagonal.add(rows);
      kfac.add(rows, sample(8, normal(3)));
      const states = () => [
        fisher.serialize(),
        diagonal.serialize(),
        kfac.serialize(),
        new Uint8Array(hessians.sum().packed.buffer),
        new Uint8Array(new Float64Array([hessians.totalWeight]).buffer),
      ];
      const before = states();
      const overflowing = new Float64Array([1e308, 1e308, 1, 1]);
      const subnormal = new Float64Array([1, 1e-320, 1, 1]);
      const adds: [string, (weights: Float64Array) => unknown][] = [
        ["FisherAccumulator.add", (weights) => fisher.add(rows, { weights })],
        ["DiagonalFisherAccumulator.add", (weights) => diagonal.add(rows, { weights })],
        ["KroneckerFactoredFisher.add", (weights) => kfac.add(rows, sample(8, normal(3)), { weights })],
        ["HessianAccumulator.add", (weights) => hessians.add(new Float64Array(4 * d * d), { weights })],
        [
          "FisherAccumulator.commit",
          (weights) => {
            fisher.batchBuffer(4).set(rows);
            return fisher.commit(4, { weights });
          },
        ],
        [
          "DiagonalFisherAccumulator.commit",
          (weights) => {
            diagonal.batchBuffer(4).set(rows);
            return diagonal.commit(4, { weights });
          },
        ],
      ];
      for (const [label, add] of adds) {
        const over = thrown(OverflowError, () => add(overflowing));
        expect(over.argument, label).toBe("options.weights");
        const under = thrown(RangeError, () => add(subnormal));
        expect(under.message, label).toMatch(/options\.weights\[1\]` is 1e-320|options\.weights\[1\] is 1e-320/);
      }
      // Scores whose co-moment overflows: refused, nothing added.
      const big = rows.map((v, t) => (Math.floor(t / d) % 2 ? 1.2e154 : -1.2e154) * (1 + Math.abs(v)));
      expect(thrown(OverflowError, () => fisher.add(big)).argument).toBe("scores");
      expect(thrown(OverflowError, () => diagonal.add(big)).argument).toBe("scores");
      const after = states();
      for (let i = 0; i < before.length; i++)
        expect(Array.from(after[i] as Uint8Array)).toEqual(Array.from(before[i] as Uint8Array));

      // Merges whose Σ w or sums overflow are refused too.
      const heavy = new FisherAccumulator(d, { runtime: rt });
      heavy.add(rows.subarray(0, d), { weights: new Float64Array([1e308]) });
      const heavier = new FisherAccumulator(d, { runtime: rt });
      heavier.add(rows.subarray(0, d), { weights: new Float64Array([1e308]) });
      const heavyBefore = heavy.serialize();
      expect(thrown(OverflowError, () => heavy.merge(heavier)).argument).toBe("other");
      expect(Array.from(heavy.serialize())).toEqual(Array.from(heavyBefore));
      const loud = new DiagonalFisherAccumulator(d, { runtime: rt });
      loud.add(rows.map(() => 5e153));
      const loudBefore = loud.serialize();
      expect(thrown(OverflowError, () => loud.merge(loud)).argument).toBe("other");
      expect(Array.from(loud.serialize())).toEqual(Array.from(loudBefore));
      for (const acc of [fisher, diagonal, kfac, hessians, heavy, heavier, loud]) acc.dispose();
    },
  );
});
