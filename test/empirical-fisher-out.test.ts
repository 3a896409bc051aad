// empiricalFisher writing into a caller's buffer: the same numbers as a fresh result, in
// the caller's array, and nothing written when the call throws.
import { beforeAll, describe, expect, it } from "vitest";
import { empiricalFisher, init, NonFiniteError, packedLength } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { normal, sample } from "./helpers/random.js";

describe.each(BACKENDS)("empiricalFisher({ out }) on %s", (backend) => {
  beforeAll(async () => {
    await init({ backend });
  });

  it.each([1, 3, 33])("dim %i: bit-identical to a fresh result, for every reduction and centering", (dim) => {
    const rows = 300;
    const scores = sample(rows * dim, normal(dim));
    const z = normal(7);
    const weights = sample(rows, () => 0.5 + Math.abs(z()));
    for (const options of [{}, { reduction: "sum" as const }, { centered: true }, { weights }]) {
      const out = new Float64Array(packedLength(dim)).fill(Number.NaN);
      const result = empiricalFisher(scores, dim, { ...options, out });
      expect(result.packed).toBe(out);
      expect(out).toEqual(empiricalFisher(scores, dim, options).packed);
    }
  });

  it("a reused buffer holds the latest result", () => {
    const out = new Float64Array(packedLength(2));
    const first = empiricalFisher(new Float64Array([1, 2]), 2, { out });
    empiricalFisher(new Float64Array([3, 4]), 2, { out });
    expect(Array.from(first.packed)).toEqual([9, 12, 16]);
  });

  it("bad out, and a throwing call leaves out as it was", () => {
    const scores = new Float64Array([1, 2, 3, 4]);
    expect(() => empiricalFisher(scores, 2, { out: new Float64Array(4) })).toThrow(
      /`options.out` must have length 3 \(the packed dim\(dim\+1\)\/2 entries of the result\); received length 4/,
    );
    expect(() => empiricalFisher(scores, 2, { out: [0, 0, 0] as unknown as Float64Array })).toThrow(TypeError);
    const out = new Float64Array([7, 7, 7]);
    expect(() => empiricalFisher(new Float64Array([1, Number.NaN]), 2, { out })).toThrow(NonFiniteError);
    expect(Array.from(out)).toEqual([7, 7, 7]);
  });
});
