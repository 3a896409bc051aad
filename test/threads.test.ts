// Threads: a runtime's pool splits the packed columns of each SYRK (and of the Cholesky's trailing
// updates) between threads, so every entry is summed in the same order by one thread. Results
// with 1, 2, 3 and 8 threads must be bit-identical to each other and to the single-threaded build
// of the same backend, on every backend, at every SIMD tail, for N below and above a chunk, with
// weights and centering. A worker that dies mid-call must leave an accumulator as it was.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  availableBackends,
  createRuntime,
  empiricalFisher,
  FisherAccumulator,
  init,
  KroneckerFactoredFisher,
  type Runtime,
  SymmetricMatrix,
  threads,
  WorkerFailedError,
} from "../src/index.js";
import { normal, sample, uniform } from "./helpers/random.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 129, 257];
const ROWS = [1, 3, 255, 256, 257, 600];
const COUNTS = [2, 3, 8];

/** Bit-for-bit equality, reporting the first entry that differs. */
function expectIdentical(got: Float64Array, want: Float64Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${what}: entry ${i} is ${got[i]}, single-threaded ${want[i]}`);
  }
}

/** Byte-for-byte equality of two serialized states, reporting the first byte that differs. */
function expectSameBytes(got: Uint8Array, want: Uint8Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const at = got.findIndex((byte, i) => byte !== want[i]);
  if (at >= 0) expect.fail(`${what}: byte ${at} is ${got[at]}, expected ${want[at]}`);
}

/** Lets every call share its tiles, however small (the default keeps small calls on one thread). */
function shareEverything(rt: Runtime): void {
  if (rt.pool) rt.pool.minSharedFlops = 0;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe.each(availableBackends())("threads on %s", (backend) => {
  const threaded = backend === "wasm-simd" || backend === "wasm-relaxed-simd";
  let single: Runtime;
  const pools: Runtime[] = [];

  beforeAll(async () => {
    single = await createRuntime({ backend, threads: 1 });
    for (const count of COUNTS) {
      const rt = await createRuntime({ backend, threads: count });
      shareEverything(rt);
      pools.push(rt);
    }
  });
  afterAll(() => {
    for (const rt of pools) rt.dispose();
  });

  it("names its thread count and why", () => {
    expect(single.threads).toBe(1);
    expect(single.pool).toBeUndefined();
    for (const [i, rt] of pools.entries()) {
      expect(rt.threads).toBe(threaded ? COUNTS[i] : 1);
      expect(rt.threadsNote).toMatch(threaded ? /threads: asked for/ : /^1 thread: the .* backend/);
    }
  });

  it("empiricalFisher is bit-identical for 1, 2, 3 and 8 threads (every tail, N around a chunk, weights, centering)", () => {
    const next = normal(12);
    for (const d of DIMS) {
      for (const n of ROWS) {
        const scores = sample(n * d, () => 3 + next());
        const weights = sample(n, uniform(d * 1000 + n));
        for (const options of [{}, { weights }, { weights, centered: true }, { centered: true }]) {
          const want = empiricalFisher(scores, d, { ...options, runtime: single }).packed;
          // A backend without threads computes each of them on one thread: one of them will do.
          for (const rt of threaded ? pools : pools.slice(0, 1)) {
            const got = empiricalFisher(scores, d, { ...options, runtime: rt }).packed;
            expectIdentical(got, want, `d=${d} N=${n} ${JSON.stringify(Object.keys(options))} threads=${rt.threads}`);
          }
        }
      }
    }
  });

  it("FisherAccumulator.add and K-FAC factors are bit-identical for any thread count", () => {
    const next = normal(7);
    for (const d of [5, 33, 129]) {
      const batches = [40, 700, 1].map((n) => sample(n * d, next));
      const reference = new FisherAccumulator(d, { runtime: single });
      for (const b of batches) reference.add(b);
      for (const rt of pools) {
        const acc = new FisherAccumulator(d, { runtime: rt });
        for (const b of batches) acc.add(b);
        expectSameBytes(acc.serialize(), reference.serialize(), `d=${d} threads=${rt.threads}`);
        acc.dispose();
      }
      reference.dispose();
    }
    const [inputDim, outputDim, n] = [37, 17, 300];
    const activations = sample(n * inputDim, next);
    const gradients = sample(n * outputDim, next);
    const want = new KroneckerFactoredFisher(inputDim, outputDim, { bias: true, runtime: single });
    want.add(activations, gradients);
    for (const rt of pools) {
      const got = new KroneckerFactoredFisher(inputDim, outputDim, { bias: true, runtime: rt });
      got.add(activations, gradients);
      expectIdentical(got.factors().A.packed, want.factors().A.packed, `K-FAC A, threads=${rt.threads}`);
      expectIdentical(got.factors().G.packed, want.factors().G.packed, `K-FAC G, threads=${rt.threads}`);
      got.dispose();
    }
    want.dispose();
  });

  it("the Cholesky factor (its trailing updates shared) is bit-identical for any thread count", () => {
    const next = normal(3);
    for (const d of [1, 9, 64, 65, 129, 200]) {
      const scores = sample((d + 8) * d, next);
      const fisher = empiricalFisher(scores, d, { runtime: single });
      const want = SymmetricMatrix.fromPacked(fisher.packed, d, { runtime: single }).cholesky({ damping: 0.5 }).packed;
      for (const rt of pools) {
        const got = SymmetricMatrix.fromPacked(fisher.packed, d, { runtime: rt }).cholesky({ damping: 0.5 }).packed;
        expectIdentical(got, want, `Cholesky d=${d} threads=${rt.threads}`);
      }
    }
  });
});

describe("threads: options, the default runtime, faults, disposal", () => {
  const canThread = availableBackends().includes("wasm-simd");

  it("rejects a threads option that is not an integer from 1 to 256, naming it", async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, "2", 257]) {
      // A number out of range is a RangeError; a string, the wrong type, a TypeError.
      await expect(createRuntime({ threads: bad as number })).rejects.toThrow(
        typeof bad === "number" ? RangeError : TypeError,
      );
      await expect(init({ threads: bad as number })).rejects.toThrow(/`options\.threads`/);
    }
  });

  it.runIf(canThread)(
    "threads() names the default runtime's count; the default is one per hardware thread",
    async () => {
      await init({ backend: "wasm-simd", threads: 3 });
      expect(threads()).toBe(3);
      await init({ backend: "wasm-simd", threads: 1 });
      expect(threads()).toBe(1);
      await init({ backend: "js" });
      expect(threads()).toBe(1);
      const { availableParallelism } = await import("node:os");
      const rt = await createRuntime({ backend: "wasm-simd" });
      expect(rt.threads).toBe(availableParallelism());
      rt.dispose();
    },
  );

  it.runIf(canThread)(
    "a worker that dies mid-call: WorkerFailedError, the accumulator as it was, the next call works",
    async () => {
      const rt = await createRuntime({ backend: "wasm-simd", threads: 3 });
      const single = await createRuntime({ backend: "wasm-simd", threads: 1 });
      shareEverything(rt);
      const pool = rt.pool;
      if (!pool) throw new Error("no pool");
      const d = 129;
      const next = normal(5);
      const first = sample(300 * d, next);
      const second = sample(100 * d, next);
      const acc = new FisherAccumulator(d, { runtime: rt });
      const reference = new FisherAccumulator(d, { runtime: single });
      acc.add(first);
      reference.add(first);
      for (const worker of [1, 2]) {
        const before = acc.serialize();
        pool.injectFault(worker);
        expect(() => acc.add(second)).toThrow(WorkerFailedError);
        expectSameBytes(acc.serialize(), before, `after worker ${worker} died`);
        // The next call works at once (its dead worker's share done by the calling thread) ...
        acc.add(second);
        reference.add(second);
        expectSameBytes(acc.serialize(), reference.serialize(), `the call after worker ${worker} died`);
        // ... and the pool replaces the worker.
        await until(() => pool.allReady());
      }
      pool.injectFault(2);
      expect(() => empiricalFisher(second, d, { runtime: rt })).toThrow(/Worker 2 of the thread pool died/);
      await until(() => pool.allReady());
      expectIdentical(
        empiricalFisher(second, d, { runtime: rt }).packed,
        empiricalFisher(second, d, { runtime: single }).packed,
        "after the replacement",
      );
      pool.injectFault(1);
      const matrix = SymmetricMatrix.fromPacked(empiricalFisher(first, d, { runtime: single }).packed, d, {
        runtime: rt,
      });
      expect(() => matrix.cholesky({ damping: 1 })).toThrow(WorkerFailedError);
      await until(() => pool.allReady());
      rt.dispose();
      expect(rt.threads).toBe(1);
      // A disposed runtime computes on the calling thread, the same bits.
      expectIdentical(
        empiricalFisher(second, d, { runtime: rt }).packed,
        empiricalFisher(second, d, { runtime: single }).packed,
        "after dispose",
      );
    },
  );

  it.runIf(canThread)("a process that computes with threads exits on its own", () => {
    const script = `
      import { createRuntime, empiricalFisher, init, threads } from ${JSON.stringify(fileURLToPath(new URL("../dist/index.mjs", import.meta.url)))};
      await init({ threads: 2 });
      const rt = await createRuntime({ threads: 3 });
      const d = 300;
      const scores = new Float64Array(600 * d).map((_, i) => Math.sin(i));
      const a = empiricalFisher(scores, d);
      const b = empiricalFisher(scores, d, { runtime: rt });
      console.log(threads(), rt.threads, a.packed.every((x, i) => Object.is(x, b.packed[i])));
    `;
    const started = Date.now();
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe("2 3 true");
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
