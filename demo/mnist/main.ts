// The digits page: loads a subset of the fixed MNIST split (served by scripts/serve-demo.ts in the
// byte form of tools/mnist/digits.ts), trains the 784 → 128 → 10 network with each optimiser in
// turn on TensorFlow.js's cpu backend, redraws the plot at every evaluation, and publishes the runs
// on window.__mnistDemo for the browser test.
//
// ?steps=N: optimiser steps per run (default 120); ?only=adam,sgd: other optimisers of the network
// than the default K-FAC and Adam.
import * as tf from "@tensorflow/tfjs";
import { init } from "fisher-wasm";
import { CONTENDERS } from "../../examples/mnist/contenders.js";
import { buildNetwork } from "../../examples/mnist/network.js";
import { trainingPlot } from "../../examples/mnist/plot.js";
import { type EvaluationPoint, runTraining } from "../../examples/mnist/train.js";
import { type Digits, decodeDigits } from "../../tools/mnist/digits.js";
import type { PageRun } from "./published-result.js";

const BATCH = 64;
const EVALUATE_EVERY = 5;

const byId = (id: string): HTMLElement => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node;
};
const status = (text: string) => {
  byId("status").textContent = text;
};

/** Lets the browser paint between steps (without stalling in a hidden tab). */
const paint = () =>
  new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });

async function loadDigits(name: string): Promise<Digits> {
  const response = await fetch(name);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return decodeDigits(new Uint8Array(await response.arrayBuffer()));
}

function positiveParam(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`?${name} must be a positive integer; received "${raw}"`);
  return value;
}

function draw(runs: PageRun[]): void {
  const series = runs.map((run) => ({
    label: run.label,
    colour: CONTENDERS.find((c) => c.id === run.id)?.colour ?? "#000",
    points: run.points,
  }));
  byId("plot").innerHTML = trainingPlot(series, "Test loss on the page's held-out digits");
  const rows = runs.map((run) => {
    const last: EvaluationPoint | undefined = run.points[run.points.length - 1];
    const cells = [
      run.label,
      String(last?.step ?? 0),
      `${(last?.seconds ?? 0).toFixed(1)} s`,
      last ? last.testLoss.toFixed(3) : "—",
      last ? `${(100 * last.testAccuracy).toFixed(1)}%` : "—",
    ];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  const body = byId("table").querySelector("tbody");
  if (body) body.innerHTML = rows.join("");
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const steps = positiveParam(params, "steps", 120);
  const only = params.get("only")?.split(",") ?? ["kfac", "adam"];
  const contenders = CONTENDERS.filter((c) => c.architecture === "mlp" && only.includes(c.id));
  if (contenders.length === 0) throw new RangeError(`?only=${params.get("only")} names no optimiser of the network`);
  status("Loading TensorFlow.js, fisher-wasm and the digits…");
  // tfjs's own JavaScript backend: every browser has it, and no WebGL is needed.
  if (!(await tf.setBackend("cpu"))) throw new Error("TensorFlow.js could not start its cpu backend");
  await tf.ready();
  const [backend, train, test] = await Promise.all([
    init(),
    loadDigits("mnist-train.bin"),
    loadDigits("mnist-test.bin"),
  ]);
  const runs: PageRun[] = [];
  for (const contender of contenders) {
    const run: PageRun = { id: contender.id, label: contender.label, points: [] };
    runs.push(run);
    document.body.dataset.state = "training";
    status(
      `Training with ${contender.label}: ${train.count} digits, batch ${BATCH}, ${steps} steps; ` +
        `tfjs ${tf.version.tfjs} on "${tf.getBackend()}", fisher-wasm on ${backend}.`,
    );
    const model = buildNetwork(tf, "mlp");
    model.compile({ optimizer: contender.optimizer(tf, model), loss: "categoricalCrossentropy" });
    await runTraining({
      tf,
      model,
      train,
      test,
      epochs: Math.ceil((steps * BATCH) / train.count),
      batchSize: BATCH,
      maxSteps: steps,
      evaluateEvery: EVALUATE_EVERY,
      onPoint: async (point) => {
        run.points.push(point);
        draw(runs);
        await paint();
      },
    });
    model.dispose();
  }
  status(`Done: ${runs.map((r) => r.label).join(" and ")}, ${steps} steps each, on ${train.count} digits.`);
  window.__mnistDemo = {
    done: true,
    backend,
    tfBackend: tf.getBackend(),
    trainCount: train.count,
    testCount: test.count,
    runs,
  };
  document.body.dataset.state = "done";
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  console.error(err);
  try {
    status(`Error: ${message}`);
  } catch {
    // The status line itself is missing; the published failure still says what happened.
  }
  window.__mnistDemo = { done: false, error: message };
  document.body.dataset.state = "error";
});
