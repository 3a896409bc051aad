// TensorFlow.js for the tests of fisher-wasm/tfjs: its plain "cpu" backend in Node, and the
// small seeded models and batches the tests train and check.
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { normal, uniform } from "./random.js";

/** Selects tfjs's cpu backend (quietly) once. */
export async function useTfjsCpu(): Promise<void> {
  tf.env().set("IS_TEST", true); // no "install tfjs-node" banner
  await tf.setBackend("cpu");
  await tf.ready();
}

/** A 3 → 4 → 2 network (ReLU, then `output`), weights seeded so every run sees the same model. */
export function tinyNetwork(output: "softmax" | "sigmoid" | "linear" = "softmax", seed = 1): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 4, inputShape: [3], activation: "relu" }),
      tfl.layers.dense({ units: 2, activation: output }),
    ],
  });
  setWeights(model, seed);
  return model;
}

/** Replaces every weight of `model` by seeded normal values (scale 0.7). */
export function setWeights(model: tfl.LayersModel, seed: number): void {
  const next = normal(seed);
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tidy(() =>
        tf.tensor(
          Array.from({ length: w.size }, () => 0.7 * next()),
          w.shape,
        ),
      ),
    ),
  );
}

/** A batch of `rows` inputs of width `width` and one-hot labels of `classes` classes, seeded. */
export function batch(rows: number, width: number, classes: number, seed = 2): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const next = normal(seed);
  const pick = uniform(seed + 1);
  const x = tf.tensor2d(
    Array.from({ length: rows * width }, () => next()),
    [rows, width],
  );
  const labels = Array.from({ length: rows }, () => Math.floor(pick() * classes));
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), classes), "float32") as tf.Tensor2D);
  return { x, y };
}
