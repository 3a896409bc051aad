// One training run on the digits, shared by `npm run example:mnist`, the demo page, the benchmark
// and the tests: the batches of examples/mnist/batches.ts in order, one `trainOnBatch` each (the
// path `model.fit` takes through the optimiser), the test set's loss and accuracy evaluated at
// step 0 and every `evaluateEvery` steps. Evaluation is not counted in the training time.
import type * as tfjs from "@tensorflow/tfjs";
import { CLASSES, type Digits, PIXELS } from "../../tools/mnist/digits.js";
import { epochBatches } from "./batches.js";

/** The test set's state after `step` optimiser steps. */
export interface EvaluationPoint {
  /** Optimiser steps taken. */
  step: number;
  /** Epochs completed, fractional between epoch ends. */
  epoch: number;
  /** Training time so far in seconds (optimiser steps only, evaluation excluded). */
  seconds: number;
  /** Mean categorical cross-entropy over the test set (nats). */
  testLoss: number;
  /** Share of the test set classified correctly. */
  testAccuracy: number;
}

/** What a run hands back. */
export interface RunHistory {
  points: EvaluationPoint[];
  /** Optimiser steps taken. */
  steps: number;
  /** Training time in seconds (evaluation excluded). */
  seconds: number;
}

export interface RunOptions {
  /** TensorFlow.js, as the caller imported it. */
  tf: typeof tfjs;
  /** A compiled model (loss "categoricalCrossentropy"). */
  model: tfjs.LayersModel;
  train: Digits;
  test: Digits;
  epochs: number;
  batchSize: number;
  /** Stop after this many steps even inside an epoch (default: no limit). */
  maxSteps?: number;
  /** Evaluate every this many steps (default: once per epoch, at its end). */
  evaluateEvery?: number;
  /** Called with every evaluation as it is made (the page draws from it). */
  onPoint?: (point: EvaluationPoint) => void | Promise<void>;
}

/** The digits as a [count, 784] tensor and their one-hot labels as a [count, 10] tensor. */
export function digitTensors(tf: typeof tfjs, digits: Digits): { x: tfjs.Tensor2D; y: tfjs.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.tensor2d(digits.images, [digits.count, PIXELS]),
    y: tf.oneHot(tf.tensor1d(digits.labels, "int32"), CLASSES).toFloat() as tfjs.Tensor2D,
  }));
}

/** The rows `indices` of the digits as tensors (one batch). */
function batchTensors(tf: typeof tfjs, digits: Digits, indices: Int32Array): { x: tfjs.Tensor2D; y: tfjs.Tensor2D } {
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Int32Array(indices.length);
  indices.forEach((row, r) => {
    images.set(digits.images.subarray(row * PIXELS, (row + 1) * PIXELS), r * PIXELS);
    labels[r] = digits.labels[row];
  });
  return tf.tidy(() => ({
    x: tf.tensor2d(images, [indices.length, PIXELS]),
    y: tf.oneHot(tf.tensor1d(labels, "int32"), CLASSES).toFloat() as tfjs.Tensor2D,
  }));
}

/** Mean cross-entropy and accuracy of the model on the given tensors. */
export function evaluate(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  data: { x: tfjs.Tensor2D; y: tfjs.Tensor2D },
): { loss: number; accuracy: number } {
  const [loss, accuracy] = tf.tidy(() => {
    const p = model.predict(data.x) as tfjs.Tensor2D;
    // Clipped as Keras's categorical cross-entropy clips, so a confident mistake is finite.
    const logp = tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7));
    const nll = tf.neg(tf.mean(tf.sum(tf.mul(data.y, logp), 1)));
    const hits = tf.mean(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(data.y, 1)), "float32"));
    return [nll.dataSync()[0], hits.dataSync()[0]];
  });
  return { loss, accuracy };
}

/** Trains `model` on the batches in their fixed order and records the test set's loss and accuracy. */
export async function runTraining(options: RunOptions): Promise<RunHistory> {
  const { tf, model, train, test, epochs, batchSize } = options;
  const perEpoch = Math.ceil(train.count / batchSize);
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  const evaluateEvery = options.evaluateEvery ?? perEpoch;
  const testTensors = digitTensors(tf, test);
  const points: EvaluationPoint[] = [];
  let step = 0;
  let seconds = 0;
  const record = async (epoch: number): Promise<void> => {
    const { loss, accuracy } = evaluate(tf, model, testTensors);
    const point = { step, epoch, seconds, testLoss: loss, testAccuracy: accuracy };
    points.push(point);
    await options.onPoint?.(point);
  };
  try {
    await record(0);
    for (let epoch = 0; epoch < epochs && step < maxSteps; epoch++) {
      const batches = epochBatches(train.count, batchSize, epoch);
      for (let b = 0; b < batches.length && step < maxSteps; b++) {
        const start = performance.now();
        const { x, y } = batchTensors(tf, train, batches[b]);
        try {
          await model.trainOnBatch(x, y);
        } finally {
          tf.dispose([x, y]);
        }
        seconds += (performance.now() - start) / 1e3;
        step++;
        const atEpochEnd = b === batches.length - 1;
        if (step % evaluateEvery === 0 || atEpochEnd || step === maxSteps) {
          if (points[points.length - 1]?.step !== step) await record(epoch + (b + 1) / batches.length);
        }
      }
    }
  } finally {
    tf.dispose([testTensors.x, testTensors.y]);
  }
  return { points, steps: step, seconds };
}
