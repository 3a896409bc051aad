// The diagonal Fisher: the kernel on every tail, diagonalFisher() and the accumulator against
// dense references (the diagonal of empiricalFisher and compensated plain loops), streaming,
// merges, rollback, state round trips, the element-wise operator, and every bad input.
import { beforeAll, describe, expect, it } from "vitest";
import { assertDiagonalSolvable, solveDiagonal } from "../src/curvature/diagonal-fisher.js";
import { createRuntime, defaultRuntime as runtime } from "../src/engine/init.js";
import { ALL_FINITE } from "../src/engine/kernels.js";
import {
  DiagonalFisherAccumulator,
  DisposedError,
  diagonalFisher,
  diagonalOperator,
  EmptyMeanError,
  empiricalFisher,
  FisherAccumulator,
  init,
  NonFiniteError,
  type Runtime,
  SerializationError,
  SymmetricMatrix,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { guarded } from "./helpers/guarded.js";
import { normal, sample, uniform } from "./helpers/random.js";

/** Σ w s_j² per column by plain loops with Neumaier's compensation, divided by Σ w for a mean. */
function referenceDiagonal(
  scores: Float64Array,
  d: number,
  weights?: Float64Array,
  reduction: "mean" | "sum" = "mean",
): Float64Array {
  const n = scores.length / d;
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let c = 0;
    for (let r = 0; r < n; r++) {
      const x = scores[r * d + j] as number;
      const term = (weights ? (weights[r] as number) : 1) * x * x;
      const t = sum + term;
      c += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
    out[j] = sum + c;
  }
  if (reduction === "mean") {
    let total = 0;
    for (let r = 0; r < n; r++) total += weights ? (weights[r] as number) : 1;
    for (let j = 0; j < d; j++) out[j] = (out[j] as number) / total;
  }
  return out;
}

const TAIL_DIMS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 17, 31, 33];

