// Property fuzzing of SymmetricMatrix and CholeskyFactor: on generated well-conditioned
// matrices every method agrees with the plain-TypeScript reference on every backend, and bad
// arguments (wrong types, lengths, dims, non-finite values at any position, bad damping) are
// typed errors naming the argument, with the matrix unchanged.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packedLength, type Runtime, SymmetricMatrix } from "../../src/index.js";
import { expectSameBits } from "../helpers/compare.js";
import {
  casesRun,
  check,
  disposeRuntimes,
  expectAgrees,
  expectInputError,
  label,
  makeRuntimes,
  nonFiniteArb,
  notFloat64ArrayArb,
  notOptionsArb,
  notPositiveIntegerArb,
  numbers,
  type Runtimes,
  SEED,
  withNonFinite,
} from "./harness.js";

let rt: Runtimes;
beforeAll(async () => {
  rt = await makeRuntimes();
});

const matrixArb = fc.record({
  dim: fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  scale: fc.constantFrom(1, 1e-6, 1e6),
  shift: fc.constantFrom(0.5, 1, 10),
});

/** A symmetric positive definite matrix: BᵀB/d + shift·I, scaled, packed. */
function spd(m: { dim: number; seed: number; scale: number; shift: number }, runtime: Runtime): SymmetricMatrix {
  const d = m.dim;
  const b = numbers(d * d, { seed: m.seed, scale: 1, offset: 0 });
  const dense = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = i === j ? m.shift * d : 0;
      for (let k = 0; k < d; k++) s += (b[k * d + i] as number) * (b[k * d + j] as number);
      dense[i * d + j] = (s / d) * m.scale;
    }
  }
  return SymmetricMatrix.fromDense(dense, d, { runtime });
}

