// One training step on the MNIST network (784 → 128 → 10 ReLU, softmax, batch 128 of the real
// digits): K-FAC (fisher-wasm/tfjs's KfacOptimizer, default options: sampled Fisher, inverses
// refreshed every 10 steps) beside Adam, both through `model.trainOnBatch` as `model.fit` runs them,
// on tfjs's wasm backend (MNIST_BACKEND=cpu for its JavaScript one) with fisher-wasm on its fastest
// build. The optimizer exposes no timing hooks, so its phases are reproduced one by one with the
// public API on the same batch and model, and timed alone:
//  - tfjs forward + backward: `tf.variableGrads` of the batch's mean cross-entropy (what Adam
//    needs too; K-FAC's step runs it with its capture of the layers' inputs);
//  - sampled pass: `kfacPairs(…, { fisher: "sampled" })`, a second forward and backward at labels
//    drawn from the model, whose per-sample output gradients are the G side of the Fisher;
//  - factor updates: `KroneckerFactoredFisher.update` of both layers' moving averages, the float32
//    pairs widened to float64 first as the optimizer does;
//  - solves: `KroneckerFactoredFisher.solve` of both layers' gradients with cached inverses;
//  - inverse refresh: a copy of each layer's factors and its first solve (the damped inverses),
//    which the optimizer does every 10th step: shown per refresh and per step (÷ 10).
// Times are medians over the timed calls, in ms; the sum of the phases is shown beside the
// measured K-FAC step (the step also reads the gradients out of tfjs and applies the update).
import * as tf from "@tensorflow/tfjs";
import { backend, init, KroneckerFactoredFisher } from "fisher-wasm";
import { KfacOptimizer, kfacPairs } from "fisher-wasm/tfjs";
import { buildNetwork } from "../examples/mnist/network.js";
import { nodeTf } from "../examples/mnist/node-tf.js";
import { digitTensors } from "../examples/mnist/train.js";
import { pick } from "../tools/mnist/digits.js";
import { mnistSplit } from "../tools/mnist/split.js";
import { fail, QUICK } from "./lib/harness.js";
import { report } from "./lib/report.js";

const BATCH = 128;
const DECAY = 0.95;
const DAMPING = 0.01;
const INVERSE_EVERY = 10;
const [WARMUP, CALLS] = QUICK ? [3, 10] : [10, 60];

