// The kernel ABI directly: results against the reference, no write outside the
// output, and C untouched when the input holds a non-finite score.
import { beforeAll, describe, expect, it } from "vitest";
import { packedLength } from "../src/base/packed-layout.js";
import { defaultRuntime as runtime } from "../src/engine/init.js";
import { ALL_FINITE } from "../src/engine/kernels.js";
import { init } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { guarded } from "./helpers/guarded.js";
import { normal, sample } from "./helpers/random.js";
import { referenceFisher } from "./helpers/reference.js";

describe.each(BACKENDS)("kernels on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 17, 31, 33])("syrk d=%i: every tail, no write outside C", (d) => {
    const rt = runtime();
    const k = rt.kernels;
    for (const rows of [1, 2, 3, 5, 64]) {
      const scores = sample(rows * d, normal(d * 100 + rows));
      const weights = sample(rows, () => 0.5);
      const center = sample(d, () => 0.25);
      const c = guarded(packedLength(d));
      const a = rt.alloc(rows * d);
      const w = rt.alloc(rows);
      const m = rt.alloc(d);
      const scratch = rt.alloc(Math.ceil(k.syrkScratchBytes(rows, d) / 8) + 2);
      rt.write(a, scores);
      rt.write(w, weights);
      rt.write(m, center);
      rt.f64().fill(0, c.ptr / 8, c.ptr / 8 + packedLength(d));
      expect(k.syrk(c.ptr, a, rows, d, w, m, scratch)).toBe(ALL_FINITE);
      const centered = scores.map((v, i) => v - (center[i % d] as number));
      const expected = referenceFisher(centered, d, { weights, reduction: "sum" });
      expectClose(rt.read(c.ptr, packedLength(d)), expected, 1e-13, `d=${d} rows=${rows}`);
      expect(c.guardsIntact(), `guards d=${d} rows=${rows}`).toBe(true);
      for (const p of [a, w, m, scratch]) rt.free(p);
      c.release();
    }
  });

  it("syrk reports the first non-finite score and leaves C untouched", () => {
    const rt = runtime();
    const k = rt.kernels;
    const d = 5;
    const rows = 4;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const scores = sample(rows * d, normal(3));
      scores[2 * d + 3] = bad;
      scores[3 * d + 1] = bad;
      const a = rt.alloc(rows * d);
      const c = rt.alloc(packedLength(d));
      const scratch = rt.alloc(Math.ceil(k.syrkScratchBytes(rows, d) / 8));
      rt.write(a, scores);
      rt.f64().fill(7, c / 8, c / 8 + packedLength(d));
      expect(k.syrk(c, a, rows, d, 0, 0, scratch)).toBe(2 * d + 3);
      expect(Array.from(rt.read(c, packedLength(d)))).toEqual(new Array(packedLength(d)).fill(7));
      expect(k.findNonFinite(a, rows * d)).toBe(2 * d + 3);
      for (const p of [a, c, scratch]) rt.free(p);
    }
  });

  it.each([1, 2, 3, 4, 5, 9])("rank-1, axpy and scale d=%i: results and no write outside", (d) => {
    const rt = runtime();
    const k = rt.kernels;
    const x = sample(d, normal(d));
    const xp = rt.alloc(d);
    rt.write(xp, x);
    const c = guarded(packedLength(d));
    rt.f64().fill(1, c.ptr / 8, c.ptr / 8 + packedLength(d));
    k.packedRank1(c.ptr, d, 2, xp);
    const expected = referenceFisher(x, d, { reduction: "sum" }).map((v) => 1 + 2 * v);
    expectClose(rt.read(c.ptr, packedLength(d)), expected, 1e-15, "rank1");
    k.scale(c.ptr, packedLength(d), 0.5);
    expectClose(
      rt.read(c.ptr, packedLength(d)),
      expected.map((v) => v / 2),
      1e-15,
      "scale",
    );
    const y = guarded(d);
    rt.f64().fill(3, y.ptr / 8, y.ptr / 8 + d);
    k.axpy(y.ptr, xp, d, -1);
    expectClose(
      rt.read(y.ptr, d),
      x.map((v) => 3 - v),
      1e-15,
      "axpy",
    );
    expect(c.guardsIntact() && y.guardsIntact()).toBe(true);
    c.release();
    y.release();
    rt.free(xp);
  });
});
