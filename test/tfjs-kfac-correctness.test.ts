// On a tiny network (3 → 4 → 2, ReLU then softmax, batch 5) the pairs the optimizer gathers are
// the per-sample quantities computed by hand with tf.grad one sample at a time, its factors are a
// KroneckerFactoredFisher fed those pairs, and one step is the damped Kronecker solve computed
// densely, independently of the optimizer's code.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { init, KroneckerFactoredFisher } from "../src/index.js";
import { KfacOptimizer, kfacPairs, type LayerPairs } from "../src/tfjs/index.js";
import { expectClose } from "./helpers/compare.js";
import { denseSolve } from "./helpers/glm-derivatives.js";
import { batch, tinyNetwork, useTfjsCpu } from "./helpers/tfjs.js";

beforeAll(async () => {
  await init();
  await useTfjsCpu();
});

const B = 5;

interface HandPair {
  a: number[][];
  g: number[][];
}

/** Per-sample (a, g) of both layers at labels `y`, one sample at a time with tf.grad. */
function handPairs(model: tfl.LayersModel, x: tf.Tensor2D, y: tf.Tensor2D): [HandPair, HandPair] {
  const [W1, b1, W2, b2] = model.getWeights() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const first: HandPair = { a: [], g: [] };
  const second: HandPair = { a: [], g: [] };
  for (let i = 0; i < B; i++) {
    tf.tidy(() => {
      const xi = tf.slice(x, [i, 0], [1, 3]);
      const yi = tf.slice(y, [i, 0], [1, 2]);
      const crossEntropy = (z2: tf.Tensor) => tf.neg(tf.sum(tf.mul(yi, tf.logSoftmax(z2))));
      const z1 = tf.add(tf.matMul(xi, W1), b1);
      const g1 = tf.grad((z: tf.Tensor) => crossEntropy(tf.add(tf.matMul(tf.relu(z), W2), b2)))(z1);
      const a2 = tf.relu(z1);
      const g2 = tf.grad(crossEntropy)(tf.add(tf.matMul(a2, W2), b2));
      first.a.push(Array.from(xi.dataSync()));
      first.g.push(Array.from(g1.dataSync()));
      second.a.push(Array.from(a2.dataSync()));
      second.g.push(Array.from(g2.dataSync()));
    });
  }
  return [first, second];
}

/** Dense row-major (1/B) Σ u uᵀ over rows u (with a trailing 1 when `bias`). */
function meanOuter(rows: number[][], bias: boolean): { M: Float64Array; n: number } {
  const n = (rows[0] as number[]).length + (bias ? 1 : 0);
  const M = new Float64Array(n * n);
  for (const row of rows) {
    const u = bias ? [...row, 1] : row;
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) M[r * n + c] += ((u[r] as number) * (u[c] as number)) / rows.length;
  }
  return { M, n };
}

/** (G + λ_G I)⁻¹ V (A + λ_A I)⁻¹ with the π-split, by dense Gaussian elimination. */
function denseKfacStep(pair: HandPair, damping: number): Float64Array {
  const { M: A, n: a } = meanOuter(pair.a, true);
  const { M: G, n: o } = meanOuter(pair.g, false);
  // V = (1/B) Σ g ãᵀ: the gradient of the mean loss, o × a.
  const V = new Float64Array(o * a);
  pair.g.forEach((g, i) => {
    const at = [...(pair.a[i] as number[]), 1];
    for (let r = 0; r < o; r++) for (let c = 0; c < a; c++) V[r * a + c] += ((g[r] as number) * (at[c] as number)) / B;
  });
  let trA = 0;
  let trG = 0;
  for (let k = 0; k < a; k++) trA += A[k * a + k] as number;
  for (let k = 0; k < o; k++) trG += G[k * o + k] as number;
  const pi = Math.sqrt(trA / a / (trG / o));
  for (let k = 0; k < a; k++) A[k * a + k] += pi * Math.sqrt(damping);
  for (let k = 0; k < o; k++) G[k * o + k] += Math.sqrt(damping) / pi;
  const X = new Float64Array(o * a); // G⁻¹ V, column by column
  for (let c = 0; c < a; c++) {
    const col = denseSolve(
      G,
      Float64Array.from({ length: o }, (_, r) => V[r * a + c] as number),
      o,
    );
    for (let r = 0; r < o; r++) X[r * a + c] = col[r] as number;
  }
  const Y = new Float64Array(o * a); // X A⁻¹, row by row (A symmetric)
  for (let r = 0; r < o; r++) Y.set(denseSolve(A, X.subarray(r * a, r * a + a), a), r * a);
  return Y;
}

function expectPairsEqual(actual: LayerPairs, expected: HandPair, label: string): void {
  expect(actual.rows).toBe(B);
  expectClose(actual.activations, expected.a.flat(), 1e-6, `${label} a`);
  expectClose(actual.outputGradients, expected.g.flat(), 1e-5, `${label} g`);
}

