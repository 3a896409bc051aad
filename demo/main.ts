// The demo page: loads the Spector data, runs the analysis shared with the browser test
// (logistic.ts), draws it, measures the kernel's speed, and publishes the numbers on
// window.__fisherDemo for the test. fisher-wasm is bundled into this script.
//
// The threaded work (a large Fisher, and the speed measurement) runs in a dedicated worker
// (compute-worker.ts): on the main thread a threaded runtime spins while its workers finish and
// the page freezes, while in a worker it blocks properly. The page only posts the inputs, draws
// the results, and counts its own timer ticks during the large call to show it stayed free.
// The small analysis (d = 4, below the size that threads share) stays on the main thread, on a
// one-thread runtime. ?threads=N asks the worker for N threads (default: one per hardware thread).
//
// ?nosimd asks for a run without WebAssembly SIMD. The honest way is an engine that rejects
// SIMD itself (the test starts Chromium with --js-flags=--no-enable-sse4-1, and V8 then
// refuses SIMD modules); init() then picks wasm-scalar on its own. In an engine that still
// accepts SIMD, the page can only request wasm-scalar explicitly, and says so.
import { type BackendName, init } from "fisher-wasm";
import { ComputeWorker } from "./compute-client.js";
import { analyse } from "./logistic.js";
import type { SimdDisabledBy } from "./published-result.js";
import {
  renderConvergence,
  renderFit,
  renderMatrices,
  renderResponsiveness,
  renderSpectrum,
  renderSpeed,
  setText,
} from "./render.js";
import { responsivenessDuring, startTicking } from "./responsiveness.js";
import { engineRunsSimd } from "./simd.js";

// The README's 20000 × 64 row, so the numbers can be compared.
const SPEED_ROWS = 20000;
const SPEED_DIM = 64;
const SPEED_SEED = 42;
const SPEED_SECONDS = 0.5;
// A call long enough to watch the page during it (4.3 GFLOP: a few hundred ms), shared between threads.
const LARGE_ROWS = 4096;
const LARGE_DIM = 1024;
const LARGE_SEED = 7;

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

/**
 * Initialises the library on the main thread, on one thread (the page's own work is small), as
 * ?nosimd asks; returns the backend and how SIMD was ruled out. The worker uses the same backend.
 */
async function start(
  nosimd: boolean,
  simdInEngine: boolean,
): Promise<{ backend: BackendName; simdDisabledBy: SimdDisabledBy }> {
  if (!nosimd) return { backend: await init({ threads: 1 }), simdDisabledBy: null };
  if (!simdInEngine) return { backend: await init({ threads: 1 }), simdDisabledBy: "engine" };
  return { backend: await init({ backend: "wasm-scalar", threads: 1 }), simdDisabledBy: "request" };
}

/** ?threads=N as a number (init() in the worker rejects a bad one), or undefined when absent. */
function requestedThreads(query: URLSearchParams): number | undefined {
  const value = query.get("threads");
  return value === null ? undefined : Number(value);
}

function describeSimd(simdInEngine: boolean, simdDisabledBy: SimdDisabledBy): string {
  if (simdDisabledBy === "engine") return "rejected by this engine (?nosimd)";
  if (simdDisabledBy === "request") return "supported, but set aside by ?nosimd";
  return simdInEngine ? "supported" : "not supported by this engine";
}

async function main(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const nosimd = query.has("nosimd");
  const simdInEngine = engineRunsSimd();
  const worker = new ComputeWorker();
  status("Loading fisher-wasm and data/spector.csv…");
  const [{ backend, simdDisabledBy }, csv] = await Promise.all([start(nosimd, simdInEngine), loadData()]);
  const threaded = await worker.request({ kind: "start", backend, threads: requestedThreads(query) });
  setText("backend", backend);
  setText("simd", describeSimd(simdInEngine, simdDisabledBy));
  setText("threads", `in a Web Worker, ${threaded.threadsNote}`);

  status(`Computing a ${LARGE_ROWS} × ${LARGE_DIM} empiricalFisher in the worker, and again on one thread…`);
  await paint();
  const stopTicking = startTicking();
  const large = await worker.request({ kind: "large", rows: LARGE_ROWS, dim: LARGE_DIM, seed: LARGE_SEED });
  const responsiveness = responsivenessDuring(stopTicking(), large.startedAt, large.finishedAt);
  renderResponsiveness(responsiveness, threaded.threads, LARGE_ROWS, LARGE_DIM);

  status("Fitting, and running the three optimisers (gradient descent takes a second or two)…");
  await paint();
  const result = analyse(csv);
  renderFit(result);
  renderMatrices(result);
  renderSpectrum(result);
  renderConvergence(result);

  status(`Measuring empiricalFisher on ${SPEED_ROWS} × ${SPEED_DIM} scores for ${SPEED_SECONDS} s…`);
  await paint();
  const speed = await worker.request({
    kind: "speed",
    rows: SPEED_ROWS,
    dim: SPEED_DIM,
    seed: SPEED_SEED,
    seconds: SPEED_SECONDS,
  });
  renderSpeed(backend, speed, SPEED_ROWS, SPEED_DIM, threaded.threads);
  worker.terminate();

  window.__fisherDemo = {
    done: true,
    backend,
    simdInEngine,
    simdDisabledBy,
    threads: threaded.threads,
    threadsNote: threaded.threadsNote,
    hardwareThreads: threaded.hardwareThreads,
    sameBitsAsOneThread: large.sameBitsAsOneThread,
    responsiveness,
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
