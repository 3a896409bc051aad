// The spectrum through SymmetricMatrix: eigenvalues, eigh, condition number, rank
// and the PSD repair, on every backend.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { init, NotPositiveDefiniteError, SymmetricMatrix } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const load = (name: string): any => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"));

/** Q diag(values) Qᵀ for the orthogonal Q of a rotation by `angle` in the (0, 1) plane. */
function rotated(values: number[], angle: number): SymmetricMatrix {
  const d = values.length;
  const q = new Float64Array(d * d);
  for (let i = 0; i < d; i++) q[i * d + i] = 1;
  q[0] = Math.cos(angle);
  q[1] = -Math.sin(angle);
  q[d] = Math.sin(angle);
  q[d + 1] = Math.cos(angle);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (q[i * d + k] as number) * (values[k] as number) * (q[j * d + k] as number);
      a[i * d + j] = s;
    }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i] as number;
  return SymmetricMatrix.fromDense(a, d);
}

describe.each(BACKENDS)("spectrum on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("eigenvalues() and eigh() match the fixtures' eigvalsh", () => {
    const fx = load("linalg_N257_d33");
    const F = SymmetricMatrix.fromPacked(Float64Array.from(fx.mean.F_packed_U), fx.d);
    expectClose(F.eigenvalues(), fx.mean.eigvalsh, 1e-12, "eigenvalues");
    expectClose(F.eigh().values, fx.mean.eigvalsh, 1e-12, "eigh");
  });

  it("conditionNumber and rank, including the rank-deficient 64 × 130 Fisher", () => {
    expect(rotated([1, 4, 10], 0.3).conditionNumber()).toBeCloseTo(10, 12);
    expect(rotated([0, 4, 10], 0.3).conditionNumber()).toBeGreaterThan(1e14);
    expect(SymmetricMatrix.fromPacked(new Float64Array(3), 2).conditionNumber()).toBe(Number.POSITIVE_INFINITY);
    const fx = load("linalg_N64_d130");
    const F = SymmetricMatrix.fromPacked(Float64Array.from(fx.mean.F_packed_U), fx.d);
    expect(F.rank()).toBe(64);
    expect(F.rank({ tolerance: 1e300 })).toBe(0);
    expect(rotated([1, 4, 10], 0.3).rank()).toBe(3);
    expect(() => F.rank({ tolerance: -1 })).toThrow(RangeError);
  });

  it("clampEigenvalues repairs a slightly indefinite matrix and keeps the eigenvectors", () => {
    const A = rotated([-1e-3, 2, 3, 5], 0.7);
    expect(() => A.cholesky()).toThrow(NotPositiveDefiniteError);
    const repaired = A.clampEigenvalues(0);
    expectClose(repaired.eigenvalues(), [0, 2, 3, 5], 1e-14, "clamped values");
    expectClose(repaired.toDense(), rotated([0, 2, 3, 5], 0.7).toDense(), 1e-14, "clamped matrix");
    expect(A.clampEigenvalues(1e-6).cholesky().dim).toBe(4);
    expectClose(A.clampEigenvalues(-10).toDense(), A.toDense(), 1e-14, "no-op clamp");
    expect(() => A.clampEigenvalues(Number.NaN)).toThrow(RangeError);
  });
});
