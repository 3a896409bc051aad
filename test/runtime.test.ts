// Explicit runtimes: several live side by side, each object computes in the runtime it was
// created in, whatever the default is later, and the same condition raises the same error.
import { describe, expect, it } from "vitest";
import {
  BackendUnavailableError,
  CallbackResultError,
  createRuntime,
  defaultRuntime,
  discreteExpectedFisher,
  EmptyAccumulatorError,
  EmptyMeanError,
  empiricalFisher,
  FisherAccumulator,
  HessianAccumulator,
  informationMatrixTest,
  init,
  models,
  monteCarloFisher,
  NonFiniteError,
  NotInitializedError,
  numericalHessian,
  SymmetricMatrix,
  scoreJacobian,
} from "../src/index.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample } from "./helpers/random.js";
import { referenceFisher } from "./helpers/reference.js";

const TOLERANCE = 1e-13;

describe("runtimes", () => {
  it("before init(): NotInitializedError from everything that needs the default runtime", () => {
    expect(() => defaultRuntime()).toThrow(NotInitializedError);
    expect(() => new FisherAccumulator(2)).toThrow(NotInitializedError);
    expect(() => empiricalFisher(new Float64Array(2), 2)).toThrow(NotInitializedError);
    // A matrix needs no runtime until it computes.
    const m = SymmetricMatrix.fromPacked(new Float64Array([2, 0, 3]), 2);
    expect(m.trace()).toBe(5);
    expect(() => m.cholesky()).toThrow(NotInitializedError);
  });

  it("an explicit runtime computes before init(), and what it returns computes there too", async () => {
    const rt = await createRuntime({ backend: "js" });
    expect(rt.name).toBe("js");
    expect(() => defaultRuntime()).toThrow(NotInitializedError);
    const scores = sample(300 * 5, normal(7));
    const F = empiricalFisher(scores, 5, { runtime: rt });
    expect(F.runtime).toBe(rt);
    expectClose(F.packed, referenceFisher(scores, 5, { reduction: "mean" }), TOLERANCE, "empiricalFisher");
    // Inverse, eigenvalues and solves run in rt: no default runtime exists yet.
    expect(F.inverse().runtime).toBe(rt);
    expect(F.eigenvalues().length).toBe(5);
    expect(F.cholesky().solve(new Float64Array(5).fill(1)).length).toBe(5);
    expect(F.scale(2).runtime).toBe(rt);
  });

  it("objects keep their runtime when the default changes, and runtimes are independent", async () => {
    const js = await createRuntime({ backend: "js" });
    const simd = await createRuntime({ backend: "wasm-simd" });
    expect(js).not.toBe(simd);
    const other = await createRuntime({ backend: "wasm-simd" });
    expect(other).not.toBe(simd); // its own memory, not the cached default
    await init({ backend: "wasm-scalar" });
    const scores = sample(700 * 9, normal(11));
    const a = new FisherAccumulator(9, { runtime: js }).add(scores);
    const b = new FisherAccumulator(9, { runtime: simd }).add(scores);
    const c = new FisherAccumulator(9).add(scores);
    expect([a.backend, b.backend, c.backend]).toEqual(["js", "wasm-simd", "wasm-scalar"]);
    await init({ backend: "wasm-relaxed-simd" });
    expect(a.fisher().runtime).toBe(js);
    expect(b.fisher().runtime).toBe(simd);
    expect(c.fisher().runtime.name).toBe("wasm-scalar");
    const expected = referenceFisher(scores, 9, { reduction: "mean" });
    for (const acc of [a, b, c]) expectClose(acc.fisher().packed, expected, TOLERANCE, acc.backend);
    // Across runtimes: merge and deserialize into another one.
    a.merge(b);
    expect(a.count).toBe(1400);
    const copy = FisherAccumulator.deserialize(b.serialize(), { runtime: other });
    expect(copy.runtime).toBe(other);
    expect(Array.from(copy.fisher().packed)).toEqual(Array.from(b.fisher().packed));
    const h = new HessianAccumulator(2, { runtime: js }).add(new Float64Array([2, 1, 1, 3]));
    expect(h.sum().runtime).toBe(js);
    for (const acc of [a, b, c, copy, h]) acc.dispose();
  });

  it("matrices made with { runtime } compute there; a bad runtime is a TypeError naming it", async () => {
    const js = await createRuntime({ backend: "js" });
    await init({ backend: "wasm-simd" });
    const m = SymmetricMatrix.fromDense(new Float64Array([4, 1, 1, 3]), 2, { runtime: js });
    expect(m.runtime).toBe(js);
    expect(m.cholesky({ damping: 1 }).solve(new Float64Array([1, 1])).length).toBe(2);
    expect(SymmetricMatrix.fromPacked(new Float64Array([1, 0, 1]), 2, { runtime: js }).inverse().runtime).toBe(js);
    for (const bad of [{}, "js", 1, null]) {
      expect(() => new FisherAccumulator(2, { runtime: bad as never })).toThrow(TypeError);
      expect(() => new FisherAccumulator(2, { runtime: bad as never })).toThrow(/`options.runtime` must be a Runtime/);
      expect(() => empiricalFisher(new Float64Array(2), 2, { runtime: bad as never })).toThrow(/options.runtime/);
      expect(() => SymmetricMatrix.fromPacked(new Float64Array(1), 1, { runtime: bad as never })).toThrow(
        /options.runtime/,
      );
    }
  });

  it("a model computes its matrices in the runtime it was made with", async () => {
    const js = await createRuntime({ backend: "js" });
    await init({ backend: "wasm-simd" });
    const n = 200;
    const x = sample(n * 3, normal(5));
    const y = Float64Array.from({ length: n }, (_, i) => ((x[i * 3] as number) + (x[i * 3 + 1] as number) > 0 ? 1 : 0));
    for (let i = 0; i < n; i += 7) y[i] = 1 - (y[i] as number); // not separable
    const inJs = models.logistic(x, y, 3, { runtime: js });
    const inDefault = models.logistic(x, y, 3);
    expect(inJs.runtime).toBe(js);
    const params = new Float64Array([0.3, -0.2, 0.1]);
    expect(inJs.expectedFisher(params).runtime).toBe(js);
    expect(inJs.outerProductOfScores(params).runtime).toBe(js);
    expect(inDefault.expectedFisher(params).runtime.name).toBe("wasm-simd");
    const a = inJs.fit();
    const b = inDefault.fit();
    expectClose(a.params, b.params, 1e-12, "fit in js vs wasm-simd");
    expect(models.multinomial(x, y, 3, 2, { runtime: js }).expectedFisher(params).runtime).toBe(js);
    expect(() => models.poisson(x, y, 3, { runtime: "js" as never })).toThrow(/`options.runtime` must be a Runtime/);
  });

  it("an unavailable backend is a BackendUnavailableError naming it and what is available", async () => {
    const error = new BackendUnavailableError("wasm-simd", ["wasm-scalar", "js"]);
    expect(error.message).toBe("Backend wasm-simd is not available in this engine; available: wasm-scalar, js.");
    await expect(createRuntime({ backend: "webgpu" as "js" })).rejects.toThrow(/received "webgpu"/);
  });
});

