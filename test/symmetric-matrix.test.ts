// SymmetricMatrix against dense computations.
import { beforeAll, describe, expect, it } from "vitest";
import { init, packedIndex, packedLength, SymmetricMatrix } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample } from "./helpers/random.js";

function randomDense(d: number, seed: number): Float64Array {
  const a = sample(d * d, normal(seed));
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i] as number;
  return a;
}

describe.each(BACKENDS)("SymmetricMatrix on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("uses LAPACK 'U' packed order: AP[i + j(j+1)/2] = A[i][j]", () => {
    const m = SymmetricMatrix.fromDense(new Float64Array([1, 2, 4, 2, 3, 5, 4, 5, 6]), 3);
    expect(Array.from(m.packed)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(packedIndex(2, 1)).toBe(4);
    expect(packedLength(3)).toBe(6);
    expect(m.get(2, 1)).toBe(5);
    expect(m.get(1, 2)).toBe(5);
  });

  it.each([1, 2, 3, 5, 8, 17])("d=%i: toDense, diagonal, trace, matvec, quadraticForm", (d) => {
    const a = randomDense(d, d);
    const m = SymmetricMatrix.fromDense(a, d);
    expect(Array.from(m.toDense())).toEqual(Array.from(a));
    expect(Array.from(SymmetricMatrix.fromPacked(m.packed, d).toDense())).toEqual(Array.from(a));
    const diag = Array.from({ length: d }, (_, i) => a[i * d + i] as number);
    expect(Array.from(m.diagonal())).toEqual(diag);
    expect(m.trace()).toBeCloseTo(
      diag.reduce((s, v) => s + v, 0),
      12,
    );
    const x = sample(d, normal(100 + d));
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) y[i] = (y[i] as number) + (a[i * d + j] as number) * (x[j] as number);
    expectClose(m.matvec(x), y, 1e-14, "matvec");
    const out = new Float64Array(d).fill(99);
    expect(m.matvec(x, { out })).toBe(out);
    expectClose(out, y, 1e-14, "matvec out");
    const older = new Float64Array(d).fill(99);
    expect(m.matvec(x, older)).toBe(older);
    expectClose(older, y, 1e-14, "matvec out as the second argument");
    expect(() => m.matvec(x, { out: new Float64Array(d + 1) })).toThrow(/`options.out` must have length/);
    const q = y.reduce((s, v, i) => s + v * (x[i] as number), 0);
    expect(Math.abs(m.quadraticForm(x) - q)).toBeLessThan(1e-12 * Math.max(1, Math.abs(q)));
  });

  it("fromPacked copies its input; the matrix owns its data", () => {
    const ap = new Float64Array([1, 2, 3]);
    const m = SymmetricMatrix.fromPacked(ap, 2);
    ap[0] = 100;
    expect(m.get(0, 0)).toBe(1);
  });

  it("fromDense accepts rounding-level asymmetry within the tolerance", () => {
    const a = new Float64Array([1, 2, 2 + 1e-15, 3]);
    expect(SymmetricMatrix.fromDense(a, 2).get(1, 0)).toBe(2);
    expect(() => SymmetricMatrix.fromDense(a, 2, { symmetryTolerance: 0 })).toThrow(RangeError);
  });
});
