// The exact discrete-output Fisher and the Monte-Carlo Fisher, against the closed forms
// of the logistic model, on every backend.
import { beforeAll, describe, expect, it } from "vitest";
import {
  discreteExpectedFisher,
  empiricalFisher,
  init,
  models,
  monteCarloFisher,
  NonFiniteError,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose, relativeError } from "./helpers/compare.js";
import { normal, uniform } from "./helpers/random.js";

const N = 300;
const P = 5;

function logisticData() {
  const z = normal(5);
  const x = Float64Array.from({ length: N * P }, (_, k) => (k % P === P - 1 ? 1 : z()));
  const y = Float64Array.from({ length: N }, (_, i) => i % 2);
  const params = Float64Array.from([0.5, -0.4, 0.3, 0.2, -0.1]);
  const model = models.logistic(x, y, P);
  const prob = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let eta = 0;
    for (let j = 0; j < P; j++) eta += (x[i * P + j] as number) * (params[j] as number);
    prob[i] = 1 / (1 + Math.exp(-eta));
  }
  return { x, model, params, prob };
}

/** Outcome scores (y − p) x for y = 0 and y = 1, and their probabilities 1 − p and p. */
function bernoulliOutcomes(x: Float64Array, prob: Float64Array) {
  const scores = new Float64Array(N * 2 * P);
  const probabilities = new Float64Array(N * 2);
  for (let i = 0; i < N; i++) {
    const p = prob[i] as number;
    probabilities.set([1 - p, p], 2 * i);
    for (let j = 0; j < P; j++) {
      scores[2 * i * P + j] = -p * (x[i * P + j] as number);
      scores[(2 * i + 1) * P + j] = (1 - p) * (x[i * P + j] as number);
    }
  }
  return { scores, probabilities };
}

/** Scores of draws from the model: a random row x_i, then y ~ Bernoulli(p_i), score (y − p_i) x_i. */
function modelSampler(x: Float64Array, prob: Float64Array, seed: number): (count: number) => Float64Array {
  const u = uniform(seed);
  return (count) => {
    const out = new Float64Array(count * P);
    for (let m = 0; m < count; m++) {
      const i = Math.floor(u() * N);
      const r = (u() < (prob[i] as number) ? 1 : 0) - (prob[i] as number);
      for (let j = 0; j < P; j++) out[m * P + j] = r * (x[i * P + j] as number);
    }
    return out;
  };
}

describe.each(BACKENDS)("discrete and Monte-Carlo Fisher on %s", (backend) => {
  beforeAll(async () => {
    await init({ backend });
  });

  it("Σ_i Σ_k p_ik s_ik s_ikᵀ equals the logistic XᵀWX (sum and mean)", () => {
    const { x, model, params, prob } = logisticData();
    const { scores, probabilities } = bernoulliOutcomes(x, prob);
    const exact = model.expectedFisher(params);
    expectClose(discreteExpectedFisher(scores, probabilities, P, 2).packed, exact.packed, 1e-12, "sum");
    expectClose(
      discreteExpectedFisher(scores, probabilities, P, 2, { reduction: "mean" }).packed,
      exact.scale(1 / N).packed,
      1e-12,
      "mean",
    );
  });

  it("bad input names the argument and the entry", () => {
    const { x, prob } = logisticData();
    const { scores, probabilities } = bernoulliOutcomes(x, prob);
    const off = Float64Array.from(probabilities);
    off[7] = (off[7] as number) + 1e-3;
    expect(() => discreteExpectedFisher(scores, off, P, 2)).toThrow(/sample 3 sums to/);
    const negative = Float64Array.from(probabilities);
    negative[4] = -0.1;
    expect(() => discreteExpectedFisher(scores, negative, P, 2)).toThrow(/sample 2, outcome 0.*is -0.1/);
    const nan = Float64Array.from(scores);
    nan[3 * P + 1] = Number.NaN;
    expect(() => discreteExpectedFisher(nan, probabilities, P, 2)).toThrow(NonFiniteError);
    expect(() => discreteExpectedFisher(nan, probabilities, P, 2)).toThrow(/`outcomeScores`.*row 3, column 1/);
    expect(() => discreteExpectedFisher(scores.subarray(1), probabilities, P, 2)).toThrow(/`outcomeScores` must be/);
    expect(() => discreteExpectedFisher(scores, probabilities.subarray(1), P, 2)).toThrow(/`probabilities`/);
    expect(() => discreteExpectedFisher(scores, probabilities, P, 0)).toThrow(/`outcomes`/);
    expect(() => discreteExpectedFisher(scores, probabilities, P, 2, { reduction: "avg" as "sum" })).toThrow(
      /options.reduction/,
    );
    expect(() => discreteExpectedFisher([] as unknown as Float64Array, probabilities, P, 2)).toThrow(TypeError);
  });

  it("monteCarloFisher: the mean of the sampled scores' outer products, in any batch size", () => {
    const { x, prob } = logisticData();
    const draw = modelSampler(x, prob, 9);
    const drawn: Float64Array[] = [];
    const sampler = (count: number) => {
      const out = draw(count);
      drawn.push(out);
      return out;
    };
    const mc = monteCarloFisher(sampler, P, { samples: 1000, batchSize: 300 });
    expect(drawn.map((b) => b.length / P)).toEqual([300, 300, 300, 100]);
    const all = new Float64Array(1000 * P);
    drawn.forEach((b, k) => {
      all.set(b, k * 300 * P);
    });
    expectClose(mc.packed, empiricalFisher(all, P).packed, 1e-12, "Monte-Carlo = mean of draws");
  });

  it("monteCarloFisher converges to the expected Fisher (per sample) of the model", () => {
    const { x, model, params, prob } = logisticData();
    const mc = monteCarloFisher(modelSampler(x, prob, 10), P, { samples: 200_000 });
    const exact = model.expectedFisher(params).scale(1 / N);
    // 200 000 draws: the entries' standard errors are below 1% of the largest entry.
    expect(relativeError(mc.packed, exact.packed)).toBeLessThan(0.03);
  });

  it("monteCarloFisher bad input", () => {
    const ok = (count: number) => new Float64Array(count * 2).fill(1);
    expect(() => monteCarloFisher("f" as unknown as () => Float64Array, 2, { samples: 1 })).toThrow(TypeError);
    expect(() => monteCarloFisher(ok, 2, undefined as unknown as { samples: number })).toThrow(/`options`/);
    expect(() => monteCarloFisher(ok, 2, { samples: 0 })).toThrow(/options.samples/);
    expect(() => monteCarloFisher(ok, 2, { samples: 5, batchSize: 1.5 })).toThrow(/options.batchSize/);
    expect(() => monteCarloFisher((c) => new Float64Array(c), 2, { samples: 5 })).toThrow(
      /must return 5 rows of 2 scores \(length 10\); it returned length 5/,
    );
    expect(() => monteCarloFisher(() => [1, 2] as unknown as Float64Array, 2, { samples: 1 })).toThrow(TypeError);
    let calls = 0;
    const nanLater = (count: number) => {
      const out = new Float64Array(count * 2).fill(1);
      if (calls++ === 1) out[3] = Number.NaN;
      return out;
    };
    expect(() => monteCarloFisher(nanLater, 2, { samples: 10, batchSize: 4 })).toThrow(/row 5, column 1 is NaN/);
  });
});