describe.each(BACKENDS)("diagonal Fisher on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it.each(TAIL_DIMS)("kernel d=%i: every tail, weighted and not, no write outside diag", (d) => {
    const rt = runtime();
    const k = rt.kernels;
    for (const rows of [1, 2, 3, 5, 64]) {
      for (const weighted of [false, true]) {
        const scores = sample(rows * d, normal(d * 100 + rows));
        const weights = sample(rows, uniform(d + rows));
        const diag = guarded(d);
        const a = rt.alloc(rows * d);
        const w = rt.alloc(rows);
        const scratch = rt.alloc(d + 2);
        rt.write(a, scores);
        rt.write(w, weights);
        const start = sample(d, uniform(7));
        rt.write(diag.ptr, start);
        expect(k.diagonalSquares(diag.ptr, a, rows, d, weighted ? w : 0, scratch)).toBe(ALL_FINITE);
        const expected = referenceDiagonal(scores, d, weighted ? weights : undefined, "sum").map(
          (v, j) => v + (start[j] as number),
        );
        expectClose(rt.read(diag.ptr, d), expected, 1e-13, `d=${d} rows=${rows} weighted=${weighted}`);
        expect(diag.guardsIntact(), `guards d=${d} rows=${rows}`).toBe(true);
        for (const p of [a, w, scratch]) rt.free(p);
        diag.release();
      }
    }
  });

  it("kernel reports the first non-finite score and leaves diag untouched, even at weight 0", () => {
    const rt = runtime();
    const k = rt.kernels;
    for (const d of [1, 2, 5, 8, 9, 33]) {
      const rows = 6;
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const scores = sample(rows * d, normal(3));
        const first = Math.min(2 * d + (d > 3 ? 3 : 0), rows * d - 1);
        scores[first] = bad;
        scores[rows * d - 1] = bad;
        const a = rt.alloc(rows * d);
        const diag = rt.alloc(d);
        const w = rt.alloc(rows);
        const scratch = rt.alloc(d);
        rt.write(a, scores);
        rt.write(w, new Float64Array(rows)); // every weight 0: 0·∞ must not hide the bad score
        rt.f64().fill(7, diag / 8, diag / 8 + d);
        expect(k.diagonalSquares(diag, a, rows, d, 0, scratch)).toBe(first);
        expect(k.diagonalSquares(diag, a, rows, d, w, scratch)).toBe(first);
        expect(Array.from(rt.read(diag, d))).toEqual(new Array(d).fill(7));
        for (const p of [a, diag, w, scratch]) rt.free(p);
      }
    }
  });

  it("kernel: squares that overflow give +∞ (the block is finite); a zero weight keeps a huge score at 0", () => {
    const rt = runtime();
    const k = rt.kernels;
    const d = 3;
    const a = rt.alloc(2 * d);
    const diag = rt.alloc(d);
    const w = rt.alloc(2);
    const scratch = rt.alloc(d);
    rt.write(a, new Float64Array([1e200, 1, 2, 1e200, 3, 4]));
    expect(k.diagonalSquares(diag, a, 2, d, 0, scratch)).toBe(ALL_FINITE);
    expect(Array.from(rt.read(diag, d))).toEqual([Number.POSITIVE_INFINITY, 10, 20]);
    rt.f64().fill(0, diag / 8, diag / 8 + d);
    rt.write(w, new Float64Array([0, 0]));
    expect(k.diagonalSquares(diag, a, 2, d, w, scratch)).toBe(ALL_FINITE);
    expect(Array.from(rt.read(diag, d))).toEqual([0, 0, 0]);
    for (const p of [a, diag, w, scratch]) rt.free(p);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 33, 257, 1000, 4500, 8193, 20000])(
    "diagonalFisher d=%i equals the diagonal of the dense Fisher to 1e-13 (mean, sum, weights, N around 256)",
    (d) => {
      for (const n of d > 1000 ? [1, 3, 40] : [1, 7, 255, 256, 257, 600]) {
        const scores = sample(n * d, normal(d + n));
        const weights = sample(n, uniform(d * n));
        weights[0] = 0;
        for (const w of [undefined, weights]) {
          const byWeight = w === undefined ? {} : { weights: w };
          const label = `d=${d} n=${n} weighted=${w !== undefined}`;
          if (w && n === 1) continue; // a single row of weight 0 has no mean
          const mean = diagonalFisher(scores, d, byWeight);
          const sum = diagonalFisher(scores, d, { ...byWeight, reduction: "sum" });
          expectClose(mean, referenceDiagonal(scores, d, w, "mean"), 1e-13, `${label} mean`);
          expectClose(sum, referenceDiagonal(scores, d, w, "sum"), 1e-13, `${label} sum`);
          if (d <= 257) {
            const dense = empiricalFisher(scores, d, byWeight).diagonal();
            expectClose(mean, dense, 1e-13, `${label} vs empiricalFisher`);
          }
        }
      }
    },
  );

  it("diagonalFisher streams many tiles of narrow rows (d = 3, N = 70000) and writes into out", () => {
    const d = 3;
    const n = 70_000;
    const scores = sample(n * d, normal(21));
    const weights = sample(n, uniform(22));
    const out = new Float64Array(d);
    const result = diagonalFisher(scores, d, { weights, out });
    expect(result).toBe(out);
    expectClose(out, referenceDiagonal(scores, d, weights), 1e-13, "d=3 N=70000");
  });

  it("computes in the runtime it is given, and the accumulator keeps its runtime", async () => {
    const js = await createRuntime({ backend: "js" });
    const d = 11;
    const scores = sample(40 * d, normal(5));
    expectClose(diagonalFisher(scores, d, { runtime: js }), referenceDiagonal(scores, d), 1e-13, "js runtime");
    const acc = new DiagonalFisherAccumulator(d, { runtime: js });
    expect(acc.runtime).toBe(js);
    expect(acc.backend).toBe("js");
    acc.add(scores);
    expectClose(acc.fisher(), referenceDiagonal(scores, d), 1e-13, "accumulator in js runtime");
    acc.dispose();
  });

  it("a dim far above MAX_DIM works (d = 100000, N = 3)", () => {
    const d = 100_000;
    const scores = sample(3 * d, normal(77));
    expectClose(diagonalFisher(scores, d), referenceDiagonal(scores, d), 1e-13, "d=100000");
  });

  it("accumulator: one call, row-by-row calls and any split into merged accumulators agree to 1e-13", () => {
    for (const d of [1, 5, 33, 2100]) {
      const n = d > 1000 ? 60 : 900;
      const scores = new Float64Array(n * d);
      const rnd = normal(d + 1);
      for (let t = 0; t < scores.length; t++) scores[t] = 3 + rnd();
      const weights = sample(n, uniform(12));
      const whole = new DiagonalFisherAccumulator(d).add(scores, { weights });
      const rowwise = new DiagonalFisherAccumulator(d);
      for (let r = 0; r < n; r++) {
        rowwise.add(scores.subarray(r * d, (r + 1) * d), { weights: weights.subarray(r, r + 1) });
      }
      const merged = new DiagonalFisherAccumulator(d);
      const cut = uniform(13 + d);
      for (let lo = 0; lo < n; ) {
        const hi = Math.min(n, lo + 1 + Math.floor(cut() * 400));
        const part = new DiagonalFisherAccumulator(d).add(scores.subarray(lo * d, hi * d), {
          weights: weights.subarray(lo, hi),
        });
        merged.merge(part);
        part.dispose();
        lo = hi;
      }
      const expectedMean = referenceDiagonal(scores, d, weights, "mean");
      const expectedSum = referenceDiagonal(scores, d, weights, "sum");
      for (const [label, acc] of [
        ["whole", whole],
        ["rowwise", rowwise],
        ["merged", merged],
      ] as const) {
        expect(acc.count).toBe(n);
        expect(acc.totalWeight).toBeCloseTo(
          weights.reduce((a, b) => a + b, 0),
          9,
        );
        expectClose(acc.fisher(), expectedMean, 1e-13, `d=${d} ${label} fisher`);
        expectClose(acc.sum(), expectedSum, 1e-13, `d=${d} ${label} sum`);
      }
      for (const acc of [whole, rowwise, merged]) acc.dispose();
    }
  });

  it("accumulator: merges across runtimes and with itself", async () => {
    const js = await createRuntime({ backend: "js" });
    const d = 9;
    const a = sample(300 * d, normal(1));
    const b = sample(50 * d, normal(2));
    const local = new DiagonalFisherAccumulator(d).add(a);
    const foreign = new DiagonalFisherAccumulator(d, { runtime: js }).add(b);
    local.merge(foreign);
    expect(local.count).toBe(350);
    expect(local.totalWeight).toBe(350);
    const both = new Float64Array([...a, ...b]);
    expectClose(local.fisher(), referenceDiagonal(both, d), 1e-13, "cross-runtime merge");
    expectClose(foreign.sum(), referenceDiagonal(b, d, undefined, "sum"), 1e-13, "other unchanged");
    const self = new DiagonalFisherAccumulator(d).add(b);
    self.merge(self);
    expect(self.count).toBe(100);
    expectClose(self.sum(), referenceDiagonal(new Float64Array([...b, ...b]), d, undefined, "sum"), 1e-13, "self");
    expectClose(self.fisher(), referenceDiagonal(b, d), 1e-13, "self mean");
    for (const acc of [local, foreign, self]) acc.dispose();
  });

  it("accumulator: serialize/deserialize round-trips bit for bit, across runtimes, and keeps accumulating identically", async () => {
    const js = await createRuntime({ backend: "js" });
    for (const d of [1, 9, 300]) {
      const acc = new DiagonalFisherAccumulator(d).add(sample(300 * d, normal(5)), {
        weights: sample(300, uniform(7)),
      });
      const bytes = acc.serialize();
      expect(Array.from(bytes.subarray(0, 4), (c) => String.fromCharCode(c)).join("")).toBe("FWDG");
      const copy = DiagonalFisherAccumulator.deserialize(bytes);
      const elsewhere = DiagonalFisherAccumulator.deserialize(bytes, { runtime: js });
      expect(elsewhere.runtime).toBe(js);
      for (const other of [copy, elsewhere]) {
        expect(other.serialize()).toEqual(bytes);
        expect(other.count).toBe(acc.count);
        expect(other.totalWeight).toBe(acc.totalWeight);
        expect(Array.from(other.sum())).toEqual(Array.from(acc.sum()));
      }
      const more = sample(40 * d, normal(6));
      acc.add(more);
      copy.add(more);
      expect(copy.serialize()).toEqual(acc.serialize());
      for (const x of [acc, copy, elsewhere]) x.dispose();
    }
    const empty = new DiagonalFisherAccumulator(4);
    const restored = DiagonalFisherAccumulator.deserialize(empty.serialize());
    expect(restored.count).toBe(0);
    expect(Array.from(restored.sum())).toEqual([0, 0, 0, 0]);
    empty.dispose();
    restored.dispose();
  });

  it("accumulator: refuses corrupted, truncated, padded and foreign bytes", () => {
    const acc = new DiagonalFisherAccumulator(5).add(sample(20 * 5, normal(8)));
    const bytes = acc.serialize();
    for (let i = 0; i < bytes.length; i += 7) {
      const bad = bytes.slice();
      bad[i] = (bad[i] as number) ^ 0x10;
      expect(() => DiagonalFisherAccumulator.deserialize(bad), `flip byte ${i}`).toThrow(SerializationError);
    }
    expect(() => DiagonalFisherAccumulator.deserialize(bytes.subarray(0, bytes.length - 1))).toThrow(
      SerializationError,
    );
    expect(() => DiagonalFisherAccumulator.deserialize(new Uint8Array([...bytes, 0]))).toThrow(SerializationError);
    expect(() => DiagonalFisherAccumulator.deserialize(new Uint8Array(3))).toThrow(SerializationError);
    const dense = new FisherAccumulator(5).add(sample(20 * 5, normal(8)));
    expect(() => DiagonalFisherAccumulator.deserialize(dense.serialize())).toThrow(/magic "FWDG"/);
    expect(() => FisherAccumulator.deserialize(bytes)).toThrow(SerializationError);
    expect(() => DiagonalFisherAccumulator.deserialize([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => DiagonalFisherAccumulator.deserialize(bytes, 3 as never)).toThrow(TypeError);
    acc.dispose();
    dense.dispose();
  });

  it.each([
    [9, 100, 57, 4], // one tile
    [3, 40_000, 39_000, 2], // many row tiles
    [5000, 12, 10, 4999], // two tiles of whole rows
    [9000, 12, 10, 8999], // column blocks of every row
  ])(
    "accumulator d=%i: a batch of %i rows with a non-finite score at row %i, column %i changes nothing",
    (d, n, row, column) => {
      const acc = new DiagonalFisherAccumulator(d).add(sample(10 * d, normal(3)));
      const before = acc.serialize();
      const batch = sample(n * d, normal(4));
      batch[row * d + column] = Number.NaN;
      batch[(n - 1) * d] = Number.POSITIVE_INFINITY; // found first by a column block, but later in row-major order
      let error: unknown;
      try {
        acc.add(batch, { weights: new Float64Array(n).fill(0.5) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NonFiniteError);
      expect(error).toMatchObject({ argument: "scores", row, column });
      expect((error as Error).message).toContain(`row ${row}, column ${column}`);
      expect(acc.serialize()).toEqual(before);
      expect(acc.count).toBe(10);
      expect(() => diagonalFisher(batch, d)).toThrow(`row ${row}, column ${column} is NaN`);
      const out = new Float64Array(d).fill(3);
      expect(() => diagonalFisher(batch, d, { out })).toThrow(NonFiniteError);
      expect(Array.from(out)).toEqual(new Array(d).fill(3));
      acc.dispose();
    },
  );

  it("bad input to diagonalFisher: typed errors naming the argument and the value", () => {
    const s = new Float64Array([1, 2, 3, 4, 5, 6]);
    expect(() => diagonalFisher([1, 2] as unknown as Float64Array, 2)).toThrow(
      /`scores` must be a Float64Array or Float32Array; received Array\(2\)/,
    );
    expect(() => diagonalFisher(new Int32Array(4) as unknown as Float64Array, 2)).toThrow(TypeError);
    for (const dim of [0, -1, 1.5, Number.NaN, "3"]) {
      expect(() => diagonalFisher(s, dim as number), String(dim)).toThrow(RangeError);
    }
    expect(() => diagonalFisher(s, 1e12)).toThrow(/`dim` = 1000000000000 is too large.*largest dim that fits is \d+/);
    expect(() => diagonalFisher(s, 4)).toThrow(/multiple of dim \(4\).*received length 6/);
    expect(() => diagonalFisher(s, 2, { weights: new Float64Array(2) })).toThrow(/length 3.*received length 2/);
    expect(() => diagonalFisher(s, 2, { weights: new Float64Array([1, -1, 1]) })).toThrow(/weights\[1\] is -1/);
    expect(() => diagonalFisher(s, 2, { weights: new Float64Array([1, Number.NaN, 1]) })).toThrow(NonFiniteError);
    expect(() => diagonalFisher(s, 2, { weights: [1, 1, 1] as unknown as Float64Array })).toThrow(TypeError);
    expect(() => diagonalFisher(s, 2, { reduction: "avg" as "sum" })).toThrow(/"avg"/);
    expect(() => diagonalFisher(s, 2, { out: new Float64Array(3) })).toThrow(/`options.out` must have length 2/);
    expect(() => diagonalFisher(s, 2, { out: [0, 0] as unknown as Float64Array })).toThrow(TypeError);
    expect(() => diagonalFisher(s, 2, 5 as never)).toThrow(TypeError);
    expect(() => diagonalFisher(s, 2, { runtime: {} as Runtime })).toThrow(/`options.runtime`/);
    const bad = s.slice();
    bad[3] = Number.NEGATIVE_INFINITY;
    expect(() => diagonalFisher(bad, 2)).toThrow(NonFiniteError);
    expect(() => diagonalFisher(bad, 2)).toThrow("row 1, column 1 is -Infinity");
    // A NaN is refused even in a row of weight 0.
    expect(() => diagonalFisher(bad, 2, { weights: new Float64Array([1, 0, 1]) })).toThrow(NonFiniteError);
  });

  it("a mean of nothing is an EmptyMeanError; a sum of nothing is zero", () => {
    expect(() => diagonalFisher(new Float64Array(0), 3)).toThrow(EmptyMeanError);
    const s = new Float64Array([1, 2, 3, 4]);
    expect(() => diagonalFisher(s, 2, { weights: new Float64Array(2) })).toThrow(/total weight 0/);
    expect(Array.from(diagonalFisher(new Float64Array(0), 3, { reduction: "sum" }))).toEqual([0, 0, 0]);
    expect(Array.from(diagonalFisher(s, 2, { weights: new Float64Array(2), reduction: "sum" }))).toEqual([0, 0]);
    const acc = new DiagonalFisherAccumulator(2);
    expect(() => acc.fisher()).toThrow(EmptyMeanError);
    expect(Array.from(acc.sum())).toEqual([0, 0]);
    acc.add(s, { weights: new Float64Array(2) });
    expect(acc.count).toBe(2);
    expect(() => acc.fisher()).toThrow(EmptyMeanError);
    acc.add(new Float64Array(0));
    expect(acc.count).toBe(2);
    acc.dispose();
  });

  it("bad input to the accumulator: typed errors, and the state is unchanged", () => {
    expect(() => new DiagonalFisherAccumulator(0)).toThrow(RangeError);
    expect(() => new DiagonalFisherAccumulator(2.5)).toThrow(/received 2.5/);
    expect(() => new DiagonalFisherAccumulator(1e12)).toThrow(/too large/);
    expect(() => new DiagonalFisherAccumulator(2, "js" as never)).toThrow(TypeError);
    const acc = new DiagonalFisherAccumulator(2).add(new Float64Array([1, 2]));
    const before = acc.serialize();
    expect(() => acc.add([1, 2] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => acc.add(new Float64Array(3))).toThrow(RangeError);
    expect(() => acc.add(new Float64Array(4), { weights: new Float64Array([1, -2]) })).toThrow(/weights\[1\] is -2/);
    expect(() => acc.add(new Float64Array(4), { weights: new Float64Array(1) })).toThrow(RangeError);
    expect(() => acc.add(new Float64Array([1, Number.NaN]))).toThrow(NonFiniteError);
    expect(() => acc.add(new Float64Array(2), 1 as never)).toThrow(TypeError);
    expect(() => acc.merge(new FisherAccumulator(2) as never)).toThrow(
      /DiagonalFisherAccumulator; received FisherAccumulator/,
    );
    const other = new DiagonalFisherAccumulator(3);
    expect(() => acc.merge(other)).toThrow(/dim 2 to merge; received dim 3/);
    expect(acc.serialize()).toEqual(before);
    other.dispose();
    acc.dispose();
    acc.dispose();
    expect(() => acc.add(new Float64Array(2))).toThrow(DisposedError);
    expect(() => acc.fisher()).toThrow(DisposedError);
    expect(() => acc.serialize()).toThrow(DisposedError);
    const live = new DiagonalFisherAccumulator(2);
    expect(() => live.merge(acc)).toThrow(DisposedError);
    live.dispose();
  });

  it.each([1, 2, 3, 7, 33])(
    "diagonalOperator d=%i: matvec and solve against the dense matrix, one vector and a batch",
    (d) => {
      const values = sample(d, uniform(d)).map((v) => v + 0.1);
      const dense = new Float64Array(d * d);
      for (let i = 0; i < d; i++) dense[i * d + i] = values[i] as number;
      const C = SymmetricMatrix.fromDense(dense, d);
      const op = diagonalOperator(values);
      expect(op.dim).toBe(d);
      const x = sample(3 * d, normal(d));
      const y = op.matvec(x);
      const z = op.solve?.(x, { damping: 0.25 }) as Float64Array;
      expect(y.length).toBe(3 * d);
      for (let k = 0; k < 3; k++) {
        const xk = x.subarray(k * d, (k + 1) * d);
        expectClose(y.subarray(k * d, (k + 1) * d), C.matvec(xk), 1e-15, `matvec ${k}`);
        expectClose(z.subarray(k * d, (k + 1) * d), C.solve(xk, { damping: 0.25 }), 1e-13, `solve ${k}`);
        expectClose(op.matvec(xk), C.matvec(xk), 1e-15, "one vector");
      }
      expectClose(
        op.solve?.(x.subarray(0, d), { damping: 0 }) as Float64Array,
        C.solve(x.subarray(0, d)),
        1e-13,
        "λ=0",
      );
      values.fill(100); // the operator keeps its own copy
      expectClose(op.matvec(x.subarray(0, d)), C.matvec(x.subarray(0, d)), 1e-15, "copied");
    },
  );

  it("diagonalOperator plugs a diagonalFisher result in, and refuses bad input", () => {
    const scores = sample(50 * 4, normal(9));
    const F = diagonalFisher(scores, 4);
    const op = diagonalOperator(F);
    expectClose(op.matvec(new Float64Array([1, 1, 1, 1])), F, 1e-15, "F·1");
    expect(() => diagonalOperator([1] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => diagonalOperator(new Float64Array(0))).toThrow(/at least one entry/);
    expect(() => diagonalOperator(new Float64Array([1, Number.NaN]))).toThrow(NonFiniteError);
    expect(() => op.matvec(new Float64Array(3))).toThrow(/length 4.*received length 3/);
    expect(() => op.matvec(new Float64Array(0))).toThrow(RangeError);
    expect(() => op.matvec(new Float64Array([1, 2, Number.NaN, 4]))).toThrow(NonFiniteError);
    expect(() => op.matvec([1, 2, 3, 4] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => op.solve?.(new Float64Array(5), { damping: 1 })).toThrow(RangeError);
    expect(() => op.solve?.(new Float64Array(4), { damping: -1 })).toThrow(/`options.damping`.*-1/);
    expect(() => op.solve?.(new Float64Array(4), { damping: Number.NaN })).toThrow(RangeError);
    expect(() => op.solve?.(new Float64Array([1, Number.POSITIVE_INFINITY, 0, 0]), { damping: 1 })).toThrow(
      NonFiniteError,
    );
    const singular = diagonalOperator(new Float64Array([2, 0, -1]));
    expect(() => singular.solve?.(new Float64Array(3), { damping: 0 })).toThrow(/`values\[1\]` \+ damping = 0 \+ 0/);
    expect(() => singular.solve?.(new Float64Array(3), { damping: 0.5 })).toThrow(/`values\[2\]`.*greater than 1/);
    expect(Array.from(singular.solve?.(new Float64Array([3, 2, 1]), { damping: 2 }) as Float64Array)).toEqual([
      0.75, 1, 1,
    ]);
  });

  it("solveDiagonal and assertDiagonalSolvable, the unchecked core and its check", () => {
    const values = new Float64Array([1, 3]);
    const out = new Float64Array(4);
    expect(solveDiagonal(values, new Float64Array([2, 6, 4, 12]), 1, out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 1.5, 2, 3]);
    expect(Array.from(solveDiagonal(values, new Float64Array([2, 6]), 0))).toEqual([2, 2]);
    expect(() => assertDiagonalSolvable("C", new Float64Array([1, -3]), 2)).toThrow(/`C\[1\]` \+ damping = -3 \+ 2/);
    expect(() => assertDiagonalSolvable("C", new Float64Array([1, 3]), 0)).not.toThrow();
  });
});