describe("one error vocabulary", () => {
  it("a mean of no weight is EmptyMeanError everywhere (EmptyAccumulatorError is the same class)", async () => {
    await init({ backend: "wasm-simd" });
    expect(EmptyAccumulatorError).toBe(EmptyMeanError);
    expect(() => empiricalFisher(new Float64Array(0), 3)).toThrow(EmptyMeanError);
    expect(() => empiricalFisher(new Float64Array(6), 3, { weights: new Float64Array(2) })).toThrow(EmptyMeanError);
    const acc = new FisherAccumulator(3);
    expect(() => acc.fisher()).toThrow(EmptyMeanError);
    expect(() => new HessianAccumulator(3).mean()).toThrow(EmptyMeanError);
    acc.dispose();
  });

  it("non-finite input is NonFiniteError everywhere, naming the argument and the entry", async () => {
    await init({ backend: "wasm-simd" });
    const m = SymmetricMatrix.fromPacked(new Float64Array([2, 0, 2]), 2);
    const cases: [() => unknown, RegExp][] = [
      [
        () => SymmetricMatrix.fromPacked(new Float64Array([1, Number.NaN, 1]), 2),
        /`ap` must be finite; ap\[1\] is NaN/,
      ],
      [() => m.solve(new Float64Array([1, Number.POSITIVE_INFINITY])), /`b` must be finite; b\[1\] is Infinity/],
      [() => empiricalFisher(new Float64Array([1, 2, Number.NaN, 4]), 2), /row 1, column 0 is NaN/],
      [
        () => discreteExpectedFisher(new Float64Array([1, Number.NaN]), new Float64Array([1]), 2, 1),
        /`outcomeScores` must be finite; row 0, column 1 is NaN/,
      ],
      [
        () =>
          monteCarloFisher((n) => new Float64Array(n * 2).fill(n > 2 ? 1 : Number.NaN), 2, {
            samples: 5,
            batchSize: 3,
          }),
        /`sampleScores` must be finite; row 3, column 0 is NaN/,
      ],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(NonFiniteError);
      expect(call).toThrow(message);
    }
  });

  it("a callback that breaks its contract is CallbackResultError naming the call", async () => {
    await init({ backend: "wasm-simd" });
    const wrongType = () => monteCarloFisher(() => [1, 2] as unknown as Float64Array, 2, { samples: 1 });
    const wrongLength = () => monteCarloFisher((n) => new Float64Array(n), 2, { samples: 4 });
    expect(wrongType).toThrow(CallbackResultError);
    expect(wrongType).toThrow("`sampleScores(1)` must return a Float64Array; it returned object.");
    expect(wrongLength).toThrow(CallbackResultError);
    expect(wrongLength).toThrow(
      /`sampleScores\(4\)` must return 4 rows of 2 scores \(length 8\); it returned length 4/,
    );
  });

  it("finite-difference callbacks: a wrong result is CallbackResultError, a non-finite one NonFiniteError", () => {
    const theta = new Float64Array([0.5, 1]);
    expect(() => numericalHessian(() => "1" as unknown as number, theta)).toThrow(CallbackResultError);
    expect(() => numericalHessian(() => Number.NaN, theta)).toThrow(NonFiniteError);
    expect(() => numericalHessian(() => Number.NaN, theta)).toThrow(/`logLik` returned NaN at θ = \[/);
    expect(() => scoreJacobian(() => new Float64Array(3), theta)).toThrow(CallbackResultError);
    expect(() => scoreJacobian(() => new Float64Array(3), theta)).toThrow(/it returned Float64Array of length 3/);
    expect(() => scoreJacobian(() => new Float64Array([1, Number.NaN]), theta)).toThrow(NonFiniteError);
  });

  it("models: non-finite X, y, params or start are NonFiniteErrors naming the entry", async () => {
    await init({ backend: "wasm-simd" });
    const X = new Float64Array([1, 0, 1, 1, 1, 2, 1, 3]);
    const y = new Float64Array([0, 1, 0, 1]);
    expect(() => models.logistic(X, Float64Array.from([0, Number.NaN, 0, 1]), 2)).toThrow(
      /`y` must be finite; y\[1\] is NaN/,
    );
    expect(() =>
      models.logistic(
        X.map((v, k) => (k === 5 ? Number.POSITIVE_INFINITY : v)),
        y,
        2,
      ),
    ).toThrow(/`X` must be finite; row 2, column 1 is Infinity/);
    const model = models.logistic(X, y, 2);
    expect(() => model.gradient(new Float64Array([0, Number.NaN]))).toThrow(NonFiniteError);
    expect(() => model.fit({ start: new Float64Array([Number.NaN, 0]) })).toThrow(NonFiniteError);
  });

  it("layout is one option name: informationMatrixTest takes `layout` (and still the old `hessianLayout`)", async () => {
    await init({ backend: "wasm-simd" });
    const n = 40;
    const scores = sample(n * 2, normal(3));
    const hessians = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) hessians.set([-1 - (i % 3), 0.1, -2], i * 3);
    const a = informationMatrixTest(scores, hessians, 2, { layout: "packed" });
    const b = informationMatrixTest(scores, hessians, 2, { hessianLayout: "packed" });
    expect(a.opg.statistic).toBe(b.opg.statistic);
  });
});
