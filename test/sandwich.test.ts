// The sandwich covariance against statsmodels' HC0 on real data, on every backend.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { empiricalFisher, init, NotPositiveDefiniteError, SymmetricMatrix, sandwichCovariance } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { flatten, packRows } from "./helpers/reference.js";

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const load = (name: string): any => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"));

describe.each(BACKENDS)("sandwichCovariance on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it.each(["logit_spector", "poisson_cpunish_glm"])("%s: sandwich_sum and cov_hc0 at 1e-10", (file) => {
    const fx = load(file);
    for (const point of ["at_mle", "at_half_mle"]) {
      const block = fx[point];
      const information = SymmetricMatrix.fromPacked(
        packRows(block.hessian_sum).map((v) => -v),
        fx.p,
      );
      const meat = empiricalFisher(flatten(block.score_obs), fx.p, { reduction: "sum" });
      const sandwich = sandwichCovariance(information, meat);
      expectClose(sandwich.packed, packRows(block.sandwich_sum), 1e-10, `${file} ${point}`);
      if (block.cov_hc0) expectClose(sandwich.packed, packRows(block.cov_hc0), 1e-10, `${file} cov_hc0`);
    }
  });

  it("bad input", () => {
    const a = SymmetricMatrix.fromPacked(new Float64Array([2, 0, 2]), 2);
    expect(() => sandwichCovariance(a, SymmetricMatrix.fromPacked(new Float64Array(6), 3))).toThrow(RangeError);
    expect(() => sandwichCovariance({} as SymmetricMatrix, a)).toThrow(TypeError);
    const indefinite = SymmetricMatrix.fromPacked(new Float64Array([1, 0, -1]), 2);
    expect(() => sandwichCovariance(indefinite, a)).toThrow(NotPositiveDefiniteError);
  });
});
