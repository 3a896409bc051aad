// Calls at the edge of the public API that once gave a wrong or unexplained result: each is
// now a typed error naming the argument, or the documented value.
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  conjugateGradient,
  discreteExpectedFisher,
  EmptyMeanError,
  init,
  klDivergence,
  models,
  naturalGradient,
  packedIndex,
  packedLength,
  SymmetricMatrix,
  topEigenvalues,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";

beforeAll(async () => {
  await init();
});

describe("packed layout helpers check their arguments", () => {
  it.each([["3"], [-1], [2.5], [Number.NaN], [undefined]])("packedLength(%j) is a typed error naming dim", (dim) => {
    expect(() => packedLength(dim as number)).toThrow(/`dim`/);
    expect(() => packedLength(dim as number)).toThrow(typeof dim === "number" ? RangeError : TypeError);
  });

  it("packedLength(0) is 0 and packedLength(3) is 6", () => {
    expect(packedLength(0)).toBe(0);
    expect(packedLength(3)).toBe(6);
  });

  it.each([
    [-1, 0, "i"],
    [0, -1, "j"],
    [0.5, 1, "i"],
    ["1", 0, "i"],
    [0, Number.NaN, "j"],
  ])("packedIndex(%j, %j) is a typed error naming %s", (i, j, name) => {
    expect(() => packedIndex(i as number, j as number)).toThrow(new RegExp(`\`${name}\``));
  });

  it("packedIndex(i, j) = packedIndex(j, i) = i + j(j+1)/2 for i <= j", () => {
    expect(packedIndex(1, 2)).toBe(4);
    expect(packedIndex(2, 1)).toBe(4);
    expect(packedIndex(0, 0)).toBe(0);
  });
});

describe("curvature arguments", () => {
  it("naturalGradient({ packed, dim }, g) says what a curvature must be", () => {
    const fake = { packed: new Float64Array([2, 0, 2]), dim: 2 };
    const g = new Float64Array([1, 1]);
    expect(() => naturalGradient(fake as never, g)).toThrow(TypeError);
    expect(() => naturalGradient(fake as never, g)).toThrow(/`F`.*matvec/);
  });

  it("klDivergence's errors name delta", () => {
    const F = SymmetricMatrix.fromPacked(new Float64Array([2, 0, 2]), 2);
    expect(() => klDivergence(F, new Float64Array(3))).toThrow(/`delta`/);
    expect(() => klDivergence(F, new Float64Array([1, Number.NaN]))).toThrow(/`delta`/);
    expect(() => klDivergence(F, [1, 2] as never)).toThrow(/`delta`/);
    const diagonal = new Float64Array([1, 2]);
    expect(() => klDivergence(diagonal, new Float64Array(3))).toThrow(/`delta`/);
  });
});

describe("every tolerance is a finite number >= 0", () => {
  const a = new Float64Array([1, 2, 3, 4]); // not symmetric
  const spd = SymmetricMatrix.fromPacked(new Float64Array([2, 0.5, 1]), 2);
  const b = new Float64Array([1, 1]);
  const calls: [string, (tolerance: unknown) => unknown][] = [
    ["options.symmetryTolerance", (t) => SymmetricMatrix.fromDense(a, 2, { symmetryTolerance: t as number })],
    ["options.tolerance", (t) => spd.rank({ tolerance: t as number })],
    ["options.tolerance", (t) => conjugateGradient(spd, b, { tolerance: t as number })],
    ["options.tolerance", (t) => topEigenvalues(spd, 1, { tolerance: t as number })],
  ];
  it.each([
    [Number.NaN, RangeError],
    ["x", TypeError],
    [Number.POSITIVE_INFINITY, RangeError],
    [-1, RangeError],
    [null, TypeError],
  ])("%j is a %o naming the option", (tolerance, kind) => {
    for (const [name, call] of calls) {
      expect(() => call(tolerance)).toThrow(kind);
      expect(() => call(tolerance)).toThrow(`\`${name}\``);
    }
  });

  it("a negative symmetry tolerance no longer reaches the garbled 'a[0][0] = 1 but a[0][0] = 1'", () => {
    expect(() => SymmetricMatrix.fromDense(new Float64Array([1, 0, 0, 1]), 2, { symmetryTolerance: -1 })).toThrow(
      "`options.symmetryTolerance` must be a finite non-negative number; received -1.",
    );
  });

  it("a large finite tolerance accepts an asymmetric matrix, as documented", () => {
    expect(SymmetricMatrix.fromDense(a, 2, { symmetryTolerance: Number.MAX_VALUE }).get(0, 1)).toBe(2);
  });
});

describe("init", () => {
  it("the last call wins: init(); await init({ backend: 'js' }); await the first leaves js active", async () => {
    // A fresh copy of the module, so the default build compiles while the js call completes.
    vi.resetModules();
    const fresh: typeof import("../src/index.js") = await import("../src/index.js");
    const first = fresh.init();
    await fresh.init({ backend: "js" });
    await first;
    expect(fresh.backend()).toBe("js");
    const again = fresh.init({ backend: "js" });
    await fresh.init({ backend: BACKENDS[1] as never });
    await again;
    expect(fresh.backend()).toBe(BACKENDS[1]);
  });
});

describe("discreteExpectedFisher with zero samples", () => {
  it.each(BACKENDS)("%s: is the zero matrix for a sum and EmptyMeanError for a mean", async (name) => {
    await init({ backend: name });
    for (const dim of [1, 3, 9]) {
      const F = discreteExpectedFisher(new Float64Array(0), new Float64Array(0), dim, 2);
      expect(F.dim).toBe(dim);
      expect(Array.from(F.packed)).toEqual(new Array(packedLength(dim)).fill(0));
      expect(() =>
        discreteExpectedFisher(new Float64Array(0), new Float64Array(0), dim, 2, { reduction: "mean" }),
      ).toThrow(EmptyMeanError);
    }
    await init();
  });
});

describe("models.gaussian on an exact linear fit", () => {
  const X = new Float64Array([1, 0.1, 1, 0.7, 1, 1.3, 1, 2.9, 1, 4.1]);
  it("throws as documented when y = Xβ exactly, up to rounding", () => {
    const y = new Float64Array(5);
    for (let i = 0; i < 5; i++) y[i] = 0.3 + 1.7 * (X[2 * i + 1] as number);
    expect(() => models.gaussian(X, y, 2)).toThrow(/fitted exactly/);
  });

  it("accepts a fit whose residuals are small but well above rounding", () => {
    const y = new Float64Array(5);
    for (let i = 0; i < 5; i++) y[i] = 1e8 + 1.7 * (X[2 * i + 1] as number) + (i % 2 ? 1e-5 : -1e-5);
    expect(() => models.gaussian(X, y, 2)).not.toThrow();
  });
});
