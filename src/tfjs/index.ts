// The public face of fisher-wasm/tfjs: second-order optimizers for TensorFlow.js models, with
// fisher-wasm computing the curvature. TensorFlow.js is a peer dependency of this entry only.

export type { GradientInput, NamedGradient } from "./curvature-optimizer.js";
export { type KfacPairsOptions, kfacPairs } from "./custom-loop.js";
export { UnsupportedModelError } from "./errors.js";
export { KfacOptimizer, type KfacOptimizerOptions } from "./kfac-optimizer.js";
export type { LayerPairs } from "./layer-pairs.js";
export { NaturalGradientOptimizer, type NaturalGradientOptimizerOptions } from "./natural-gradient-optimizer.js";
export type { PredictiveDistribution } from "./predictive-distribution.js";
