// Bad input to fisher-wasm/tfjs: typed errors naming the argument and value, and a refused step
// changes neither the factors nor the weights.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { init, NonFiniteError } from "../src/index.js";
import { KfacOptimizer, kfacPairs, UnsupportedModelError } from "../src/tfjs/index.js";
import { batch, tinyNetwork, useTfjsCpu } from "./helpers/tfjs.js";

beforeAll(async () => {
  await init();
  await useTfjsCpu();
});

describe("KfacOptimizer options and models", () => {
  it.each([
    [{ damping: 0 }, /options\.damping.*received 0/],
    [{ damping: -1 }, /options\.damping.*received -1/],
    [{ learningRate: Number.NaN }, /options\.learningRate.*NaN/],
    [{ decay: 1 }, /options\.decay.*\[0, 1\).*received 1/],
    [{ inverseEvery: 0.5 }, /options\.inverseEvery.*positive integer.*0\.5/],
    [{ fisher: "true" }, /options\.fisher.*"true"/],
    [{ seed: 1.5 }, /options\.seed.*1\.5/],
  ])("rejects %o with a RangeError naming it", (options, message) => {
    const model = tinyNetwork();
    expect(() => new KfacOptimizer(model, options as never)).toThrow(RangeError);
    expect(() => new KfacOptimizer(model, options as never)).toThrow(message);
    model.dispose();
  });

  it("rejects what is not a model, and a model with no trainable Dense layer", () => {
    expect(() => new KfacOptimizer({} as never)).toThrow(TypeError);
    expect(() => new KfacOptimizer(tinyNetwork(), 3 as never)).toThrow(/`options` must be an object/);
    const model = tfl.sequential({ layers: [tfl.layers.batchNormalization({ inputShape: [3] })] });
    expect(() => new KfacOptimizer(model)).toThrow(UnsupportedModelError);
    expect(() => new KfacOptimizer(model)).toThrow(/no trainable Dense layer/);
    model.dispose();
  });

  it("a sampled Fisher needs an output distribution it knows; the empirical one does not", () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3], activation: "tanh" })] });
    expect(() => new KfacOptimizer(model)).toThrow(/"tanh"/);
    new KfacOptimizer(model, { fisher: "empirical" }).dispose();
    model.dispose();
  });
});

describe("a refused step changes nothing", () => {
  it("a NaN in the batch: NonFiniteError, the same weights and factors as before", async () => {
    const model = tinyNetwork();
    const optimizer = new KfacOptimizer(model, { fisher: "empirical", inverseEvery: 1 });
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    const { x, y } = batch(5, 3, 2);
    await model.fit(x, y, { epochs: 1, batchSize: 5, shuffle: false });
    const state = () => [
      ...model.getWeights().map((w) => Array.from(w.dataSync())),
      ...[...optimizer.factors().values()].map((f) => Array.from(f?.serialize() ?? [])),
    ];
    const before = state();
    const bad = tf.tidy(() => tf.concat([tf.tensor2d([[Number.NaN, 0, 0]]), tf.slice(x, [1, 0], [4, 3])]));
    await expect(model.fit(bad, y, { epochs: 1, batchSize: 5, shuffle: false })).rejects.toThrow(NonFiniteError);
    expect(state()).toEqual(before);
    for (const layer of model.layers) expect(Object.hasOwn(layer, "call")).toBe(false);
    // The same through minimize() directly: refused, nothing changed.
    const lossOf = () => tf.mean(tfl.metrics.categoricalCrossentropy(y, model.apply(bad) as tf.Tensor)) as tf.Scalar;
    expect(() => optimizer.minimize(lossOf)).toThrow(NonFiniteError);
    expect(state()).toEqual(before);
    tf.dispose(bad);
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  it("updateCurvature with a pair of the wrong shape or a missing layer: RangeError, factors unchanged", () => {
    const model = tinyNetwork();
    const optimizer = new KfacOptimizer(model);
    const { x, y } = batch(5, 3, 2);
    const pairs = kfacPairs(model, x, y, tfl.metrics.categoricalCrossentropy);
    const wrong = pairs.map((p, i) => (i === 1 ? { ...p, activations: p.activations.subarray(1) } : p));
    expect(() => optimizer.updateCurvature(wrong)).toThrow(/must hold 5 × 4 activations/);
    expect(() => optimizer.updateCurvature(pairs.slice(1))).toThrow(RangeError);
    const nan = pairs.map((p, i) =>
      i === 1 ? { ...p, outputGradients: p.outputGradients.map((v, t) => (t === 3 ? Number.NaN : v)) } : p,
    );
    expect(() => optimizer.updateCurvature(nan)).toThrow(NonFiniteError);
    expect([...optimizer.factors().values()]).toEqual([undefined, undefined]);
    optimizer.updateCurvature(pairs);
    expect([...optimizer.factors().values()].every((f) => f?.count === 5)).toBe(true);
    optimizer.dispose();
    expect(() => optimizer.updateCurvature(pairs)).toThrow(/disposed/);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("kfacPairs rejects mismatched batch sizes and a loss that is not per sample", () => {
    const model = tinyNetwork();
    const { x, y } = batch(5, 3, 2);
    const y4 = tf.slice(y, [0, 0], [4, 2]);
    expect(() => kfacPairs(model, x, y4, tfl.metrics.categoricalCrossentropy)).toThrow(
      /same batch size; received 5 and 4/,
    );
    expect(() => kfacPairs(model, x, y, (a, b) => tf.mean(tfl.metrics.categoricalCrossentropy(a, b)))).toThrow(
      /per-sample losses, shape \[5\]/,
    );
    for (const layer of model.layers) expect(Object.hasOwn(layer, "call")).toBe(false);
    tf.dispose([x, y, y4]);
    model.dispose();
  });
});
