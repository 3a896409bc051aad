// The Kronecker-factored Fisher of a dense layer against the explicit Kronecker product
// G ⊗ A built densely here (row-major vec), dense solves of it, the exact Fisher of a single
// sample's gradient, the EMA formula, merges and the byte format; and the gemm kernel behind
// it against a plain triple loop, with guard zones, at sizes that hit every tail.
import { beforeAll, describe, expect, it } from "vitest";
import { assertOperator } from "../src/curvature/operator.js";
import { defaultRuntime as runtime } from "../src/engine/init.js";
import {
  createRuntime,
  DisposedError,
  EmptyMeanError,
  empiricalFisher,
  init,
  KroneckerFactoredFisher,
  NonFiniteError,
  SerializationError,
  SymmetricMatrix,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { guarded } from "./helpers/guarded.js";
import { normal, sample, uniform } from "./helpers/random.js";

/** ã rows: the activations with a 1 appended when bias. */
function extended(acts: Float64Array, inDim: number, bias: boolean): Float64Array {
  if (!bias) return acts;
  const rows = acts.length / inDim;
  const out = new Float64Array(rows * (inDim + 1));
  for (let r = 0; r < rows; r++) {
    out.set(acts.subarray(r * inDim, (r + 1) * inDim), r * (inDim + 1));
    out[r * (inDim + 1) + inDim] = 1;
  }
  return out;
}

/** Dense row-major (1/Σw) Σ w x xᵀ over the rows of x, by plain loops. */
function denseMean(x: Float64Array, d: number, weights?: Float64Array): Float64Array {
  const rows = x.length / d;
  const out = new Float64Array(d * d);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const w = weights ? (weights[r] as number) : 1;
    total += w;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) out[i * d + j] += w * (x[r * d + i] as number) * (x[r * d + j] as number);
    }
  }
  return out.map((v) => v / total);
}

/** The explicit G ⊗ A (row-major vec): K[(i·a + j), (k·a + l)] = G[i][k] A[j][l]. */
function kron(G: Float64Array, o: number, A: Float64Array, a: number): Float64Array {
  const n = o * a;
  const K = new Float64Array(n * n);
  for (let i = 0; i < o; i++)
    for (let j = 0; j < a; j++)
      for (let k = 0; k < o; k++)
        for (let l = 0; l < a; l++)
          K[(i * a + j) * n + k * a + l] = (G[i * o + k] as number) * (A[j * a + l] as number);
  return K;
}

/** y = K x for each row of a row-major batch x. */
function denseMatvec(K: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / n; r++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (K[i * n + j] as number) * (x[r * n + j] as number);
      y[r * n + i] = s;
    }
  return y;
}

/** Row-major C = A B by the plain triple loop. */
function matmul(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (A[i * k + p] as number) * (B[p * n + j] as number);
      C[i * n + j] = s;
    }
  return C;
}

function plusDiagonal(M: Float64Array, d: number, lambda: number): Float64Array {
  const out = M.slice();
  for (let i = 0; i < d; i++) out[i * d + i] += lambda;
  return out;
}

function trace(M: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += M[i * d + i] as number;
  return s;
}

interface Layer {
  inDim: number;
  outDim: number;
  bias: boolean;
}

/** Random layer inputs and the dense reference factors. */
function batch({ inDim, outDim, bias }: Layer, rows: number, seed: number, weighted = true) {
  const acts = sample(rows * inDim, normal(seed));
  const grads = sample(rows * outDim, normal(seed + 1));
  const weights = weighted ? sample(rows, uniform(seed + 2)) : undefined;
  const a = inDim + (bias ? 1 : 0);
  const A = denseMean(extended(acts, inDim, bias), a, weights);
  const G = denseMean(grads, outDim, weights);
  return { acts, grads, weights, a, A, G };
}

// Shapes whose a = inputDim + bias and o = outputDim hit 1, 2, 3, 4, 5, 7, 8, 9, 31, 33.
const LAYERS: Layer[] = [
  { inDim: 1, outDim: 1, bias: false },
  { inDim: 1, outDim: 1, bias: true },
  { inDim: 3, outDim: 2, bias: true },
  { inDim: 3, outDim: 3, bias: false },
  { inDim: 3, outDim: 4, bias: true },
  { inDim: 7, outDim: 5, bias: false },
  { inDim: 6, outDim: 7, bias: true },
  { inDim: 8, outDim: 8, bias: false },
  { inDim: 9, outDim: 33, bias: true },
  { inDim: 31, outDim: 9, bias: false },
  { inDim: 32, outDim: 31, bias: true },
];

