// TensorFlow.js in Node for the MNIST runs, on the backend chosen by MNIST_BACKEND: "wasm" (the
// default: tfjs's own WebAssembly build, about five times faster here than "cpu") or "cpu" (plain
// JavaScript, what every browser has).
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

/** The tfjs backends the runs accept. */
export const TF_BACKENDS = ["wasm", "cpu"] as const;
export type TfBackend = (typeof TF_BACKENDS)[number];

/** The backend MNIST_BACKEND names (default "wasm"); anything else is a RangeError naming the value. */
export function tfBackendFromEnv(value = process.env.MNIST_BACKEND): TfBackend {
  const name = value ?? "wasm";
  if (!(TF_BACKENDS as readonly string[]).includes(name)) {
    throw new RangeError(`MNIST_BACKEND must be one of ${TF_BACKENDS.join(", ")}; received "${name}"`);
  }
  return name as TfBackend;
}

/** tfjs, switched to `backend` and ready. */
export async function nodeTf(backend: TfBackend = tfBackendFromEnv()): Promise<typeof tf> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start its "${backend}" backend`);
  await tf.ready();
  return tf;
}