describe("SymmetricMatrix", () => {
  it("matvec, solve, inverse, logDeterminant, eigenvalues, eigh and the rest agree with the reference", () => {
    check(
      250,
      fc.property(matrixArb, fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, 1e-3), (m, count, damping) => {
        const reference = spd(m, rt.reference);
        const x = numbers(count * m.dim, { seed: m.seed + 1, scale: 1, offset: 0 });
        const expected = {
          matvec: reference.matvec(x),
          solve: reference.solve(x, { damping }),
          inverse: reference.inverse({ damping }).packed,
          logDeterminant: [reference.logDeterminant({ damping })],
          eigenvalues: reference.eigenvalues(),
          quadraticForm: [reference.quadraticForm(x.subarray(0, m.dim))],
          factorSolve: reference.cholesky({ damping }).solve(x),
        };
        const { vectors } = reference.eigh();
        for (const runtime of rt.others) {
          const A = SymmetricMatrix.fromPacked(reference.packed, m.dim, { runtime });
          expectAgrees(A.matvec(x), expected.matvec, 1e-12, `${label(runtime)} matvec`);
          expectAgrees(A.solve(x, { damping }), expected.solve, 1e-9, `${label(runtime)} solve`);
          expectAgrees(A.inverse({ damping }).packed, expected.inverse, 1e-9, `${label(runtime)} inverse`);
          expectAgrees(
            [A.logDeterminant({ damping })],
            expected.logDeterminant,
            1e-10,
            `${label(runtime)} logDeterminant`,
          );
          expectAgrees(A.eigenvalues(), expected.eigenvalues, 1e-10, `${label(runtime)} eigenvalues`);
          expectAgrees(
            [A.quadraticForm(x.subarray(0, m.dim))],
            expected.quadraticForm,
            1e-12,
            `${label(runtime)} quadraticForm`,
          );
          expectAgrees(A.cholesky({ damping }).solve(x), expected.factorSolve, 1e-9, `${label(runtime)} factor solve`);
          // Eigenvectors agree up to sign: compare A v = λ v instead.
          const e = A.eigh();
          for (let k = 0; k < m.dim; k++) {
            const v = Float64Array.from({ length: m.dim }, (_, i) => e.vectors[i * m.dim + k] as number);
            const Av = A.matvec(v);
            const lambda = e.values[k] as number;
            expectAgrees(
              Av,
              v.map((vi) => lambda * vi),
              1e-9 * (Math.abs(e.values[m.dim - 1] as number) / Math.max(Math.abs(lambda), 1e-300)),
              `${label(runtime)} eigh ${k}`,
            );
          }
          expect(vectors.length).toBe(e.vectors.length);
        }
      }),
    );
  });

  it("bad arguments are typed errors naming them, and the matrix is unchanged", () => {
    const badArb = fc.oneof(
      fc.record({
        method: fc.constantFrom("matvec", "solve", "quadraticForm"),
        kind: fc.constant("type" as const),
        bad: notFloat64ArrayArb,
      }),
      fc.record({
        method: fc.constantFrom("matvec", "solve", "quadraticForm"),
        kind: fc.constant("length" as const),
        extra: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({
        method: fc.constantFrom("matvec", "solve", "quadraticForm"),
        kind: fc.constant("non-finite" as const),
        bad: nonFiniteArb,
      }),
      fc.record({
        method: fc.constantFrom("solve", "cholesky", "inverse", "logDeterminant"),
        kind: fc.constant("damping" as const),
        bad: fc.constantFrom<unknown>(-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "1e-3", null),
      }),
      fc.record({
        method: fc.constantFrom("cholesky", "inverse"),
        kind: fc.constant("options" as const),
        bad: notOptionsArb,
      }),
      fc.record({
        method: fc.constantFrom("get"),
        kind: fc.constant("index" as const),
        bad: fc.constantFrom<unknown>(-1, 1.5, Number.NaN, "0", 1e9),
      }),
      fc.record({
        method: fc.constantFrom("fromPacked", "fromDense"),
        kind: fc.constant("dim" as const),
        bad: notPositiveIntegerArb,
      }),
      fc.record({
        method: fc.constantFrom("fromPacked", "fromDense"),
        kind: fc.constant("array non-finite" as const),
        bad: nonFiniteArb,
      }),
      fc.record({
        method: fc.constantFrom("scale", "addDiagonal", "clampEigenvalues"),
        kind: fc.constant("number" as const),
        bad: fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, "2", null),
      }),
    );
    check(
      1500,
      fc.property(matrixArb, badArb, fc.nat(), (m, b, which) => {
        const runtime = rt.all[which % rt.all.length] as Runtime;
        const A = spd(m, runtime);
        const before = A.packed.slice();
        const x = numbers(m.dim, { seed: m.seed, scale: 1, offset: 0 });
        const call =
          (name: string, ...args: unknown[]) =>
          () =>
            (A as unknown as Record<string, (...a: unknown[]) => unknown>)[name]?.(...args);
        const vectorName = b.method === "solve" ? "b" : "x";
        switch (b.kind) {
          case "type":
            expectInputError(call(b.method, b.bad), vectorName);
            break;
          case "length": {
            const length =
              b.method === "quadraticForm" ? m.dim + b.extra : m.dim === 1 ? 0 : m.dim + (b.extra % m.dim || 1);
            expectInputError(call(b.method, new Float64Array(length)), vectorName);
            break;
          }
          case "non-finite":
            expectInputError(call(b.method, withNonFinite(x, b.bad)), vectorName);
            break;
          case "damping":
            expectInputError(
              b.method === "solve" ? call("solve", x, { damping: b.bad }) : call(b.method, { damping: b.bad }),
              "options.damping",
            );
            break;
          case "options":
            expectInputError(call(b.method, b.bad), "options");
            break;
          case "index":
            expectInputError(call("get", b.bad, 0), "i");
            expectInputError(call("get", 0, b.bad), "j");
            break;
          case "dim": {
            const make = b.method === "fromPacked" ? SymmetricMatrix.fromPacked : SymmetricMatrix.fromDense;
            expectInputError(() => make(b.method === "fromPacked" ? A.packed : A.toDense(), b.bad as number), "dim");
            break;
          }
          case "array non-finite":
            if (b.method === "fromPacked")
              expectInputError(() => SymmetricMatrix.fromPacked(withNonFinite(A.packed, b.bad), m.dim), "ap");
            else expectInputError(() => SymmetricMatrix.fromDense(withNonFinite(A.toDense(), b.bad), m.dim), "a");
            break;
          case "number":
            expectInputError(
              call(b.method, b.bad),
              b.method === "scale" ? "alpha" : b.method === "addDiagonal" ? "lambda" : "min",
            );
            break;
        }
        expectSameBits(A.packed, before, "after the rejected call");
        expect(A.packed.length).toBe(packedLength(m.dim));
      }),
    );
  });
});

afterAll(() => {
  disposeRuntimes(rt);
  console.log(`SymmetricMatrix fuzz: ${casesRun()} generated cases with seed ${SEED}`);
});
