// Against independent oracles: statsmodels/numpy on real data, and exact rational
// arithmetic on seeded scores (test/fixtures, see its README).
import { readFileSync } from "node:fs";
import { beforeAll, describe, it } from "vitest";
import { empiricalFisher, FisherAccumulator, init } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { flatten, packRows } from "./helpers/reference.js";

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const load = (name: string): any => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"));

const LINALG = ["linalg_N1000_d7", "linalg_N257_d33", "linalg_N64_d130", "linalg_weighted_N500_d12"];
const MODELS = ["logit_spector", "poisson_cpunish_glm"];

describe.each(BACKENDS)("fixtures on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  describe.each(LINALG)("%s", (file) => {
    const fx = load(file);
    const scores = flatten(fx.scores);
    const weights = fx.weights ? Float64Array.from(fx.weights) : undefined;
    const opts = weights ? { weights } : {};

    it("empiricalFisher: packed sum and mean at 1e-12", () => {
      expectClose(empiricalFisher(scores, fx.d, { ...opts, reduction: "sum" }).packed, fx.sum.F_packed_U, 1e-12, "sum");
      expectClose(empiricalFisher(scores, fx.d, opts).packed, fx.mean.F_packed_U, 1e-12, "mean");
    });

    it("FisherAccumulator: sum() and fisher() at 1e-12, in uneven batches", () => {
      const acc = new FisherAccumulator(fx.d);
      const cuts = [0, 1, 40, 300, fx.N];
      for (let k = 0; k + 1 < cuts.length; k++) {
        const lo = Math.min(cuts[k] as number, fx.N);
        const hi = Math.min(cuts[k + 1] as number, fx.N);
        const w = weights?.subarray(lo, hi);
        acc.add(scores.subarray(lo * fx.d, hi * fx.d), w ? { weights: w } : {});
      }
      expectClose(acc.sum().packed, fx.sum.F_packed_U, 1e-12, "sum");
      expectClose(acc.fisher().packed, fx.mean.F_packed_U, 1e-12, "mean");
      acc.dispose();
    });
  });

  describe.each(MODELS)("%s", (file) => {
    const fx = load(file);
    describe.each(["at_mle", "at_half_mle"])("%s", (point) => {
      const block = fx[point];
      const scores = flatten(block.score_obs);
      const p = fx.p as number;

      it("opg_sum, fisher_emp_mean at 1e-12; score_cov_centered_mean at 1e-10", () => {
        expectClose(empiricalFisher(scores, p, { reduction: "sum" }).packed, packRows(block.opg_sum), 1e-12, "opg_sum");
        expectClose(empiricalFisher(scores, p).packed, packRows(block.fisher_emp_mean), 1e-12, "fisher_emp_mean");
        expectClose(
          empiricalFisher(scores, p, { centered: true }).packed,
          packRows(block.score_cov_centered_mean),
          1e-10,
          "score_cov_centered_mean",
        );
      });

      it("the accumulator agrees: sum, fisher, covariance, mean score", () => {
        const acc = new FisherAccumulator(p);
        for (let r = 0; r < fx.n; r += 5) acc.add(scores.subarray(r * p, Math.min(fx.n, r + 5) * p));
        expectClose(acc.sum().packed, packRows(block.opg_sum), 1e-12, "opg_sum");
        expectClose(acc.fisher().packed, packRows(block.fisher_emp_mean), 1e-12, "fisher_emp_mean");
        expectClose(acc.covariance().packed, packRows(block.score_cov_centered_mean), 1e-10, "centered");
        // The mean score cancels to ~0 at the MLE: judge it against the scale of the scores.
        const scale = scores.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expectClose(acc.meanScore(), block.score_mean, 1e-13, "score_mean", scale);
        acc.dispose();
      });
    });
  });
});
