// fisher-wasm demo: logistic regression on the Spector & Mazzeo (1980) data, fitted by
// Fisher scoring, then the empirical Fisher, the score covariance, standard errors, the
// information matrix test, streaming accumulation and the kernel's speed.
//
// Run with `npm start` (builds dist/ first).
import { readFileSync } from "node:fs";
import {
  availableBackends,
  backend,
  empiricalFisher,
  FisherAccumulator,
  type GlmModel,
  HessianAccumulator,
  init,
  models,
  naturalGradient,
  numericalHessian,
} from "fisher-wasm";
import { fisherFlops, measureGflops } from "../tools/gflops.js";
import { randomScores } from "../tools/random-scores.js";
import { matrix, maxAbs, maxAbsDiff, num, sci, vector } from "./lib/format.js";
import { SPECTOR_NAMES, spectorDesign } from "./lib/spector.js";

const NAMES = SPECTOR_NAMES;
const D = NAMES.length;

// statsmodels 0.13.5, Logit(GRADE, [GPA, TUCE, PSI, const]).fit(method="newton", tol=1e-12).
const STATSMODELS = {
  params: [2.8261125948893215, 0.0951576613179094, 2.3786876550933544, -13.021346858115693],
  loglike: -12.889634222131413,
  bse: [1.262941075629107, 0.14155420567369437, 1.0645642544971352, 4.931324213602806],
  bseHC0: [1.2675459820157904, 0.11792226774939105, 0.9644192096528857, 5.197585410299552],
};

const log = (line = "") => console.log(line);
const heading = (title: string) => log(`\n== ${title} ==`);

/** X (rows × 4: GPA, TUCE, PSI, const) and y (GRADE) from data/spector.csv. */
function loadSpector() {
  const path = new URL("../data/spector.csv", import.meta.url);
  return spectorDesign(readFileSync(path, "utf8"), "data/spector.csv");
}

/** The outcome of iterate(): converged within the cap, or not, with the last max |ḡ|. */
type Run =
  | { converged: true; iterations: number; beta: Float64Array }
  | { converged: false; iterations: number; beta: Float64Array; gradient: number };

/**
 * Iterations of β ← β + step(β) from β = 0 until max |ḡ| < tolerance (or the cap),
 * where ḡ = ∇ℓ/N is the mean score: gradient ascent on the mean log-likelihood.
 */
function iterate(
  model: GlmModel,
  step: (beta: Float64Array, meanGradient: Float64Array) => Float64Array,
  tolerance: number,
  cap: number,
): Run {
  const meanGradient = (beta: Float64Array) => model.gradient(beta).map((v) => v / model.n);
  let beta = new Float64Array(D);
  for (let k = 1; k <= cap; k++) {
    const g = meanGradient(beta);
    if (maxAbs(g) < tolerance) return { iterations: k - 1, beta, converged: true };
    const delta = step(beta, g);
    beta = beta.map((b, j) => b + delta[j]);
  }
  return { iterations: cap, beta, converged: false, gradient: maxAbs(meanGradient(beta)) };
}

/** Log-likelihood at each Newton iterate, by refitting with growing iteration budgets. */
function fitTrace(model: GlmModel, iterations: number): void {
  log("    iter   log-likelihood     max|score|");
  for (let k = 1; k <= iterations; k++) {
    const partial = model.fit({ maxIterations: k });
    const score = model.gradient(partial.params);
    log(
      `    ${String(k).padStart(4)}   ${partial.logLikelihood.toFixed(10).padStart(15)}   ${sci(maxAbs(score)).padStart(10)}`,
    );
  }
}

