// Property fuzzing of the one-shot reductions over score rows: empiricalFisher, diagonalFisher
// and discreteExpectedFisher agree with the plain-TypeScript reference on every backend, and
// every kind of bad argument is a typed error naming it.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  diagonalFisher,
  discreteExpectedFisher,
  empiricalFisher,
  packedIndex,
  packedLength,
  type Runtime,
} from "../../src/index.js";
import { expectSameBits } from "../helpers/compare.js";
import {
  casesRun,
  check,
  dimArb,
  disposeRuntimes,
  expectAgrees,
  expectInputError,
  label,
  MAX_BATCH_VALUES,
  makeRuntimes,
  nonFiniteArb,
  notFloat64ArrayArb,
  notOptionsArb,
  notPositiveIntegerArb,
  numbers,
  numbersArb,
  type Runtimes,
  rowsArb,
  SEED,
  weightsOf,
  withNonFinite,
} from "./harness.js";

const TOLERANCE = 1e-11;
let rt: Runtimes;

beforeAll(async () => {
  rt = await makeRuntimes();
});

/** A batch of scores with its options, generated. */
const batchArb = fc
  .record({
    dim: dimArb,
    rows: rowsArb,
    values: numbersArb,
    weighted: fc.boolean(),
    zeros: fc.boolean(),
    centered: fc.boolean(),
    reduction: fc.constantFrom<"mean" | "sum" | undefined>("mean", "sum", undefined),
  })
  .filter((b) => b.rows * b.dim <= MAX_BATCH_VALUES);
type Batch = typeof batchArb extends fc.Arbitrary<infer T> ? T : never;

function materialize(b: Batch) {
  const scores = numbers(b.rows * b.dim, b.values);
  const weights = b.weighted ? weightsOf(b.rows, b.values.seed, b.zeros) : undefined;
  return { scores, weights };
}

describe("empiricalFisher", () => {
  it("agrees with the reference on every backend", () => {
    check(
      500,
      fc.property(batchArb, (b) => {
        const { scores, weights } = materialize(b);
        const options = {
          centered: b.centered,
          ...(weights && { weights }),
          ...(b.reduction && { reduction: b.reduction }),
        };
        const expected = empiricalFisher(scores, b.dim, { ...options, runtime: rt.reference }).packed;
        for (const runtime of rt.others) {
          const F = empiricalFisher(scores, b.dim, { ...options, runtime });
          expectAgrees(F.packed, expected, TOLERANCE, label(runtime));
          // The result written into a caller's `out` is the same array of the same values.
          const out = new Float64Array(packedLength(b.dim));
          expect(empiricalFisher(scores, b.dim, { ...options, runtime, out }).packed).toBe(out);
          expectSameBits(out, F.packed, `${label(runtime)} out`);
        }
      }),
    );
  });

  it("a bad argument is a typed error naming it, and `out` stays untouched", () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("scores type" as const), bad: notFloat64ArrayArb }),
      fc.record({ kind: fc.constant("scores length" as const), extra: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("scores non-finite" as const), bad: nonFiniteArb }),
      fc.record({ kind: fc.constant("dim" as const), bad: notPositiveIntegerArb }),
      fc.record({ kind: fc.constant("options" as const), bad: notOptionsArb }),
      fc.record({ kind: fc.constant("weights type" as const), bad: notFloat64ArrayArb }),
      fc.record({ kind: fc.constant("weights length" as const), extra: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("weights non-finite" as const), bad: nonFiniteArb }),
      fc.record({ kind: fc.constant("weights negative" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("reduction" as const), bad: fc.constantFrom<unknown>("Mean", "avg", 1, "") }),
      fc.record({ kind: fc.constant("out" as const), extra: fc.integer({ min: 1, max: 2 }) }),
      fc.record({
        kind: fc.constant("unknown option" as const),
        key: fc.constantFrom("centred", "weigths", "dampening", ""),
      }),
      fc.record({
        kind: fc.constant("option type" as const),
        key: fc.constantFrom("centered", "reduction", "weights"),
        bad: fc.constantFrom<unknown>("false", null, 1, [1]),
      }),
      fc.record({ kind: fc.constant("runtime" as const), bad: fc.constantFrom<unknown>({}, "js", 1) }),
    );
    check(
      2000,
      fc.property(batchArb, mutation, fc.nat(), (b, m, which) => {
        const { scores } = materialize(b);
        const runtime = rt.all[which % rt.all.length] as Runtime;
        const weights = weightsOf(b.rows, b.values.seed, false);
        const out = new Float64Array(packedLength(b.dim)).fill(7);
        let args: [unknown, unknown, unknown] = [scores, b.dim, { runtime, out }];
        let name = "";
        switch (m.kind) {
          case "scores type":
            args = [m.bad, b.dim, { runtime, out }];
            name = "scores";
            break;
          case "scores length":
            args = [new Float64Array(scores.length + m.extra), b.dim, { runtime, out }];
            name = "scores";
            if ((scores.length + m.extra) % b.dim === 0) return; // still whole rows
            break;
          case "scores non-finite":
            args = [withNonFinite(scores, m.bad), b.dim, { runtime, out }];
            name = "scores";
            break;
          case "dim":
            args = [scores, m.bad, { runtime }];
            name = "dim";
            break;
          case "options":
            args = [scores, b.dim, m.bad];
            name = "options";
            break;
          case "weights type":
            args = [scores, b.dim, { runtime, out, weights: m.bad }];
            name = "options.weights";
            if (m.bad === undefined) return;
            break;
          case "weights length":
            args = [scores, b.dim, { runtime, out, weights: new Float64Array(b.rows + m.extra).fill(1) }];
            name = "options.weights";
            break;
          case "weights non-finite":
            args = [scores, b.dim, { runtime, out, weights: withNonFinite(weights, m.bad) }];
            name = "options.weights";
            break;
          case "weights negative": {
            const negative = weights.slice();
            negative[m.at % b.rows] = -1;
            args = [scores, b.dim, { runtime, out, weights: negative }];
            name = "options.weights";
            break;
          }
          case "reduction":
            args = [scores, b.dim, { runtime, out, reduction: m.bad }];
            name = "options.reduction";
            break;
          case "out":
            args = [scores, b.dim, { runtime, out: new Float64Array(packedLength(b.dim) + m.extra) }];
            name = "options.out";
            break;
          case "unknown option":
            args = [scores, b.dim, { runtime, out, [m.key]: true }];
            name = `options.${m.key}`;
            break;
          case "option type":
            args = [scores, b.dim, { runtime, out, [m.key]: m.bad }];
            name = `options.${m.key}`;
            break;
          case "runtime":
            args = [scores, b.dim, { runtime: m.bad }];
            name = "options.runtime";
            break;
        }
        expectInputError(() => (empiricalFisher as (...a: unknown[]) => unknown)(...args), name);
        expect(out.every((v) => v === 7)).toBe(true);
      }),
    );
  });
});

