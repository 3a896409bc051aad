// The optimisers of the comparison, each with the network it trains. Every one starts from the
// same seeded weights of its architecture and sees the same batches in the same order.
import type * as tfjs from "@tensorflow/tfjs";
import { KfacOptimizer, NaturalGradientOptimizer } from "fisher-wasm/tfjs";
import type { Architecture } from "./network.js";

/** One optimiser of the comparison. */
export interface Contender {
  /** Short key: "kfac", "natural", "adam", "sgd". */
  id: string;
  /** What the plot and the table call it. */
  label: string;
  architecture: Architecture;
  /** The line's colour in the plot. */
  colour: string;
  /** The optimiser for a freshly built model of `architecture`. */
  optimizer(tf: typeof tfjs, model: tfjs.LayersModel): tfjs.Optimizer;
}

/** K-FAC with its default options: learning rate 0.05, damping 0.01, decay 0.95, sampled Fisher, inverses every 10 steps. */
export const KFAC: Contender = {
  id: "kfac",
  label: "K-FAC (fisher-wasm)",
  architecture: "mlp",
  colour: "#1b9e77",
  optimizer: (_tf, model) => new KfacOptimizer(model, { seed: 3 }),
};

/**
 * Natural gradient on softmax regression (d = 7,850) with its defaults: learning rate 0.1, damping
 * 0.01, sampled Fisher. The batch of 128 is smaller than d, so the Fisher is kept low-rank.
 */
export const NATURAL: Contender = {
  id: "natural",
  label: "Natural gradient (fisher-wasm)",
  architecture: "softmax",
  colour: "#e7298a",
  optimizer: (_tf, model) => new NaturalGradientOptimizer(model, { seed: 3 }),
};

/** Adam with tfjs's default step 1e-3 and moments (0.9, 0.999). */
export const ADAM: Contender = {
  id: "adam",
  label: "Adam (lr 1e-3)",
  architecture: "mlp",
  colour: "#d95f02",
  optimizer: (tf) => tf.train.adam(1e-3),
};

/** Plain stochastic gradient descent, step 0.1, no momentum. */
export const SGD: Contender = {
  id: "sgd",
  label: "SGD (lr 0.1)",
  architecture: "mlp",
  colour: "#7570b3",
  optimizer: (tf) => tf.train.sgd(0.1),
};

/** Every contender, in the order the table lists them. */
export const CONTENDERS: Contender[] = [KFAC, NATURAL, ADAM, SGD];
