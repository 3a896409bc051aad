// The demo page: loads the Spector data, runs the analysis shared with the browser test
// (logistic.ts), draws it, measures the kernel's speed, and publishes the numbers on
// window.__fisherDemo for the test. fisher-wasm is bundled into this script.
//
// ?nosimd asks for a run without WebAssembly SIMD. The honest way is an engine that rejects
// SIMD itself (the test starts Chromium with --js-flags=--no-enable-sse4-1, and V8 then
// refuses SIMD modules); init() then picks wasm-scalar on its own. In an engine that still
// accepts SIMD, the page can only request wasm-scalar explicitly, and says so.
import { type BackendName, createRuntime, defaultRuntime, empiricalFisher, init, threads } from "fisher-wasm";
import { fisherFlops, measureGflops } from "../tools/gflops.js";
import { randomScores } from "../tools/random-scores.js";
import { analyse } from "./logistic.js";
import type { SimdDisabledBy } from "./published-result.js";
import { renderConvergence, renderFit, renderMatrices, renderSpectrum, renderSpeed, setText } from "./render.js";
import { engineRunsSimd } from "./simd.js";

// The README's 20000 × 64 row, so the numbers can be compared.
const SPEED_ROWS = 20000;
const SPEED_DIM = 64;
const SPEED_SEED = 42;
const SPEED_SECONDS = 0.5;

const status = (text: string) => setText("status", text);

const REQUESTED_SCALAR =
  "?nosimd: this engine runs WebAssembly SIMD, so the page asked for wasm-scalar by name. For an engine that rejects SIMD itself, start Chromium with --js-flags=--no-enable-sse4-1.";

/** Lets the browser paint before the next long synchronous step (without stalling in a hidden tab). */
const paint = () =>
  new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });

async function loadData(): Promise<string> {
  const response = await fetch("../data/spector.csv");
  if (!response.ok) throw new Error(`../data/spector.csv: HTTP ${response.status}`);
  return response.text();
}

/** Initialises the library as ?nosimd asks; returns the backend and how SIMD was ruled out. */
async function start(
  nosimd: boolean,
  simdInEngine: boolean,
): Promise<{ backend: BackendName; simdDisabledBy: SimdDisabledBy }> {
  if (!nosimd) return { backend: await init(), simdDisabledBy: null };
  if (!simdInEngine) return { backend: await init(), simdDisabledBy: "engine" };
  return { backend: await init({ backend: "wasm-scalar" }), simdDisabledBy: "request" };
}

function describeSimd(simdInEngine: boolean, simdDisabledBy: SimdDisabledBy): string {
  if (simdDisabledBy === "engine") return "rejected by this engine (?nosimd)";
  if (simdDisabledBy === "request") return "supported, but set aside by ?nosimd";
  return simdInEngine ? "supported" : "not supported by this engine";
}

/**
 * The page's threads at work: a Fisher large enough to be shared between them (on a cross-origin
 * isolated page), against the same on one thread. The main thread spins while the workers finish.
 */
async function matchesOneThread(backend: BackendName): Promise<boolean> {
  const one = await createRuntime({ backend, threads: 1 });
  const scores = randomScores(512, 300, 7);
  const shared = empiricalFisher(scores, 300).packed;
  const single = empiricalFisher(scores, 300, { runtime: one }).packed;
  return shared.every((x, i) => Object.is(x, single[i]));
}

async function main(): Promise<void> {
  const nosimd = new URLSearchParams(location.search).has("nosimd");
  const simdInEngine = engineRunsSimd();
  status("Loading fisher-wasm and data/spector.csv…");
  const [{ backend, simdDisabledBy }, csv] = await Promise.all([start(nosimd, simdInEngine), loadData()]);
  setText("backend", backend);
  setText("simd", describeSimd(simdInEngine, simdDisabledBy));
  setText("threads", defaultRuntime().threadsNote);
  const sameBitsAsOneThread = await matchesOneThread(backend);

  status("Fitting, and running the three optimisers (gradient descent takes a second or two)…");
  await paint();
  const result = analyse(csv);
  renderFit(result);
  renderMatrices(result);
  renderSpectrum(result);
  renderConvergence(result);

  status(`Measuring empiricalFisher on ${SPEED_ROWS} × ${SPEED_DIM} scores for ${SPEED_SECONDS} s…`);
  await paint();
  const scores = randomScores(SPEED_ROWS, SPEED_DIM, SPEED_SEED);
  const speed = measureGflops(
    () => empiricalFisher(scores, SPEED_DIM),
    fisherFlops(SPEED_ROWS, SPEED_DIM),
    SPEED_SECONDS,
  );
  renderSpeed(backend, speed, SPEED_ROWS, SPEED_DIM);

  window.__fisherDemo = {
    done: true,
    backend,
    simdInEngine,
    simdDisabledBy,
    threads: threads(),
    threadsNote: defaultRuntime().threadsNote,
    hardwareThreads: navigator.hardwareConcurrency,
    sameBitsAsOneThread,
    beta: Array.from(result.beta),
    logLikelihood: result.logLikelihood,
    standardErrors: result.standardErrors,
    robustStandardErrors: result.robustStandardErrors,
    fisher: Array.from(result.fisher.packed),
    negHessian: Array.from(result.negHessian.packed),
    information: Array.from(result.information.packed),
    eigenvalues: Array.from(result.fisherEigenvalues),
    negHessianEigenvalues: Array.from(result.negHessianEigenvalues),
    gflops: speed.gflops,
    naturalIterations: result.natural.iterations,
    fisherScoringIterations: result.scoring.iterations,
    gdIterations: result.gd.iterations,
  };
  status(simdDisabledBy === "request" ? REQUESTED_SCALAR : "");
  document.body.dataset.state = "done";
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  window.__fisherDemo = { done: false, error: message };
  const node = document.getElementById("status");
  if (node) {
    node.textContent = `Error: ${message}`;
    node.classList.add("error");
  }
  document.body.dataset.state = "error";
}

window.addEventListener("error", (event) => fail(event.error ?? event.message));
window.addEventListener("unhandledrejection", (event) => fail(event.reason));
main().catch(fail);
