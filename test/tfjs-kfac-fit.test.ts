// KfacOptimizer inside model.fit: it trains, it leaks no tensors, it restores the layers.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { init } from "../src/index.js";
import { KfacOptimizer } from "../src/tfjs/index.js";
import { batch, setWeights, useTfjsCpu } from "./helpers/tfjs.js";

beforeAll(async () => {
  await init();
  await useTfjsCpu();
});

/** A 6 → 16 → 3 classifier and a separable 3-class problem it can learn. */
function problem() {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 16, inputShape: [6], activation: "relu" }),
      tfl.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  setWeights(model, 5);
  const { x } = batch(96, 6, 3, 7);
  // The label is the argmax of three fixed linear scores of x.
  const y = tf.tidy(() => {
    const w = tf.tensor2d([1, -1, 0.5, 0, 2, -0.5, -1, 0.5, 1, 1, 0, 0.5, 0, 1, -1, -0.5, 1, 0], [6, 3]);
    return tf.cast(tf.oneHot(tf.argMax(tf.matMul(x, w), 1), 3), "float32");
  });
  return { model, x, y };
}

describe.each(["sampled", "empirical"] as const)("KfacOptimizer in model.fit (%s Fisher)", (fisher) => {
  it("reduces the training loss, leaks no tensors and puts the layers' calls back", async () => {
    const { model, x, y } = problem();
    const optimizer = new KfacOptimizer(model, { learningRate: 0.1, damping: 0.03, inverseEvery: 2, fisher, seed: 3 });
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    const lossOf = () => tf.tidy(() => (model.evaluate(x, y) as tf.Scalar).dataSync()[0] as number);
    const before = lossOf();
    await model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false });
    const tensors = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 6, batchSize: 32, shuffle: false });
    expect(tf.memory().numTensors).toBe(tensors);
    const after = lossOf();
    expect(after).toBeLessThan(0.6 * before);
    for (const layer of model.layers) expect(Object.hasOwn(layer, "call")).toBe(false);
    expect(optimizer.factoredLayers).toEqual(model.layers.map((l) => l.name));
    expect(optimizer.plainGradientWeights).toEqual([]);
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });
});
