// NaturalGradientOptimizer: one step equals the dense (F + λI)⁻¹ g reference, F the mean of the
// per-sample gradients computed by hand with tf.grad, in the packed and the low-rank regime; it
// trains softmax regression at d = 7850; it refuses layers it cannot take per-sample gradients of.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { init } from "../src/index.js";
import { NaturalGradientOptimizer, UnsupportedModelError } from "../src/tfjs/index.js";
import { expectClose } from "./helpers/compare.js";
import { denseSolve } from "./helpers/glm-derivatives.js";
import { batch, tinyNetwork, useTfjsCpu } from "./helpers/tfjs.js";

beforeAll(async () => {
  await init();
  await useTfjsCpu();
});

const B = 5;

/** Each sample's gradient of its own loss w.r.t. every weight, flattened in the optimizer's layout. */
function perSampleGradients(model: tfl.LayersModel, x: tf.Tensor2D, y: tf.Tensor2D): number[][] {
  const [W1, b1, W2, b2] = model.getWeights() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const rows: number[][] = [];
  for (let i = 0; i < B; i++) {
    tf.tidy(() => {
      const xi = tf.slice(x, [i, 0], [1, 3]);
      const yi = tf.slice(y, [i, 0], [1, 2]);
      const loss = (w1: tf.Tensor, c1: tf.Tensor, w2: tf.Tensor, c2: tf.Tensor) =>
        tf.neg(tf.sum(tf.mul(yi, tf.logSoftmax(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(xi, w1), c1)), w2), c2)))));
      const [gW1, gb1, gW2, gb2] = tf
        .grads(loss)([W1, b1, W2, b2])
        .map((t) => Array.from(t.dataSync()));
      // Layer by layer: outputDim × (inputDim + 1), bias last.
      const layout = (gW: number[], gb: number[], inputDim: number, outputDim: number) =>
        Array.from({ length: outputDim }, (_, o) => [
          ...Array.from({ length: inputDim }, (_, k) => gW[k * outputDim + o] as number),
          gb[o] as number,
        ]).flat();
      rows.push([...layout(gW1 as number[], gb1 as number[], 3, 4), ...layout(gW2 as number[], gb2 as number[], 4, 2)]);
    });
  }
  return rows;
}

describe.each([
  ["packed", undefined],
  ["low-rank", 8],
] as const)("one NaturalGradientOptimizer step (%s)", (form, memoryBudget) => {
  it("moves the weights by −η (F + λI)⁻¹ g, F and g from per-sample tf.grad", async () => {
    const model = tinyNetwork();
    const { x, y } = batch(B, 3, 2);
    const S = perSampleGradients(model, x, y);
    const d = 26;
    const damping = 0.05;
    const learningRate = 0.5;
    const F = new Float64Array(d * d);
    const g = new Float64Array(d);
    for (const s of S) {
      for (let r = 0; r < d; r++) {
        g[r] += (s[r] as number) / B;
        for (let c = 0; c < d; c++) F[r * d + c] += ((s[r] as number) * (s[c] as number)) / B;
      }
    }
    for (let k = 0; k < d; k++) F[k * d + k] += damping;
    const step = denseSolve(F, g, d);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const optimizer = new NaturalGradientOptimizer(model, {
      learningRate,
      damping,
      fisher: "empirical",
      ...(memoryBudget === undefined ? {} : { memoryBudget }),
    });
    expect(optimizer.form).toBe(form);
    expect(optimizer.dim).toBe(d);
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    await model.fit(x, y, { epochs: 1, batchSize: B, shuffle: false });
    const after = model.getWeights().map((w) => Array.from(w.dataSync()));
    // Expected weights, back in tfjs's layout.
    const offsets = [0, 16];
    [
      [3, 4],
      [4, 2],
    ].forEach(([inputDim, outputDim], l) => {
      const width = (inputDim as number) + 1;
      const off = offsets[l] as number;
      const kernel = (before[2 * l] as number[]).map((w, t) => {
        const i = Math.floor(t / (outputDim as number));
        const o = t % (outputDim as number);
        return w - learningRate * (step[off + o * width + i] as number);
      });
      const bias = (before[2 * l + 1] as number[]).map(
        (b, o) => b - learningRate * (step[off + o * width + (inputDim as number)] as number),
      );
      expectClose(after[2 * l] as number[], kernel, 2e-5, `layer ${l + 1} kernel`, 1);
      expectClose(after[2 * l + 1] as number[], bias, 2e-5, `layer ${l + 1} bias`, 1);
    });
    expect(Math.max(...step.map(Math.abs))).toBeGreaterThan(1e-2);
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });
});

it("trains softmax regression 784 → 10 (d = 7850, low-rank) without leaking tensors", async () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 10, inputShape: [784], activation: "softmax" })] });
  const zeros = model.getWeights().map((w) => tf.zerosLike(w));
  model.setWeights(zeros); // the loss starts at log 10
  tf.dispose(zeros);
  const { x } = batch(128, 784, 10, 4);
  const y = tf.tidy(() => {
    const w = tf.randomNormal([784, 10], 0, 1, "float32", 9);
    return tf.cast(tf.oneHot(tf.argMax(tf.matMul(x, w), 1), 10), "float32");
  });
  const optimizer = new NaturalGradientOptimizer(model, { learningRate: 0.5, damping: 0.1, seed: 1 });
  expect([optimizer.dim, optimizer.form]).toEqual([7850, "low-rank"]);
  model.compile({ optimizer, loss: "categoricalCrossentropy" });
  const lossOf = () => tf.tidy(() => (model.evaluate(x, y) as tf.Scalar).dataSync()[0] as number);
  const before = lossOf();
  await model.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false });
  const tensors = tf.memory().numTensors;
  await model.fit(x, y, { epochs: 4, batchSize: 64, shuffle: false });
  expect(tf.memory().numTensors).toBe(tensors);
  const after = lossOf();
  expect(after).toBeLessThan(0.5 * before);
  optimizer.dispose();
  tf.dispose([x, y]);
  model.dispose();
});

it("refuses a model with a trainable layer that is not Dense, naming it", () => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 4, inputShape: [3] }),
      tfl.layers.batchNormalization({}),
      tfl.layers.dense({ units: 2, activation: "softmax" }),
    ],
  });
  expect(() => new NaturalGradientOptimizer(model)).toThrow(UnsupportedModelError);
  expect(() => new NaturalGradientOptimizer(model)).toThrow(/BatchNormalization layer/);
  model.dispose();
});
