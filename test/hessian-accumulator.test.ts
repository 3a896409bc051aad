// HessianAccumulator: per-sample Hessians summed in packed storage, against the
// statsmodels Hessian of the Spector logit, on every backend; bad input changes nothing.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DisposedError, EmptyAccumulatorError, HessianAccumulator, init, NonFiniteError } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { packRows } from "./helpers/reference.js";

const fx = JSON.parse(readFileSync(new URL("fixtures/logit_spector.json", import.meta.url), "utf8"));

/** Per-sample Hessians of the logit log-likelihood, −p(1−p) x xᵀ, dense row-major, one after another. */
function logitHessians(block: { mu: number[] }): Float64Array {
  const { n, p } = fx as { n: number; p: number };
  const out = new Float64Array(n * p * p);
  for (let r = 0; r < n; r++) {
    const w = -(block.mu[r] as number) * (1 - (block.mu[r] as number));
    const x = fx.X[r] as number[];
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) out[r * p * p + i * p + j] = w * (x[i] as number) * (x[j] as number);
  }
  return out;
}

/** The same matrices in packed 'U' layout. */
function packedHessians(dense: Float64Array, p: number): Float64Array {
  const size = (p * (p + 1)) / 2;
  const k = dense.length / (p * p);
  const out = new Float64Array(k * size);
  for (let s = 0; s < k; s++)
    for (let j = 0; j < p; j++)
      for (let i = 0; i <= j; i++) out[s * size + i + (j * (j + 1)) / 2] = dense[s * p * p + i * p + j] as number;
  return out;
}

describe.each(BACKENDS)("HessianAccumulator on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it.each(["at_mle", "at_half_mle"])(
    "%s: sum and negativeMean match statsmodels at 1e-12, dense or packed",
    (point) => {
      const block = fx[point];
      const p = fx.p as number;
      const dense = logitHessians(block);
      const acc = new HessianAccumulator(p);
      acc.add(dense.subarray(0, 10 * p * p)).add(dense.subarray(10 * p * p));
      expect(acc.count).toBe(fx.n);
      expect(acc.totalWeight).toBe(fx.n);
      expectClose(acc.sum().packed, packRows(block.hessian_sum), 1e-12, "hessian_sum");
      expectClose(acc.negativeMean().packed, packRows(block.neg_hessian_mean), 1e-12, "neg_hessian_mean");
      expectClose(
        acc.mean().packed,
        packRows(block.neg_hessian_mean).map((v) => -v),
        1e-12,
        "mean",
      );
      const packed = new HessianAccumulator(p).add(packedHessians(dense, p), { layout: "packed" });
      expectClose(packed.sum().packed, packRows(block.hessian_sum), 1e-12, "packed layout");
      // Halves merged, and weights 2 on half the samples counted twice.
      const left = new HessianAccumulator(p).add(dense.subarray(0, 16 * p * p));
      const right = new HessianAccumulator(p).add(dense.subarray(16 * p * p));
      expectClose(left.merge(right).sum().packed, packRows(block.hessian_sum), 1e-12, "merged");
      const weights = Float64Array.from({ length: fx.n }, (_, r) => (r < 16 ? 2 : 0));
      const weighted = new HessianAccumulator(p).add(dense, { weights });
      expect(weighted.totalWeight).toBe(32);
      expectClose(
        weighted.sum().packed,
        left.sum().packed.map((v, k) => 2 * (v - (right.sum().packed[k] as number))),
        1e-12,
        "weighted",
      );
      for (const a of [acc, packed, left, right, weighted]) a.dispose();
    },
  );

  it("rejects bad input naming the sample, and changes nothing", () => {
    const acc = new HessianAccumulator(2).add(new Float64Array([1, 2, 2, 3]));
    const before = Array.from(acc.sum().packed);
    const asymmetric = new Float64Array([1, 0, 0, 1, 1, 2, 2.5, 1]);
    expect(() => acc.add(asymmetric)).toThrow("sample 1 has H[0][1] = 2 but H[1][0] = 2.5");
    const nan = new Float64Array([1, 0, 0, 1, 1, Number.NaN, Number.NaN, 1]);
    expect(() => acc.add(nan)).toThrow(NonFiniteError);
    expect(() => acc.add(nan)).toThrow("row 1, column 1 is NaN");
    expect(() => acc.add(new Float64Array(5))).toThrow("`hessians` length must be a multiple of 4");
    expect(() => acc.add(new Float64Array(4), { layout: "csr" as "dense" })).toThrow(RangeError);
    expect(() => acc.add(new Float64Array(8), { weights: new Float64Array([1, -1]) })).toThrow(
      "options.weights[1] is -1",
    );
    expect(() => acc.add([1, 2, 2, 3] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => acc.merge(new HessianAccumulator(3))).toThrow(RangeError);
    expect(Array.from(acc.sum().packed)).toEqual(before);
    expect(acc.count).toBe(1);
    expect(() => new HessianAccumulator(2).mean()).toThrow(EmptyAccumulatorError);
    acc.dispose();
    expect(() => acc.sum()).toThrow(DisposedError);
  });
});