/** The median time of `CALLS` calls of `run` (after `WARMUP` untimed ones), in ms. */
async function medianMs(run: () => unknown): Promise<number> {
  for (let k = 0; k < WARMUP; k++) await run();
  const times: number[] = [];
  for (let k = 0; k < CALLS; k++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** The batch's mean categorical cross-entropy, as model.fit computes it. */
function meanLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.mean(tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
}

/** A weight's gradient in the K-FAC layout: outputDim × (inputDim + 1), row-major, bias last. */
function kroneckerLayout(kernel: Float32Array, bias: Float32Array, inputDim: number, outputDim: number): Float64Array {
  const out = new Float64Array(outputDim * (inputDim + 1));
  for (let o = 0; o < outputDim; o++) {
    for (let i = 0; i < inputDim; i++) out[o * (inputDim + 1) + i] = kernel[i * outputDim + o] as number;
    out[o * (inputDim + 1) + inputDim] = bias[o] as number;
  }
  return out;
}

export async function kfacStepSuite(): Promise<void> {
  await nodeTf();
  await init();
  const { train } = mnistSplit();
  const { x, y } = digitTensors(
    tf,
    pick(
      train,
      Array.from({ length: BATCH }, (_, k) => k),
    ),
  );

  const adamModel = buildNetwork(tf, "mlp");
  adamModel.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const adamStep = await medianMs(() => adamModel.trainOnBatch(x, y));

  const kfacModel = buildNetwork(tf, "mlp");
  const kfac = new KfacOptimizer(kfacModel, { damping: DAMPING, decay: DECAY, inverseEvery: INVERSE_EVERY, seed: 1 });
  kfacModel.compile({ optimizer: kfac, loss: "categoricalCrossentropy" });
  const kfacStep = await medianMs(() => kfacModel.trainOnBatch(x, y));

  // The phases, on a fresh model of the same weights.
  const model = buildNetwork(tf, "mlp");
  const forwardBackward = await medianMs(() => {
    const { value, grads } = tf.variableGrads(() => meanLoss(model, x, y));
    tf.dispose([value, ...Object.values(grads)]);
  });
  const perSample = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.metrics.categoricalCrossentropy(yTrue, yPred);
  const sampledPass = await medianMs(() => kfacPairs(model, x, y, perSample, { fisher: "sampled", seed: 2 }));
  const pairs = kfacPairs(model, x, y, perSample, { fisher: "sampled", seed: 2 });
  const running = pairs.map((p) => new KroneckerFactoredFisher(p.inputDim, p.outputDim, { bias: p.bias }));
  const factorUpdates = await medianMs(() => {
    pairs.forEach((p, i) => {
      running[i]?.update(Float64Array.from(p.activations), Float64Array.from(p.outputGradients), { decay: DECAY });
    });
  });
  const { grads } = tf.variableGrads(() => meanLoss(model, x, y));
  const weights = model.trainableWeights.map((w) => grads[w.originalName] ?? grads[w.name]);
  if (weights.some((g) => g === undefined)) fail("kfac-step: a weight of the network has no gradient");
  const layerGradients = pairs.map((p, i) =>
    kroneckerLayout(
      (weights[2 * i] as tf.Tensor).dataSync() as Float32Array,
      (weights[2 * i + 1] as tf.Tensor).dataSync() as Float32Array,
      p.inputDim,
      p.outputDim,
    ),
  );
  let frozen = running.map((r) => new KroneckerFactoredFisher(r.inputDim, r.outputDim, { bias: r.bias }).merge(r));
  const refresh = await medianMs(() => {
    for (const f of frozen) f.dispose();
    frozen = running.map((r) => new KroneckerFactoredFisher(r.inputDim, r.outputDim, { bias: r.bias }).merge(r));
    for (const [i, f] of frozen.entries()) f.solve(layerGradients[i] as Float64Array, { damping: DAMPING });
  });
  const solves = await medianMs(() => {
    for (const [i, f] of frozen.entries()) f.solve(layerGradients[i] as Float64Array, { damping: DAMPING });
  });
  const phaseSum = forwardBackward + sampledPass + factorUpdates + solves + refresh / INVERSE_EVERY;

  const ms = (v: number) => v.toFixed(2);
  const share = (v: number) => `${((100 * v) / kfacStep).toFixed(0)}%`;
  report(
    "kfac-step",
    `One training step, 784 → 128 → 10 ReLU network, batch ${BATCH} of the MNIST digits; tfjs ${tf.version.tfjs} on "${tf.getBackend()}", fisher-wasm on ${backend()}; median ms of ${CALLS} calls`,
    ["step or phase", "ms", "share of the K-FAC step"],
    [
      ["Adam step (`trainOnBatch`)", ms(adamStep), share(adamStep)],
      ["K-FAC step (`trainOnBatch`, sampled Fisher, inverses every 10 steps)", ms(kfacStep), "100%"],
      ["  tfjs forward + backward (`variableGrads`)", ms(forwardBackward), share(forwardBackward)],
      ["  sampled pass: forward + backward with capture (`kfacPairs`)", ms(sampledPass), share(sampledPass)],
      ["  factor updates, both layers (`KroneckerFactoredFisher.update`)", ms(factorUpdates), share(factorUpdates)],
      ["  solves, both layers, cached inverses (`solve`)", ms(solves), share(solves)],
      [
        `  inverse refresh, both layers, per refresh (${ms(refresh)} ms) ÷ ${INVERSE_EVERY}`,
        ms(refresh / INVERSE_EVERY),
        share(refresh / INVERSE_EVERY),
      ],
      ["  sum of the phases", ms(phaseSum), share(phaseSum)],
    ],
  );
  for (const f of [...running, ...frozen]) f.dispose();
  kfac.dispose();
  tf.dispose([x, y, ...Object.values(grads)]);
  for (const m of [adamModel, kfacModel, model]) m.dispose();
}
