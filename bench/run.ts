// `npm run bench`: every suite in one run, each printing its table beside its peers.
// Env: BENCH_QUICK=1 for a smoke run; BENCH_SUITES=fisher,cholesky to pick suites.
import { choleskySuite } from "./cholesky.js";
import { diagonalSuite } from "./diagonal.js";
import { eigenSuite } from "./eigen.js";
import { fisherSuite } from "./fisher.js";
import { inverseSuite } from "./inverse.js";
import { kfacSuite } from "./kfac.js";
import { kfacStepSuite } from "./kfac-step.js";
import { fail } from "./lib/harness.js";
import { ensureRelaxedSimd } from "./lib/relaxed-simd.js";
import { lowRankSuite } from "./low-rank.js";
import { modelsSuite } from "./models.js";
import { threadsSuite } from "./threads.js";

const SUITES: Record<string, () => Promise<void>> = {
  fisher: fisherSuite,
  cholesky: choleskySuite,
  inverse: inverseSuite,
  eigen: eigenSuite,
  models: modelsSuite,
  kfac: kfacSuite,
  "kfac-step": kfacStepSuite,
  "low-rank": lowRankSuite,
  diagonal: diagonalSuite,
  threads: threadsSuite,
};

ensureRelaxedSimd();
const wanted = (process.env.BENCH_SUITES ?? Object.keys(SUITES).join(",")).split(",").map((s) => s.trim());
for (const name of wanted) {
  const suite = SUITES[name];
  if (!suite) fail(`unknown suite ${name}; known: ${Object.keys(SUITES).join(", ")}.`);
  await suite();
}
