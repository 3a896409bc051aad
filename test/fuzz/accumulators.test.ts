// Property fuzzing of the stateful objects: a generated sequence of adds and merges gives the
// same state on every backend as on the plain-TypeScript reference, a state survives
// serialize/deserialize bit for bit, and a rejected call (any bad argument) throws a typed
// error naming it and leaves the object byte-identical (serialize() before and after).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DiagonalFisherAccumulator,
  FisherAccumulator,
  HessianAccumulator,
  KroneckerFactoredFisher,
  type Runtime,
  SerializationError,
} from "../../src/index.js";
import { expectSameBits } from "../helpers/compare.js";
import {
  casesRun,
  check,
  dimArb,
  disposeRuntimes,
  expectAgrees,
  expectInputError,
  expectSameBytes,
  label,
  MAX_BATCH_VALUES,
  makeRuntimes,
  nonFiniteArb,
  notFloat64ArrayArb,
  notOptionsArb,
  numbers,
  numbersArb,
  type Runtimes,
  rowsArb,
  SEED,
  weightsOf,
  withNonFinite,
} from "./harness.js";

const TOLERANCE = 1e-10;
let rt: Runtimes;

beforeAll(async () => {
  rt = await makeRuntimes();
});

/** One step of a generated history: add a batch (weighted or not), or merge a fresh accumulator's batch. */
const stepArb = fc.record({
  kind: fc.constantFrom("add", "add", "merge"),
  rows: rowsArb,
  values: numbersArb,
  weighted: fc.boolean(),
  zeros: fc.boolean(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;
const historyArb = fc
  .record({ dim: dimArb, steps: fc.array(stepArb, { minLength: 1, maxLength: 4 }) })
  .filter(({ dim, steps }) => steps.reduce((n, s) => n + s.rows, 0) * dim <= MAX_BATCH_VALUES);

interface Streaming {
  add(scores: Float64Array, options?: { weights?: Float64Array }): unknown;
  merge(other: never): unknown;
  serialize(): Uint8Array;
  dispose(): void;
}

/** Replays a history into a new object made by `make` in `runtime`. */
function replay<T extends Streaming>(
  make: (runtime: Runtime) => T,
  runtime: Runtime,
  dim: number,
  steps: readonly Step[],
): T {
  const acc = make(runtime);
  for (const step of steps) {
    const scores = numbers(step.rows * dim, step.values);
    const options = step.weighted ? { weights: weightsOf(step.rows, step.values.seed, step.zeros) } : undefined;
    if (step.kind === "add") acc.add(scores, options);
    else {
      const other = make(runtime);
      other.add(scores, options);
      acc.merge(other as never);
      other.dispose();
    }
  }
  return acc;
}

/** A bad call on an object of dimension `dim` with `rows` rows: the call and the argument it must name. */
const badAddArb = fc.oneof(
  fc.record({ kind: fc.constant("scores type" as const), bad: notFloat64ArrayArb }),
  fc.record({ kind: fc.constant("scores length" as const), extra: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("scores non-finite" as const), bad: nonFiniteArb }),
  fc.record({ kind: fc.constant("options" as const), bad: notOptionsArb }),
  fc.record({ kind: fc.constant("weights type" as const), bad: notFloat64ArrayArb.filter((v) => v !== undefined) }),
  fc.record({ kind: fc.constant("weights length" as const), extra: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("weights non-finite" as const), bad: nonFiniteArb }),
  fc.record({ kind: fc.constant("weights negative" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("unknown option" as const), key: fc.constantFrom("weigths", "centered", "layout") }),
);
type BadAdd = typeof badAddArb extends fc.Arbitrary<infer T> ? T : never;

function badAddArguments(
  m: BadAdd,
  dim: number,
  rows: number,
  values: Step["values"],
): { args: unknown[]; name: string } {
  const scores = numbers(rows * dim, values);
  const weights = weightsOf(rows, values.seed, false);
  switch (m.kind) {
    case "scores type":
      return { args: [m.bad], name: "scores" };
    case "scores length":
      // With dim 1 every length is whole rows: the mutation falls back to a wrong type.
      return { args: [dim === 1 ? "1,2" : new Float64Array(rows * dim + (m.extra % dim || 1))], name: "scores" };
    case "scores non-finite":
      return { args: [withNonFinite(scores, m.bad)], name: "scores" };
    case "options":
      return { args: [scores, m.bad], name: "options" };
    case "weights type":
      return { args: [scores, { weights: m.bad }], name: "options.weights" };
    case "weights length":
      return { args: [scores, { weights: new Float64Array(rows + m.extra).fill(1) }], name: "options.weights" };
    case "weights non-finite":
      return { args: [scores, { weights: withNonFinite(weights, m.bad) }], name: "options.weights" };
    case "unknown option":
      return { args: [scores, { [m.key]: weights }], name: `options.${m.key}` };
    case "weights negative": {
      const negative = weights.slice();
      negative[m.at % rows] = -0.5;
      return { args: [scores, { weights: negative }], name: "options.weights" };
    }
  }
}

describe("FisherAccumulator", () => {
  const make = (runtime: Runtime, dim: number) => new FisherAccumulator(dim, { runtime });

  it("a generated history of adds and merges agrees with the reference on every backend", () => {
    check(
      200,
      fc.property(historyArb, ({ dim, steps }) => {
        const reference = replay((r) => make(r, dim), rt.reference, dim, steps);
        for (const runtime of rt.others) {
          const acc = replay((r) => make(r, dim), runtime, dim, steps);
          expect(acc.count).toBe(reference.count);
          expect(acc.totalWeight).toBe(reference.totalWeight);
          expectAgrees(acc.sum().packed, reference.sum().packed, TOLERANCE, `${label(runtime)} sum`);
          expectAgrees(acc.comoment().packed, reference.comoment().packed, TOLERANCE, `${label(runtime)} comoment`);
          if (reference.totalWeight > 0) {
            expectAgrees(acc.fisher().packed, reference.fisher().packed, TOLERANCE, `${label(runtime)} fisher`);
            expectAgrees(acc.meanScore(), reference.meanScore(), TOLERANCE, `${label(runtime)} mean`);
          }
          // The state moves between backends bit for bit.
          const moved = FisherAccumulator.deserialize(acc.serialize(), { runtime: rt.reference });
          expectSameBytes(moved.serialize(), acc.serialize(), `${label(runtime)} state moved to js`);
          moved.dispose();
          acc.dispose();
        }
        reference.dispose();
      }),
    );
  });

  it("a rejected add leaves it byte-identical, with a typed error naming the argument", () => {
    check(
      1000,
      fc.property(historyArb, badAddArb, fc.nat(), rowsArb, numbersArb, ({ dim, steps }, m, which, rows, values) => {
        const runtime = rt.all[which % rt.all.length] as Runtime;
        const acc = replay((r) => make(r, dim), runtime, dim, steps);
        const before = acc.serialize();
        const { args, name } = badAddArguments(m, dim, rows, values);
        expectInputError(() => (acc.add as (...a: unknown[]) => unknown)(...args), name);
        expectSameBytes(acc.serialize(), before, "after the rejected call");
        acc.dispose();
      }),
    );
  });

  it("a merge with something else, or another dim, is a typed error; both sides stay byte-identical", () => {
    check(
      300,
      fc.property(dimArb, fc.constantFrom<unknown>(null, 3, {}, "acc", "other dim", "diagonal"), (dim, other) => {
        const acc = make(rt.reference, dim).add(numbers(3 * dim, { seed: dim, scale: 1, offset: 0 }));
        const before = acc.serialize();
        let argument: unknown = other;
        if (other === "other dim") argument = make(rt.reference, dim + 1);
        if (other === "diagonal") argument = new DiagonalFisherAccumulator(dim, { runtime: rt.reference });
        const otherBefore = argument instanceof FisherAccumulator ? argument.serialize() : undefined;
        expectInputError(() => acc.merge(argument as FisherAccumulator), "other");
        expectSameBytes(acc.serialize(), before, "after the rejected call");
        if (otherBefore) expectSameBytes((argument as FisherAccumulator).serialize(), otherBefore, "the other side");
        acc.dispose();
        if (argument instanceof FisherAccumulator || argument instanceof DiagonalFisherAccumulator) argument.dispose();
      }),
    );
  });

  it("corrupted or foreign bytes are refused by deserialize with SerializationError", () => {
    check(
      800,
      fc.property(
        dimArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom("flip", "truncate", "extend"),
        (dim, at, mask, how) => {
          const acc = make(rt.reference, dim).add(numbers(2 * dim, { seed: at + 1, scale: 1, offset: 0 }));
          const bytes = acc.serialize();
          acc.dispose();
          let bad: Uint8Array;
          if (how === "flip") {
            bad = bytes.slice();
            bad[at % bad.length] = (bad[at % bad.length] as number) ^ mask;
          } else if (how === "truncate") bad = bytes.slice(0, at % bytes.length);
          else bad = Uint8Array.from([...bytes, mask]);
          expect(() => FisherAccumulator.deserialize(bad, { runtime: rt.reference })).toThrow(SerializationError);
        },
      ),
    );
  });
});

describe("DiagonalFisherAccumulator", () => {
  const make = (runtime: Runtime, dim: number) => new DiagonalFisherAccumulator(dim, { runtime });

  it("a generated history agrees with the reference and with the dense accumulator's diagonal", () => {
    check(
      200,
      fc.property(historyArb, ({ dim, steps }) => {
        const reference = replay((r) => make(r, dim), rt.reference, dim, steps);
        const dense = replay((r) => new FisherAccumulator(dim, { runtime: r }), rt.reference, dim, steps);
        expectAgrees(reference.sum(), dense.sum().diagonal(), TOLERANCE, "dense diagonal");
        for (const runtime of rt.others) {
          const acc = replay((r) => make(r, dim), runtime, dim, steps);
          expect(acc.count).toBe(reference.count);
          expectAgrees(acc.sum(), reference.sum(), TOLERANCE, label(runtime));
          acc.dispose();
        }
        reference.dispose();
        dense.dispose();
      }),
    );
  });

  it("a rejected add leaves it byte-identical, with a typed error naming the argument", () => {
    check(
      800,
      fc.property(historyArb, badAddArb, fc.nat(), rowsArb, numbersArb, ({ dim, steps }, m, which, rows, values) => {
        const runtime = rt.all[which % rt.all.length] as Runtime;
        const acc = replay((r) => make(r, dim), runtime, dim, steps);
        const before = acc.serialize();
        const { args, name } = badAddArguments(m, dim, rows, values);
        expectInputError(() => (acc.add as (...a: unknown[]) => unknown)(...args), name);
        expectSameBytes(acc.serialize(), before, "after the rejected call");
        acc.dispose();
      }),
    );
  });
});

describe("KroneckerFactoredFisher", () => {
  const layerArb = fc.record({
    inputDim: fc.constantFrom(1, 2, 3, 4, 5, 8, 9, 17),
    outputDim: fc.constantFrom(1, 2, 3, 5, 7, 16),
    bias: fc.boolean(),
    // Moderate scales: at 1e100 the product G V A leaves float64, which is the business of the
    // non-finite-result checks, not of the agreement between backends.
    batches: fc.array(
      fc.record({
        rows: rowsArb,
        values: fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          scale: fc.constantFrom(1, 1e-3, 1e3),
          offset: fc.constantFrom(0, 1),
        }),
        weighted: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });

  it("factors, matvec and the damped solve agree with the reference on every backend", () => {
    check(
      100,
      fc.property(layerArb, ({ inputDim, outputDim, bias, batches }) => {
        const build = (runtime: Runtime) => {
          const layer = new KroneckerFactoredFisher(inputDim, outputDim, { bias, runtime });
          for (const b of batches) {
            const a = numbers(b.rows * inputDim, b.values);
            const g = numbers(b.rows * outputDim, { ...b.values, seed: b.values.seed + 1 });
            layer.add(a, g, b.weighted ? { weights: weightsOf(b.rows, b.values.seed, false) } : undefined);
          }
          return layer;
        };
        const reference = build(rt.reference);
        const V = numbers(reference.dim, { seed: 5, scale: 1, offset: 0 });
        const { A, G } = reference.factors();
        const refMatvec = reference.matvec(V);
        const damping = 1e-2 * (A.trace() / A.dim + G.trace() / G.dim) + 1e-300;
        const refSolve = reference.solve(V, { damping });
        for (const runtime of rt.others) {
          const layer = build(runtime);
          const f = layer.factors();
          expectAgrees(f.A.packed, A.packed, TOLERANCE, `${label(runtime)} A`);
          expectAgrees(f.G.packed, G.packed, TOLERANCE, `${label(runtime)} G`);
          expectAgrees(layer.matvec(V), refMatvec, TOLERANCE, `${label(runtime)} matvec`);
          expectAgrees(layer.solve(V, { damping }), refSolve, 1e-8, `${label(runtime)} solve`);
          layer.dispose();
        }
        reference.dispose();
      }),
    );
  });

  it("a rejected add leaves it byte-identical, with a typed error naming the argument", () => {
    const badArb = fc.oneof(
      fc.record({
        which: fc.constantFrom("activations", "outputGradients"),
        kind: fc.constant("type" as const),
        bad: notFloat64ArrayArb,
      }),
      fc.record({
        which: fc.constantFrom("activations", "outputGradients"),
        kind: fc.constant("non-finite" as const),
        bad: nonFiniteArb,
      }),
      fc.record({
        which: fc.constantFrom("activations", "outputGradients"),
        kind: fc.constant("rows" as const),
        bad: fc.constant(0),
      }),
    );
    check(
      400,
      fc.property(layerArb, badArb, fc.nat(), ({ inputDim, outputDim, bias, batches }, m, which) => {
        const runtime = rt.all[which % rt.all.length] as Runtime;
        const layer = new KroneckerFactoredFisher(inputDim, outputDim, { bias, runtime });
        const b = batches[0] as (typeof batches)[number];
        const a = numbers(b.rows * inputDim, b.values);
        const g = numbers(b.rows * outputDim, b.values);
        layer.add(a, g);
        const before = layer.serialize();
        const args: unknown[] = [a, g];
        const position = m.which === "activations" ? 0 : 1;
        const original = args[position] as Float64Array;
        if (m.kind === "type") args[position] = m.bad;
        else if (m.kind === "non-finite") args[position] = withNonFinite(original, m.bad);
        else
          args[position] = original.subarray(0, original.length - (m.which === "activations" ? inputDim : outputDim));
        expectInputError(() => (layer.add as (...x: unknown[]) => unknown)(...args), m.which);
        expectSameBytes(layer.serialize(), before, "after the rejected add");
        layer.dispose();
      }),
    );
  });
});

describe("HessianAccumulator", () => {
  it("sums of generated symmetric matrices agree with the reference; a bad batch changes nothing", () => {
    const caseArb = fc.record({
      dim: fc.constantFrom(1, 2, 3, 4, 5, 7, 9, 16, 17),
      count: fc.integer({ min: 1, max: 70 }),
      values: numbersArb,
      layout: fc.constantFrom<"dense" | "packed">("dense", "packed"),
      bad: fc.option(nonFiniteArb),
    });
    check(
      300,
      fc.property(caseArb, ({ dim, count, values, layout, bad }) => {
        const raw = numbers(count * dim * dim, values);
        const hessians = new Float64Array(layout === "dense" ? count * dim * dim : (count * dim * (dim + 1)) / 2);
        for (let s = 0, q = 0; s < count; s++) {
          for (let i = 0; i < dim; i++) {
            for (let j = 0; j < dim; j++) {
              const v = raw[s * dim * dim + Math.min(i, j) * dim + Math.max(i, j)] as number;
              if (layout === "dense") hessians[s * dim * dim + i * dim + j] = v;
              else if (i <= j) hessians[q++] = raw[s * dim * dim + i * dim + j] as number;
            }
          }
        }
        const reference = new HessianAccumulator(dim, { runtime: rt.reference }).add(hessians, { layout });
        for (const runtime of rt.others) {
          const acc = new HessianAccumulator(dim, { runtime }).add(hessians, { layout });
          expectAgrees(acc.sum().packed, reference.sum().packed, TOLERANCE, label(runtime));
          if (bad) {
            const before = acc.sum().packed;
            expectInputError(() => acc.add(withNonFinite(hessians, bad), { layout }), "hessians");
            expectSameBits(acc.sum().packed, before, "after the rejected add");
            expect(acc.count).toBe(count);
          }
          acc.dispose();
        }
        reference.dispose();
      }),
    );
  });
});

afterAll(() => {
  disposeRuntimes(rt);
  console.log(`accumulator fuzz: ${casesRun()} generated cases with seed ${SEED}`);
});
