// The models' expected Fisher against the bare kernel: a logistic model's XᵀWX (linear
// predictor, weights and the weighted rank-k update, end to end) beside empiricalFisher(X)
// on the same n × p, unweighted. Target: within 1.3× of the bare kernel's time. With
// BENCH_BASELINE (see lib/baseline.ts), both are timed with that build too.
import type Benchmark from "benchmark";
import { empiricalFisher, models, type Runtime } from "fisher-wasm";
import { fisherFlops } from "../tools/gflops.js";
import { mulberry32 } from "../tools/seeded-random.js";
import { BaselineRatios, loadBaseline } from "./lib/baseline.js";
import { fail, measure, QUICK, timeOnce } from "./lib/harness.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { backendRuntimes } from "./lib/runtimes.js";

const SHAPES: [n: number, p: number][] = QUICK ? [[2000, 32]] : [[100_000, 256]];
const TARGET_RATIO = 1.3;

/** X with entries uniform on [−1, 1), y alternating 0 and 1, β small so p(1 − p) varies. */
function data(n: number, p: number): { x: Float64Array; y: Float64Array; beta: Float64Array } {
  const next = mulberry32(n + p);
  const x = new Float64Array(n * p);
  for (let k = 0; k < x.length; k++) x[k] = 2 * next() - 1;
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const beta = Float64Array.from({ length: p }, () => (2 * next() - 1) / Math.sqrt(p));
  return { x, y, beta };
}

/** XᵀWX with W = p(1 − p), recomputed through the weighted kernel directly. */
function weightedGram(x: Float64Array, beta: Float64Array, n: number, p: number, runtime: Runtime): Float64Array {
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) eta[i] += x[i * p + j] * beta[j];
  const weights = eta.map((t) => {
    const q = 1 / (1 + Math.exp(-t));
    return q * (1 - q);
  });
  return empiricalFisher(x, p, { weights, reduction: "sum", runtime }).packed;
}

export async function modelsSuite(): Promise<void> {
  const runtimes = (await backendRuntimes()).filter(({ name }) => name !== "js");
  const baseline = await loadBaseline();
  const ratios = new BaselineRatios();
  const rows: string[][] = [];
  for (const [n, p] of SHAPES) {
    const { x, y, beta } = data(n, p);
    for (const { name: backend, runtime } of runtimes) {
      const model = models.logistic(x, y, p, { runtime });
      const expected = () => model.expectedFisher(beta).packed;
      const bare = () => empiricalFisher(x, p, { reduction: "sum", runtime }).packed;
      const first = timeOnce(expected);
      const error = relativeError(first.result, weightedGram(x, beta, n, p, runtime));
      if (!(error <= 1e-12)) fail(`${backend} n=${n} p=${p}: expectedFisher differs from XᵀWX by ${error}.`);
      const flops = fisherFlops(n, p);
      const cell = (stats: Benchmark.Stats) =>
        `${(flops / stats.mean / 1e9).toFixed(2)} (${(stats.mean * 1e3).toFixed(0)} ms)`;
      const bareStats = measure(`bare ${backend}`, bare, timeOnce(bare).seconds, (u) => u[0]);
      const modelStats = measure(`expectedFisher ${backend}`, expected, first.seconds, (u) => u[0]);
      const ratio = modelStats.mean / bareStats.mean;
      console.error(`models ${backend} ${n}×${p}: expectedFisher / bare kernel = ${ratio.toFixed(3)}`);
      const row = [
        `${n}×${p}`,
        backend,
        cell(bareStats),
        cell(modelStats),
        `${ratio.toFixed(2)}× ${ratio <= TARGET_RATIO ? "✓" : "✗"}`,
      ];
      const other = await baseline?.backend(backend);
      if (other) {
        // The same two calls in the baseline build, with the same check.
        const model = other.logistic(x, y, p);
        const oldExpected = () => model.expectedFisher(beta);
        const oldBare = () => other.empiricalFisher(x, p, { reduction: "sum" });
        await other.prepare();
        const oldFirst = timeOnce(oldExpected);
        const oldError = relativeError(oldFirst.result, weightedGram(x, beta, n, p, runtime));
        if (!(oldError <= 1e-12)) fail(`baseline ${backend}: expectedFisher differs from XᵀWX by ${oldError}.`);
        await other.prepare();
        const oldBareStats = measure(`bare ${backend} (baseline)`, oldBare, timeOnce(oldBare).seconds, (u) => u[0]);
        await other.prepare();
        const oldModelStats = measure(
          `expectedFisher ${backend} (baseline)`,
          oldExpected,
          oldFirst.seconds,
          (u) => u[0],
        );
        row.push(cell(oldBareStats), cell(oldModelStats));
        const label = `${n}×${p} ${backend}`;
        ratios.record(label, "bare kernel", bareStats, oldBareStats);
        ratios.record(label, "expectedFisher", modelStats, oldModelStats);
      }
      rows.push(row);
    }
  }
  report(
    "models",
    `Logistic expectedFisher (XᵀWX from β, end to end) vs the bare kernel empiricalFisher(X) on the same shape: GFLOP/s (ms per call), flops = n·p·(p+1); target time ratio ≤ ${TARGET_RATIO}`,
    [
      "n×p",
      "backend",
      "bare kernel",
      "expectedFisher",
      "time ratio",
      ...(baseline ? ["bare kernel (baseline)", "expectedFisher (baseline)"] : []),
    ],
    rows,
    [ratios.table("n×p backend")],
  );
}
