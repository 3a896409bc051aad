// The streaming accumulator: agreement of every way of feeding it, stability of
// the centered covariance, state round trips and merges across backends.
import { beforeAll, describe, expect, it } from "vitest";
import { EmptyAccumulatorError, empiricalFisher, FisherAccumulator, init } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose, relativeError } from "./helpers/compare.js";
import { normal, sample, uniform } from "./helpers/random.js";
import { referenceFisher } from "./helpers/reference.js";

describe.each(BACKENDS)("FisherAccumulator on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("one call, row-by-row calls and any split into merged accumulators agree to 1e-13", () => {
    const d = 13;
    const n = 900;
    const rnd = normal(11);
    const scores = sample(n * d, () => 3 + rnd());
    const weights = sample(n, uniform(12));
    const whole = new FisherAccumulator(d).add(scores, { weights });
    const rowwise = new FisherAccumulator(d);
    for (let r = 0; r < n; r++)
      rowwise.add(scores.subarray(r * d, (r + 1) * d), { weights: weights.subarray(r, r + 1) });
    const merged = new FisherAccumulator(d);
    const cut = uniform(13);
    for (let lo = 0; lo < n; ) {
      const hi = Math.min(n, lo + 1 + Math.floor(cut() * 400));
      const part = new FisherAccumulator(d).add(scores.subarray(lo * d, hi * d), { weights: weights.subarray(lo, hi) });
      merged.merge(part);
      part.dispose();
      lo = hi;
    }
    for (const other of [rowwise, merged]) {
      expect(other.count).toBe(n);
      expect(other.totalWeight).toBeCloseTo(whole.totalWeight, 10);
      expectClose(other.fisher().packed, whole.fisher().packed, 1e-13, "fisher");
      expectClose(other.sum().packed, whole.sum().packed, 1e-13, "sum");
      expectClose(other.covariance().packed, whole.covariance().packed, 1e-13, "covariance");
      expectClose(other.meanScore(), whole.meanScore(), 1e-13, "mean");
    }
    for (const acc of [whole, rowwise, merged]) acc.dispose();
  });

  it("keeps the covariance to 1e-8 when the mean is 1e6 (d = 50, N = 100000 in chunks)", () => {
    const d = 50;
    const n = 100_000;
    const rnd = normal(99);
    const scores = sample(n * d, () => 1e6 + rnd());
    const acc = new FisherAccumulator(d);
    for (let lo = 0; lo < n; lo += 7919) acc.add(scores.subarray(lo * d, Math.min(n, lo + 7919) * d));
    const exact = referenceFisher(scores, d, { centered: true, reduction: "mean" });
    const err = relativeError(acc.covariance().packed, exact);
    expect(err).toBeLessThan(1e-8);
    // The naive E[s sᵀ] − μ μᵀ in float64 loses most digits here: the test has teeth.
    const second = empiricalFisher(scores, d).packed;
    const mean = acc.meanScore();
    const naive = second.map((_, k) => {
      let j = 0;
      while (((j + 1) * (j + 2)) / 2 <= k) j++;
      const i = k - (j * (j + 1)) / 2;
      return (second[k] as number) - (mean[i] as number) * (mean[j] as number);
    });
    expect(relativeError(naive, exact)).toBeGreaterThan(1e-4);
    acc.dispose();
  });

  it("serialize/deserialize round-trips bit for bit and keeps accumulating identically", () => {
    const d = 9;
    const a = sample(300 * d, normal(5));
    const b = sample(40 * d, normal(6));
    const acc = new FisherAccumulator(d).add(a, { weights: sample(300, uniform(7)) });
    const bytes = acc.serialize();
    const copy = FisherAccumulator.deserialize(bytes);
    expect(copy.serialize()).toEqual(bytes);
    expect(copy.count).toBe(acc.count);
    expect(copy.totalWeight).toBe(acc.totalWeight);
    acc.add(b);
    copy.add(b);
    expect(copy.serialize()).toEqual(acc.serialize());
    expect(Array.from(copy.fisher().packed)).toEqual(Array.from(acc.fisher().packed));
    acc.dispose();
    copy.dispose();
  });

  it("merges an accumulator from another backend, and itself", async () => {
    const d = 6;
    const scores = sample(200 * d, normal(8));
    const other = BACKENDS.find((b) => b !== name) as (typeof BACKENDS)[number];
    await init({ backend: other });
    const foreign = new FisherAccumulator(d).add(scores.subarray(0, 100 * d));
    await init({ backend: name });
    const local = new FisherAccumulator(d).add(scores.subarray(100 * d));
    local.merge(foreign);
    expectClose(local.sum().packed, referenceFisher(scores, d, { reduction: "sum" }), 1e-13, "cross-backend");
    local.merge(local);
    expect(local.count).toBe(400);
    expectClose(
      local.sum().packed,
      referenceFisher(scores, d, { reduction: "sum" }).map((v) => 2 * v),
      1e-13,
      "self",
    );
    foreign.dispose();
    local.dispose();
  });

  it("says which results are means: an empty accumulator has a zero sum and no mean", () => {
    const acc = new FisherAccumulator(3);
    expect(acc.count).toBe(0);
    expect(acc.totalWeight).toBe(0);
    expect(Array.from(acc.sum().packed)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(acc.comoment().packed)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => acc.fisher()).toThrow(EmptyAccumulatorError);
    expect(() => acc.covariance()).toThrow(EmptyAccumulatorError);
    expect(() => acc.meanScore()).toThrow(EmptyAccumulatorError);
    acc.add(new Float64Array([1, 2, 3]), { weights: new Float64Array([0]) });
    expect(acc.count).toBe(1);
    expect(acc.totalWeight).toBe(0);
    expect(() => acc.fisher()).toThrow(/no rows with positive weight/);
    acc.add(new Float64Array(0));
    expect(acc.count).toBe(1);
    acc.add(new Float64Array([1, 2, 3, 3, 2, 1]), { weights: new Float64Array([1, 3]) });
    expect(acc.totalWeight).toBe(4);
    expectClose(acc.meanScore(), [2.5, 2, 1.5], 1e-15, "weighted mean");
    acc.dispose();
  });
});