const GEMM_DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 31, 33];

describe.each(BACKENDS)("KroneckerFactoredFisher on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("gemm matches the triple loop for every tail of m, k and n, and writes only C", () => {
    const rt = runtime();
    const k = rt.kernels;
    const shapes: [number, number, number][] = [];
    for (const m of GEMM_DIMS) for (const n of GEMM_DIMS) for (const kk of [1, 3, 8, 33]) shapes.push([m, kk, n]);
    // Past the kernel's blocks: more than 256 shared columns and more than 128 rows.
    shapes.push([130, 300, 37], [257, 5, 9], [6, 513, 6], [0, 4, 3], [3, 0, 4]);
    for (const [m, kk, n] of shapes) {
      const A = sample(m * kk, normal(m * 1000 + kk * 10 + n));
      const B = sample(kk * n, normal(n * 1000 + kk));
      const C0 = sample(m * n, normal(7));
      const expected = matmul(A, B, m, kk, n);
      for (const beta of [0, 1, 0.5]) {
        const c = guarded(m * n);
        const ap = rt.alloc(m * kk + 1);
        const bp = rt.alloc(kk * n + 1);
        const scratch = rt.alloc(Math.ceil(k.gemmScratchBytes(m, kk, n) / 8) + 1);
        rt.write(ap, A);
        rt.write(bp, B);
        // beta = 0 must not read C: NaN there would show.
        rt.write(c.ptr, beta === 0 ? C0.map(() => Number.NaN) : C0);
        k.gemm(c.ptr, ap, bp, m, kk, n, beta, scratch);
        const want = expected.map((v, i) => v + beta * (beta === 0 ? 0 : (C0[i] as number)));
        expectClose(rt.read(c.ptr, m * n), want, 1e-13, `gemm ${m}×${kk}·${kk}×${n} beta ${beta}`);
        expect(c.guardsIntact(), `guards ${m}×${kk}×${n}`).toBe(true);
        for (const p of [ap, bp, scratch]) rt.free(p);
        c.release();
      }
    }
  });

  it.each(LAYERS)("factors and matvec match the explicit G ⊗ A (in $inDim, out $outDim, bias $bias)", (layer) => {
    const { acts, grads, weights, a, A, G } = batch(layer, 37, layer.inDim * 100 + layer.outDim);
    const o = layer.outDim;
    const kf = new KroneckerFactoredFisher(layer.inDim, layer.outDim, { bias: layer.bias });
    kf.add(acts, grads, { weights });
    expect(kf.dim).toBe(o * a);
    expect(kf.count).toBe(37);
    const { A: fa, G: fg } = kf.factors();
    expect(fa.dim).toBe(a);
    expect(fg.dim).toBe(o);
    expectClose(fa.toDense(), A, 1e-13, "A");
    expectClose(fg.toDense(), G, 1e-13, "G");
    const K = kron(G, o, A, a);
    const x = sample(3 * o * a, normal(5));
    expectClose(kf.matvec(x), denseMatvec(K, o * a, x), 1e-12, "batch of 3");
    expectClose(kf.matvec(x.subarray(0, o * a)), denseMatvec(K, o * a, x.subarray(0, o * a)), 1e-12, "one");
    kf.dispose();
  });

  it.each(LAYERS)("solve, π-split and exact, matches a dense solve (in $inDim, out $outDim, bias $bias)", (layer) => {
    const rows = 3 + layer.inDim + layer.outDim; // full rank, so damping 0 is allowed too
    const { acts, grads, weights, a, A, G } = batch(layer, rows, layer.inDim * 7 + layer.outDim);
    const o = layer.outDim;
    const n = o * a;
    const kf = new KroneckerFactoredFisher(layer.inDim, layer.outDim, { bias: layer.bias });
    kf.add(acts, grads, { weights });
    const v = sample(2 * n, normal(9));
    const one = v.subarray(0, n);
    const K = kron(G, o, A, a);
    for (const damping of [0.3, 1e-3]) {
      const pi = Math.sqrt(trace(A, a) / a / (trace(G, o) / o));
      const Kpi = kron(plusDiagonal(G, o, Math.sqrt(damping) / pi), o, plusDiagonal(A, a, pi * Math.sqrt(damping)), a);
      const wantPi = SymmetricMatrix.fromDense(Kpi, n, { symmetryTolerance: 1e-10 }).solve(v);
      expectClose(kf.solve(v, { damping }), wantPi, 1e-10, `pi λ=${damping}`);
      expectClose(kf.solve(one, { damping, split: "pi" }), wantPi.subarray(0, n), 1e-10, `pi one λ=${damping}`);
      const wantExact = SymmetricMatrix.fromDense(K, n, { symmetryTolerance: 1e-10 }).solve(v, { damping });
      expectClose(kf.solve(v, { damping, split: "exact" }), wantExact, 1e-9, `exact λ=${damping}`);
      // The solve inverts the damped operator.
      expectClose(
        denseMatvec(plusDiagonal(K, n, damping), n, kf.solve(one, { damping, split: "exact" })),
        one,
        1e-10,
        `exact residual λ=${damping}`,
      );
    }
    // Without damping, both are (G ⊗ A)⁻¹.
    const want = SymmetricMatrix.fromDense(K, n, { symmetryTolerance: 1e-10 }).solve(one);
    expectClose(kf.solve(one), want, 1e-8, "pi λ=0");
    expectClose(kf.solve(one, { split: "exact" }), want, 1e-8, "exact λ=0");
    kf.dispose();
  });

  it("a larger layer (300 → 40, bias, B = 300 in two chunks): matvec and solve against plain loops", () => {
    const layer = { inDim: 300, outDim: 40, bias: true };
    const { acts, grads, weights, a, A, G } = batch(layer, 300, 77);
    const o = layer.outDim;
    const kf = new KroneckerFactoredFisher(layer.inDim, layer.outDim).add(acts, grads, { weights });
    expectClose(kf.factors().A.toDense(), A, 1e-13, "A");
    expectClose(kf.factors().G.toDense(), G, 1e-13, "G");
    const V = sample(2 * o * a, normal(3));
    const want = new Float64Array(2 * o * a);
    for (let r = 0; r < 2; r++) {
      const Vr = V.subarray(r * o * a, (r + 1) * o * a);
      want.set(matmul(matmul(G, Vr, o, o, a), A, o, a, a), r * o * a);
    }
    expectClose(kf.matvec(V), want, 1e-12, "G V A");
    const damping = 0.05;
    const X = kf.solve(V, { damping });
    const pi = Math.sqrt(trace(A, a) / a / (trace(G, o) / o));
    const Gd = plusDiagonal(G, o, Math.sqrt(damping) / pi);
    const Ad = plusDiagonal(A, a, pi * Math.sqrt(damping));
    // (G + λ_G I) X (A + λ_A I) = V.
    for (let r = 0; r < 2; r++) {
      const Xr = X.subarray(r * o * a, (r + 1) * o * a);
      expectClose(matmul(matmul(Gd, Xr, o, o, a), Ad, o, a, a), V.subarray(r * o * a, (r + 1) * o * a), 1e-10, "pi");
    }
    const Y = kf.solve(V, { damping, split: "exact" });
    // G Y A + λ Y = V.
    for (let r = 0; r < 2; r++) {
      const Yr = Y.subarray(r * o * a, (r + 1) * o * a);
      const back = matmul(matmul(G, Yr, o, o, a), A, o, a, a).map((v, i) => v + damping * (Yr[i] as number));
      expectClose(back, V.subarray(r * o * a, (r + 1) * o * a), 1e-10, "exact");
    }
    kf.dispose();
  });

  it.each([
    { inDim: 3, outDim: 2, bias: true },
    { inDim: 4, outDim: 3, bias: false },
    { inDim: 1, outDim: 1, bias: true },
  ])(
    "one sample is the exact Fisher of the layer's gradient vec_r(g ãᵀ) (in $inDim, out $outDim, bias $bias)",
    (layer) => {
      const { acts, grads, a } = batch(layer, 1, 31, false);
      const o = layer.outDim;
      const n = o * a;
      const at = extended(acts, layer.inDim, layer.bias);
      const gradient = new Float64Array(n);
      for (let i = 0; i < o; i++)
        for (let j = 0; j < a; j++) gradient[i * a + j] = (grads[i] as number) * (at[j] as number);
      const exact = empiricalFisher(gradient, n).toDense();
      const kf = new KroneckerFactoredFisher(layer.inDim, layer.outDim, { bias: layer.bias });
      kf.add(acts, grads, { weights: new Float64Array([1]) });
      const identity = new Float64Array(n * n);
      for (let i = 0; i < n; i++) identity[i * n + i] = 1;
      // Row i of the batch result is K e_i, column i of K, which is row i by symmetry.
      expectClose(kf.matvec(identity), exact, 1e-14, "K-FAC vs exact");
      kf.dispose();
    },
  );

  it("update is the exponential moving average of the batch means", () => {
    const layer = { inDim: 5, outDim: 3, bias: true };
    const first = batch(layer, 20, 1);
    const second = batch(layer, 300, 2);
    const third = batch(layer, 7, 3, false);
    const kf = new KroneckerFactoredFisher(5, 3);
    kf.update(first.acts, first.grads, { decay: 0.9, weights: first.weights });
    // On an empty object the factors become the batch mean.
    expectClose(kf.factors().A.toDense(), first.A, 1e-13, "A after the first update");
    expectClose(kf.factors().G.toDense(), first.G, 1e-13, "G after the first update");
    kf.update(second.acts, second.grads, { decay: 0.9, weights: second.weights });
    const ema = (old: Float64Array, now: Float64Array, decay: number) =>
      old.map((v, i) => decay * v + (1 - decay) * (now[i] as number));
    let A = ema(first.A, second.A, 0.9);
    let G = ema(first.G, second.G, 0.9);
    expectClose(kf.factors().A.toDense(), A, 1e-13, "A after two");
    expectClose(kf.factors().G.toDense(), G, 1e-13, "G after two");
    kf.update(third.acts, third.grads, { decay: 0.25 });
    A = ema(A, third.A, 0.25);
    G = ema(G, third.G, 0.25);
    expectClose(kf.factors().A.toDense(), A, 1e-13, "A after three");
    expectClose(kf.factors().G.toDense(), G, 1e-13, "G after three");
    expect(kf.count).toBe(327);
    const W = [first.weights, second.weights].reduce((s, w) => s + (w as Float64Array).reduce((x, y) => x + y, 0), 7);
    expect(kf.totalWeight).toBeCloseTo(W, 10);
    // decay 1 keeps the factors; decay 0 replaces them.
    kf.update(first.acts, first.grads, { decay: 1 });
    expectClose(kf.factors().A.toDense(), A, 1e-13, "decay 1");
    kf.update(third.acts, third.grads, { decay: 0 });
    expectClose(kf.factors().A.toDense(), third.A, 1e-13, "decay 0");
    // The cache follows the factors: matvec uses the new ones.
    const K = kron(third.G, 3, third.A, 6);
    const x = sample(18, normal(4));
    expectClose(kf.matvec(x), denseMatvec(K, 18, x), 1e-12, "matvec after update");
    kf.dispose();
  });

  it("merge of parts (across runtimes, and with itself) equals one add; the caches follow", async () => {
    const layer = { inDim: 9, outDim: 4, bias: true };
    const { acts, grads, weights } = batch(layer, 400, 12);
    const whole = new KroneckerFactoredFisher(9, 4).add(acts, grads, { weights });
    const js = await createRuntime({ backend: "js" });
    const merged = new KroneckerFactoredFisher(9, 4).add(acts.subarray(0, 9 * 150), grads.subarray(0, 4 * 150), {
      weights: (weights as Float64Array).subarray(0, 150),
    });
    const x = sample(40, normal(2));
    const before = merged.matvec(x);
    const part = new KroneckerFactoredFisher(9, 4, { runtime: js }).add(
      acts.subarray(9 * 150),
      grads.subarray(4 * 150),
      { weights: (weights as Float64Array).subarray(150) },
    );
    expect(part.runtime).toBe(js);
    merged.merge(part);
    expect(merged.count).toBe(400);
    expect(merged.totalWeight).toBeCloseTo(whole.totalWeight, 10);
    expectClose(merged.factors().A.packed, whole.factors().A.packed, 1e-13, "A");
    expectClose(merged.factors().G.packed, whole.factors().G.packed, 1e-13, "G");
    const after = merged.matvec(x);
    expect(after).not.toEqual(before);
    expectClose(after, whole.matvec(x), 1e-13, "matvec after merge");
    expectClose(merged.solve(x, { damping: 0.1 }), whole.solve(x, { damping: 0.1 }), 1e-12, "solve after merge");
    // Merging with itself doubles the weight and keeps the means.
    const means = whole.factors().A.packed;
    whole.merge(whole);
    expect(whole.count).toBe(800);
    expectClose(whole.factors().A.packed, means, 1e-15, "self-merge");
    for (const k of [whole, merged, part]) k.dispose();
  });

  it("serialize/deserialize round-trips bit for bit and keeps accumulating identically", async () => {
    const layer = { inDim: 6, outDim: 5, bias: false };
    const { acts, grads, weights } = batch(layer, 30, 21);
    const more = batch(layer, 10, 22);
    const kf = new KroneckerFactoredFisher(6, 5, { bias: false }).add(acts, grads, { weights });
    const bytes = kf.serialize();
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe("FWKF");
    const copy = KroneckerFactoredFisher.deserialize(bytes);
    const js = await createRuntime({ backend: "js" });
    const elsewhere = KroneckerFactoredFisher.deserialize(bytes, { runtime: js });
    expect(elsewhere.runtime).toBe(js);
    for (const other of [copy, elsewhere]) {
      expect(other.serialize()).toEqual(bytes);
      expect(other.bias).toBe(false);
      expect(other.count).toBe(30);
      expect(other.totalWeight).toBe(kf.totalWeight);
    }
    kf.add(more.acts, more.grads);
    copy.add(more.acts, more.grads);
    expect(copy.serialize()).toEqual(kf.serialize());
    const corrupted = bytes.slice();
    corrupted[40] = (corrupted[40] as number) ^ 1;
    expect(() => KroneckerFactoredFisher.deserialize(corrupted)).toThrow(SerializationError);
    expect(() => KroneckerFactoredFisher.deserialize(bytes.subarray(0, 20))).toThrow(SerializationError);
    const foreign = bytes.slice();
    foreign[0] = 0x41;
    expect(() => KroneckerFactoredFisher.deserialize(foreign)).toThrow(/magic "FWKF"/);
    for (const k of [kf, copy, elsewhere]) k.dispose();
  });

  it("is a CurvatureOperator", () => {
    const kf = new KroneckerFactoredFisher(2, 2);
    expect(() => assertOperator("kf", kf)).not.toThrow();
    kf.dispose();
  });

  describe("bad input", () => {
    it("constructor: dims and bias", () => {
      expect(() => new KroneckerFactoredFisher(0, 2)).toThrow(/`inputDim` must be a positive integer; received 0/);
      expect(() => new KroneckerFactoredFisher(2, 1.5)).toThrow(/`outputDim` must be a positive integer; received 1.5/);
      expect(() => new KroneckerFactoredFisher(32767, 2)).toThrow(RangeError);
      // @ts-expect-error: a string where a boolean belongs
      expect(() => new KroneckerFactoredFisher(2, 2, { bias: "yes" })).toThrow(TypeError);
    });

    it("add: kinds, lengths, differing batch sizes and weights", () => {
      const kf = new KroneckerFactoredFisher(3, 2);
      const acts = sample(12, normal(1));
      const grads = sample(8, normal(2));
      // @ts-expect-error: a plain array
      expect(() => kf.add([1, 2, 3], grads)).toThrow(
        /`activations` must be a Float64Array or Float32Array; received Array\(3\)/,
      );
      expect(() => kf.add(acts.subarray(0, 11), grads)).toThrow(/`activations` length must be a multiple of dim \(3\)/);
      expect(() => kf.add(acts, grads.subarray(0, 7))).toThrow(/`outputGradients` length must be a multiple/);
      expect(() => kf.add(acts, grads.subarray(0, 6))).toThrow(
        /must hold the same number of rows \(samples\); received 4 rows of 3 and 3 rows of 2/,
      );
      expect(() => kf.add(acts, grads, { weights: new Float64Array(3) })).toThrow(
        /`options.weights` must have length 4/,
      );
      expect(() => kf.add(acts, grads, { weights: new Float64Array([1, -1, 1, 1]) })).toThrow(
        /options.weights\[1\] is -1/,
      );
      expect(kf.count).toBe(0);
      kf.dispose();
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY])(
      "a non-finite %s in either input is a NonFiniteError with nothing changed (also in a later chunk)",
      (bad) => {
        const kf = new KroneckerFactoredFisher(4, 3).add(sample(40, normal(1)), sample(30, normal(2)));
        const x = sample(15, normal(3));
        const product = kf.matvec(x);
        const bytes = kf.serialize();
        const rows = 600; // three chunks
        for (const [argument, width, row, column] of [
          ["activations", 4, 2, 3],
          ["activations", 4, 513, 1],
          ["outputGradients", 3, 0, 0],
          ["outputGradients", 3, 300, 2],
        ] as const) {
          const acts = sample(rows * 4, normal(4));
          const grads = sample(rows * 3, normal(5));
          (argument === "activations" ? acts : grads)[row * width + column] = bad;
          for (const call of [() => kf.add(acts, grads), () => kf.update(acts, grads, { decay: 0.5 })]) {
            let error: unknown;
            try {
              call();
            } catch (e) {
              error = e;
            }
            expect(error).toBeInstanceOf(NonFiniteError);
            expect(error).toMatchObject({ argument, row, column });
            expect(kf.serialize()).toEqual(bytes);
            expect(kf.matvec(x)).toEqual(product);
          }
        }
        kf.dispose();
      },
    );

    it("update: decay and a batch without weight", () => {
      const kf = new KroneckerFactoredFisher(2, 2).add(sample(8, normal(1)), sample(8, normal(2)));
      const bytes = kf.serialize();
      const acts = sample(4, normal(3));
      const grads = sample(4, normal(4));
      for (const decay of [-0.1, 1.5, Number.NaN, undefined]) {
        // @ts-expect-error: decay missing or wrong
        expect(() => kf.update(acts, grads, { decay })).toThrow(/`options.decay` must be a number in \[0, 1\]/);
      }
      // @ts-expect-error: no options
      expect(() => kf.update(acts, grads)).toThrow(TypeError);
      expect(() => kf.update(acts, grads, { decay: 0.5, weights: new Float64Array(2) })).toThrow(EmptyMeanError);
      expect(kf.serialize()).toEqual(bytes);
      kf.dispose();
    });

    it("matvec and solve: lengths, non-finite entries, damping, split, empty", () => {
      const empty = new KroneckerFactoredFisher(3, 2);
      expect(() => empty.matvec(new Float64Array(8))).toThrow(EmptyMeanError);
      expect(() => empty.solve(new Float64Array(8), { damping: 1 })).toThrow(EmptyMeanError);
      expect(() => empty.factors()).toThrow(EmptyMeanError);
      // One sample: A = ã ãᵀ and G = g gᵀ have rank 1.
      const kf = new KroneckerFactoredFisher(3, 2).add(sample(3, normal(1)), sample(2, normal(2)));
      expect(() => kf.matvec(new Float64Array(7))).toThrow(/`V` must hold one vector of length 8/);
      expect(() => kf.solve(new Float64Array(0), { damping: 1 })).toThrow(RangeError);
      const v = sample(8, normal(3));
      v[5] = Number.NaN;
      expect(() => kf.matvec(v)).toThrow(NonFiniteError);
      expect(() => kf.solve(v, { damping: 1 })).toThrow(/`V` must be finite; V\[5\] is NaN/);
      const w = sample(8, normal(4));
      expect(() => kf.solve(w, { damping: -1 })).toThrow(/`options.damping` must be a finite non-negative number/);
      expect(() => kf.solve(w, { damping: Number.POSITIVE_INFINITY })).toThrow(RangeError);
      // @ts-expect-error: an unknown split
      expect(() => kf.solve(w, { damping: 1, split: "halves" })).toThrow(/`options.split` must be "pi" or "exact"/);
      for (const split of ["pi", "exact"] as const) {
        expect(() => kf.solve(w, { damping: 0, split })).toThrow(/`options.damping` is 0 but .* singular/);
        expect(() => kf.solve(w, { split })).toThrow(RangeError);
        expect(Array.from(kf.solve(w, { damping: 1e-3, split })).every(Number.isFinite)).toBe(true);
      }
      kf.dispose();
      empty.dispose();
    });

    it("merge: another kind, shape or bias; use after dispose", () => {
      const kf = new KroneckerFactoredFisher(3, 2);
      // @ts-expect-error: not a KroneckerFactoredFisher
      expect(() => kf.merge({})).toThrow(/`other` must be a KroneckerFactoredFisher; received Object/);
      for (const other of [
        new KroneckerFactoredFisher(2, 3),
        new KroneckerFactoredFisher(3, 3),
        new KroneckerFactoredFisher(3, 2, { bias: false }),
      ]) {
        expect(() => kf.merge(other)).toThrow(/`other` must have inputDim 3, outputDim 2 and bias true/);
        other.dispose();
      }
      kf.dispose();
      kf.dispose();
      expect(() => kf.add(new Float64Array(3), new Float64Array(2))).toThrow(DisposedError);
      expect(() => kf.serialize()).toThrow(DisposedError);
      expect(() => kf.matvec(new Float64Array(8))).toThrow(DisposedError);
    });
  });
});
