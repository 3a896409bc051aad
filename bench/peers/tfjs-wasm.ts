// TensorFlow.js's WebAssembly backend (XNNPACK) computing SᵀS with matMul: FLOAT32 only,
// so it does half the memory traffic of the float64 contenders and keeps ~7 digits.
// A fresh tensor per call, as a caller holding a Float32Array would do; an explicit
// transpose is much faster there than matMul's transposeA flag (measured).
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";

let ready: Promise<void> | undefined;

export function tfjsWasmReady(): Promise<void> {
  ready ??= tf.setBackend("wasm").then(() => tf.ready());
  return ready;
}

/** Returns a function computing SᵀS (dense row-major d×d, float32) from row-major N×d scores. */
export function tfjsWasmGram(scores: Float64Array, rows: number, d: number): () => Float32Array {
  const s32 = Float32Array.from(scores);
  return () => {
    const s = tf.tensor2d(s32, [rows, d]);
    const st = tf.transpose(s);
    const product = tf.matMul(st, s);
    const out = product.dataSync<"float32">();
    tf.dispose([s, st, product]);
    return out;
  };
}
