// `npm run bench`: every suite in one run, each printing its table beside its peers.
// Env: BENCH_QUICK=1 for a smoke run; BENCH_SUITES=fisher,cholesky to pick suites.
import { choleskySuite } from "./cholesky.mjs";
import { eigenSuite } from "./eigen.mjs";
import { fisherSuite } from "./fisher.mjs";
import { fail } from "./lib/harness.mjs";
import { modelsSuite } from "./models.mjs";

const SUITES = { fisher: fisherSuite, cholesky: choleskySuite, eigen: eigenSuite, models: modelsSuite };

const wanted = (process.env.BENCH_SUITES ?? Object.keys(SUITES).join(",")).split(",").map((s) => s.trim());
for (const name of wanted) {
  const suite = SUITES[name];
  if (!suite) fail(`unknown suite ${name}; known: ${Object.keys(SUITES).join(", ")}.`);
  await suite();
}