describe("K-FAC on a 3 → 4 → 2 network, batch 5", () => {
  it("kfacPairs (empirical) gathers exactly the per-sample a and ∂ℓᵢ/∂zᵢ computed by hand", () => {
    const model = tinyNetwork();
    const { x, y } = batch(B, 3, 2);
    const expected = handPairs(model, x, y);
    const pairs = kfacPairs(model, x, y, tfl.metrics.categoricalCrossentropy);
    expect(pairs.map((p) => [p.layer, p.inputDim, p.outputDim, p.bias])).toEqual([
      [model.layers[0]?.name, 3, 4, true],
      [model.layers[1]?.name, 4, 2, true],
    ]);
    expectPairsEqual(pairs[0] as LayerPairs, expected[0], "layer 1");
    expectPairsEqual(pairs[1] as LayerPairs, expected[1], "layer 2");
    tf.dispose([x, y]);
    model.dispose();
  });

  it("kfacPairs (sampled) gives, per sample, the gradient at a label drawn from the model", () => {
    const model = tinyNetwork();
    const { x, y } = batch(B, 3, 2);
    const pairs = kfacPairs(model, x, y, tfl.metrics.categoricalCrossentropy, { fisher: "sampled", seed: 11 });
    // At the softmax logits the gradient is p − ỹ: p − g is one-hot, and it names the sampled label.
    const p = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    const g2 = (pairs[1] as LayerPairs).outputGradients;
    const labels = Array.from({ length: B }, (_, i) => {
      const row = [0, 1].map((k) => (p[i * 2 + k] as number) - (g2[i * 2 + k] as number));
      expect(row.map((v) => Math.round(v)).sort()).toEqual([0, 1]);
      row.forEach((v) => {
        expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-5);
      });
      return (row[1] as number) > 0.5 ? 1 : 0;
    });
    const sampled = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), 2), "float32") as tf.Tensor2D);
    const expected = handPairs(model, x, sampled);
    expectPairsEqual(pairs[0] as LayerPairs, expected[0], "layer 1 at the sampled labels");
    expectPairsEqual(pairs[1] as LayerPairs, expected[1], "layer 2 at the sampled labels");
    // Another seed draws other labels somewhere in a few tries; the same seed the same ones.
    const again = kfacPairs(model, x, y, tfl.metrics.categoricalCrossentropy, { fisher: "sampled", seed: 11 });
    expect(Array.from((again[1] as LayerPairs).outputGradients)).toEqual(Array.from(g2));
    tf.dispose([x, y, sampled]);
    model.dispose();
  });

  it("one model.fit step: the factors are a KroneckerFactoredFisher fed the hand pairs, the step the dense damped solve", async () => {
    const model = tinyNetwork();
    const { x, y } = batch(B, 3, 2);
    const expected = handPairs(model, x, y);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const damping = 0.1;
    const learningRate = 0.5;
    const optimizer = new KfacOptimizer(model, { learningRate, damping, fisher: "empirical", inverseEvery: 1 });
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    await model.fit(x, y, { epochs: 1, batchSize: B, shuffle: false });
    const factors = optimizer.factors();
    expected.forEach((pair, l) => {
      const name = model.layers[l]?.name as string;
      const reference = new KroneckerFactoredFisher(pair.a[0]?.length as number, pair.g[0]?.length as number);
      reference.add(Float64Array.from(pair.a.flat()), Float64Array.from(pair.g.flat()));
      const ours = factors.get(name)?.factors();
      const theirs = reference.factors();
      expectClose(ours?.A.packed ?? [], theirs.A.packed, 1e-6, `${name} A`);
      expectClose(ours?.G.packed ?? [], theirs.G.packed, 2e-5, `${name} G`);
      reference.dispose();
      // New weights: W − η·step, with the step in the o × (in + 1) layout (bias last).
      const step = denseKfacStep(pair, damping);
      const inputDim = pair.a[0]?.length as number;
      const outputDim = pair.g[0]?.length as number;
      const kernel = before[2 * l] as number[];
      const bias = before[2 * l + 1] as number[];
      const expectedKernel = kernel.map((w, t) => {
        const i = Math.floor(t / outputDim);
        const o = t % outputDim;
        return w - learningRate * (step[o * (inputDim + 1) + i] as number);
      });
      const expectedBias = bias.map((b, o) => b - learningRate * (step[o * (inputDim + 1) + inputDim] as number));
      const after = model.getWeights();
      expectClose(after[2 * l]?.dataSync() ?? [], expectedKernel, 1e-5, `${name} kernel`, 1);
      expectClose(after[2 * l + 1]?.dataSync() ?? [], expectedBias, 1e-5, `${name} bias`, 1);
      // And the step moved them (the check above is not vacuous).
      expect(Math.max(...step.map(Math.abs))).toBeGreaterThan(1e-2);
    });
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });
});