async function main(): Promise<void> {
  await init();
  const active = backend();

  log("fisher-wasm demo: logistic regression on the Spector & Mazzeo (1980) data");
  log(`backend: ${active} (available: ${availableBackends().join(", ")})`);

  heading("Data");
  const { x, y, n } = loadSpector();
  log(`    data/spector.csv: ${n} students, ${y.reduce((a, b) => a + b)} with GRADE = 1`);
  log(`    model: P(GRADE = 1) = σ(β_GPA·GPA + β_TUCE·TUCE + β_PSI·PSI + β_const)`);

  heading("Fisher scoring");
  const model = models.logistic(x, y, D);
  log("    model = models.logistic(X, y, 4); fit = model.fit()");
  log("    Newton steps (−H)⁻¹ ∇ℓ by packed Cholesky solves; −H = I(β), the expected Fisher, for this canonical link");
  const fit = model.fit();
  if (!fit.converged) throw new Error(`the fit did not converge: ${fit.reason}`);
  fitTrace(model, fit.iterations);
  const beta = fit.params;
  log(`    converged after ${fit.iterations} iterations; log-likelihood ${fit.logLikelihood.toFixed(10)}`);
  log(`    (statsmodels log-likelihood ${STATSMODELS.loglike.toFixed(10)})`);
  log();
  log("    param          fitted   statsmodels");
  for (let j = 0; j < D; j++)
    log(`    ${NAMES[j].padEnd(6)}${num(beta[j], 14, 8)}${num(STATSMODELS.params[j], 14, 8)}`);
  log(`    max |fitted − statsmodels| = ${sci(maxAbsDiff(beta, STATSMODELS.params))}`);

  heading("Scores at the MLE");
  const scores = model.scores(beta); // s_i = (y_i − p_i) x_i, one row per student
  const meanScore = model.gradient(beta).map((v) => v / n);
  log(`    mean score s̄ = ${vector(meanScore)}   max |s̄| = ${sci(maxAbs(meanScore))}`);
  const info = model.expectedFisher(beta);
  const empirical = empiricalFisher(scores, D);
  const covariance = empiricalFisher(scores, D, { centered: true });
  const infoPerSample = info.scale(1 / n);
  log("\n    empirical Fisher (1/N) Σ s sᵀ   = empiricalFisher(S, 4)");
  log(matrix(empirical, NAMES));
  log("\n    expected Fisher per sample I(β)/N   = model.expectedFisher(β).scale(1/N)");
  log(matrix(infoPerSample, NAMES));
  log("\n    score covariance (1/N) Σ (s − s̄)(s − s̄)ᵀ   = empiricalFisher(S, 4, { centered: true })");
  log(matrix(covariance, NAMES));
  log();
  log(`    max |empirical − covariance| = ${sci(maxAbsDiff(empirical.packed, covariance.packed))}`);
  log("      (they differ by s̄ s̄ᵀ, and s̄ = 0 at the MLE)");
  log(`    max |empirical − I/N|        = ${sci(maxAbsDiff(empirical.packed, infoPerSample.packed))}`);
  log("      (equal only in expectation under the model; with N = 32 they visibly differ)");

  const half = beta.map((b) => b / 2);
  const halfScores = model.scores(half);
  const halfMean = model.gradient(half).map((v) => v / n);
  const halfEmpirical = empiricalFisher(halfScores, D);
  const halfCovariance = empiricalFisher(halfScores, D, { centered: true });
  log("\n    at β = MLE/2 the mean score is not zero:");
  log(`    mean score s̄ = ${vector(halfMean)}   max |s̄| = ${sci(maxAbs(halfMean))}`);
  log(`    max |empirical − covariance| = ${sci(maxAbsDiff(halfEmpirical.packed, halfCovariance.packed))}`);
  const outer = new Float64Array(halfEmpirical.packed.length);
  for (let j = 0, k = 0; j < D; j++) for (let i = 0; i <= j; i++, k++) outer[k] = halfMean[i] * halfMean[j];
  const gap = halfEmpirical.packed.map((v, k) => v - halfCovariance.packed[k]);
  log(`    max |(empirical − covariance) − s̄ s̄ᵀ| = ${sci(maxAbsDiff(gap, outer))}`);

  heading("Standard errors");
  log("    model SE = √diag((−H)⁻¹) = fit.standardErrors; robust = √diag(H⁻¹ (Σ s sᵀ) H⁻¹) = fit.robustStandardErrors");
  const se = fit.standardErrors;
  const robust = fit.robustStandardErrors;
  log("    param   model SE   statsmodels   robust SE   statsmodels HC0");
  for (let j = 0; j < D; j++) {
    log(
      `    ${NAMES[j].padEnd(6)}${num(se[j], 10)}${num(STATSMODELS.bse[j], 14)}${num(robust[j], 12)}${num(STATSMODELS.bseHC0[j], 18)}`,
    );
  }
  log(
    `    max |diff|: model ${sci(maxAbsDiff(se, STATSMODELS.bse))}, robust ${sci(maxAbsDiff(robust, STATSMODELS.bseHC0))}`,
  );

  heading("Fisher = −E[Hessian]");
  // Two routes to −H that share nothing with the kernel's XᵀWX: second differences of ℓ
  // alone, and the 32 per-sample Hessians summed by the HessianAccumulator.
  const numeric = numericalHessian((b) => model.logLikelihood(b), beta);
  const hessians = new HessianAccumulator(D);
  try {
    hessians.add(model.sampleHessians(beta), { layout: "packed" });
    const observedMean = hessians.negativeMean();
    log("    observed information per sample −(1/N) Σ H_i   = HessianAccumulator.negativeMean()");
    log(`    max |−(1/N) Σ H_i − I(β)/N|      = ${sci(maxAbsDiff(observedMean.packed, infoPerSample.packed))}`);
  } finally {
    hessians.dispose();
  }
  const numericGap = maxAbsDiff(numeric.scale(-1).packed, info.packed) / maxAbs(info.packed);
  log(`    max |−numericalHessian(ℓ) − I(β)| / max |I(β)| = ${sci(numericGap)}   (second differences of ℓ alone)`);
  log("    canonical link: observed = expected information at every β");

  heading("Information matrix test (White 1982): is F = −E[H]?");
  const im = model.informationMatrixTest(beta);
  log(
    `    indicators vech(s sᵀ + H): ${im.keptIndicators.length} kept, ${im.droppedIndicators.length} dropped as exactly collinear (PSI² = PSI)`,
  );
  log(
    `    OPG form (n·R²):  statistic ${num(im.opg.statistic, 0, 4).trim()}, df ${im.opg.df}, p = ${sci(im.opg.pValue)}`,
  );
  // White's form needs the indicators' Jacobian, which the built-in models supply.
  const { white } = im;
  if (white) {
    log(
      `    White's form:     statistic ${num(white.statistic, 0, 4).trim()}, df ${white.df}, p = ${sci(white.pValue)}`,
    );
  }
  log("    (with N = 32 the OPG form is known to over-reject; White's form finds no misspecification)");

  heading("Natural gradient vs gradient descent");
  const tolerance = 1e-8;
  // Gradient ascent with the fixed step 1/L, L = λmax(XᵀX)/(4N) bounding the curvature of the mean log-likelihood.
  const lipschitz = empiricalFisher(x, D).eigenvalues()[D - 1] / 4;
  const plainRun = iterate(model, (_, g) => g.map((v) => v / lipschitz), tolerance, 200000);
  // Natural gradient: step (F + λI)⁻¹ ḡ with F the empirical Fisher (a mean) of the current scores.
  const damping = 1e-10;
  const naturalRun = iterate(
    model,
    (b, g) => naturalGradient(empiricalFisher(model.scores(b), D), g, { damping }),
    tolerance,
    1000,
  );
  const describe = (r: Run) =>
    r.converged
      ? `${r.iterations} iterations`
      : `not converged after ${r.iterations} iterations (max |ḡ| = ${sci(r.gradient)})`;
  log(`    from β = 0 until max |mean score| < ${tolerance}:`);
  log(`    gradient ascent, step 1/L (L = ${num(lipschitz, 0, 4).trim()}):  ${describe(plainRun)}`);
  log(`    natural gradient, (F + ${damping}·I)⁻¹ ḡ:         ${describe(naturalRun)}`);
  log(`    natural gradient with the expected Fisher I(β) (Fisher scoring, above): ${fit.iterations} iterations`);
  log(`    max |β_natural − MLE| = ${sci(maxAbsDiff(naturalRun.beta, beta))}`);

  heading("Streaming");
  const batch = 5;
  const acc = new FisherAccumulator(D);
  const left = new FisherAccumulator(D);
  const right = new FisherAccumulator(D);
  try {
    let batches = 0;
    for (let r = 0; r < n; r += batch, batches++) acc.add(scores.subarray(r * D, Math.min(r + batch, n) * D));
    log(
      `    FisherAccumulator: ${batches} batches of ≤ ${batch} rows; count ${acc.count}, totalWeight ${acc.totalWeight}`,
    );
    log(
      `    max |acc.fisher() − empiricalFisher(S, 4)|           = ${sci(maxAbsDiff(acc.fisher().packed, empirical.packed))}`,
    );
    log(
      `    max |acc.covariance() − centered empiricalFisher|    = ${sci(maxAbsDiff(acc.covariance().packed, covariance.packed))}`,
    );
    log(`    max |acc.meanScore() − s̄|                           = ${sci(maxAbsDiff(acc.meanScore(), meanScore))}`);
    const cut = 13 * D;
    left.add(scores.subarray(0, cut)).merge(right.add(scores.subarray(cut)));
    log(
      `    rows 0–12 and 13–31 in two accumulators, merged: max |diff| = ${sci(maxAbsDiff(left.fisher().packed, empirical.packed))}`,
    );
  } finally {
    acc.dispose();
    left.dispose();
    right.dispose();
  }

  heading("Speed");
  const rows = 20000;
  const dim = 64;
  const big = randomScores(rows, dim, 42);
  const flops = fisherFlops(rows, dim);
  const speed = () => measureGflops(() => empiricalFisher(big, dim), flops, 0.5);
  log(
    `    empiricalFisher on seeded random scores, ${rows}×${dim}; flops = N·d·(d+1) = ${(flops / 1e6).toFixed(1)}M per call`,
  );
  const fast = speed();
  log(
    `    ${active.padEnd(12)} ${fast.msPerCall.toFixed(2).padStart(8)} ms/call   ${fast.gflops.toFixed(2).padStart(6)} GFLOP/s   (${fast.calls} calls)`,
  );
  if (active !== "js") {
    await init({ backend: "js" });
    const plain = speed();
    log(
      `    ${"js".padEnd(12)} ${plain.msPerCall.toFixed(2).padStart(8)} ms/call   ${plain.gflops.toFixed(2).padStart(6)} GFLOP/s   (${plain.calls} calls)`,
    );
    log(`    ${active} is ${(fast.gflops / plain.gflops).toFixed(1)}× the plain-JavaScript backend`);
    await init({ backend: active });
  }
}

main().catch((err) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