describe("diagonalFisher", () => {
  it("agrees with the reference on every backend, and with the diagonal of empiricalFisher", () => {
    check(
      400,
      fc.property(batchArb, (b) => {
        const { scores, weights } = materialize(b);
        const options = { ...(weights && { weights }), ...(b.reduction && { reduction: b.reduction }) };
        const expected = diagonalFisher(scores, b.dim, { ...options, runtime: rt.reference });
        expectAgrees(
          expected,
          empiricalFisher(scores, b.dim, { ...options, runtime: rt.reference }).diagonal(),
          TOLERANCE,
          "dense diagonal",
        );
        for (const runtime of rt.others) {
          expectAgrees(diagonalFisher(scores, b.dim, { ...options, runtime }), expected, TOLERANCE, label(runtime));
        }
      }),
    );
  });

  it("a non-finite score or weight is a NonFiniteError naming the argument", () => {
    check(
      800,
      fc.property(batchArb, nonFiniteArb, fc.boolean(), fc.nat(), (b, bad, inWeights, which) => {
        const { scores } = materialize(b);
        const runtime = rt.all[which % rt.all.length] as Runtime;
        const weights = weightsOf(b.rows, 1, false);
        if (inWeights) {
          expectInputError(
            () => diagonalFisher(scores, b.dim, { runtime, weights: withNonFinite(weights, bad) }),
            "options.weights",
          );
        } else {
          expectInputError(() => diagonalFisher(withNonFinite(scores, bad), b.dim, { runtime, weights }), "scores");
        }
      }),
    );
  });
});

describe("discreteExpectedFisher", () => {
  it("agrees with the reference on every backend, and with Σ_i Σ_k p_ik s sᵀ summed densely", () => {
    const caseArb = fc.record({
      dim: fc.constantFrom(1, 2, 3, 5, 8, 9, 17),
      samples: fc.integer({ min: 1, max: 40 }),
      outcomes: fc.integer({ min: 1, max: 5 }),
      values: numbersArb,
    });
    check(
      300,
      fc.property(caseArb, ({ dim, samples, outcomes, values }) => {
        const scores = numbers(samples * outcomes * dim, values);
        const probabilities = weightsOf(samples * outcomes, values.seed, false);
        for (let i = 0; i < samples; i++) {
          let total = 0;
          for (let k = 0; k < outcomes; k++) total += probabilities[i * outcomes + k] as number;
          for (let k = 0; k < outcomes; k++)
            probabilities[i * outcomes + k] = (probabilities[i * outcomes + k] as number) / total;
        }
        const expected = discreteExpectedFisher(scores, probabilities, dim, outcomes, { runtime: rt.reference }).packed;
        const dense = new Float64Array(packedLength(dim));
        for (let r = 0; r < samples * outcomes; r++) {
          for (let j = 0; j < dim; j++) {
            for (let i = 0; i <= j; i++) {
              dense[packedIndex(i, j)] =
                (dense[packedIndex(i, j)] as number) +
                (probabilities[r] as number) * (scores[r * dim + i] as number) * (scores[r * dim + j] as number);
            }
          }
        }
        expectAgrees(expected, dense, 1e-10, "dense sum");
        for (const runtime of rt.others) {
          expectAgrees(
            discreteExpectedFisher(scores, probabilities, dim, outcomes, { runtime }).packed,
            expected,
            TOLERANCE,
            label(runtime),
          );
        }
      }),
    );
  });
});

describe("packedIndex and packedLength", () => {
  it("packedIndex enumerates the packed 'U' positions exactly once, either triangle", () => {
    check(
      1000,
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (dim, a, b) => {
        const i = a % dim;
        const j = b % dim;
        expect(packedIndex(i, j)).toBe(packedIndex(j, i));
        const [lo, hi] = i <= j ? [i, j] : [j, i];
        expect(packedIndex(lo, hi)).toBe(lo + (hi * (hi + 1)) / 2);
        expect(packedIndex(lo, hi)).toBeLessThan(packedLength(dim));
        expect(packedLength(dim)).toBe((dim * (dim + 1)) / 2);
      }),
    );
  });
});

afterAll(() => {
  disposeRuntimes(rt);
  console.log(`one-shot fuzz: ${casesRun()} generated cases with seed ${SEED}`);
});
