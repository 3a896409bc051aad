// Memory limits: MAX_DIM is a dimension that works (its plan, checked against what objects
// really hold, fits in 4 GiB), a size that cannot work fails at once with the dim and the
// limit, and running out of memory with undisposed objects is a typed error that says so.
// Every check runs on a one-thread runtime and, where the backend has a shared-memory build, on
// a threaded one, whose shared memory declares its own maximum.
import { beforeAll, describe, expect, it } from "vitest";
import {
  accumulatorPlanBytes,
  kroneckerPlanBytes,
  MAX_PAGES,
  MEMORY_LIMIT_BYTES,
  packedBytes,
  RESERVED_BYTES,
  syrkScratchBound,
} from "../src/base/memory-limits.js";
import { packedLength } from "../src/base/packed-layout.js";
import { createJsKernels } from "../src/engine/backends/js-kernels.js";
import { JsMemory } from "../src/engine/backends/js-memory.js";
import type { LinearMemory } from "../src/engine/kernels.js";
import { Runtime } from "../src/engine/runtime.js";
import { WorkerPool } from "../src/engine/threads/pool.js";
import { controlBlockPtr, threadedKernels } from "../src/engine/threads/threaded-kernels.js";
import { instantiate, instantiateShared, sharedBuildOf } from "../src/engine/wasm/instantiate.js";
import {
  type BackendName,
  createRuntime,
  DiagonalFisherAccumulator,
  empiricalFisher,
  FisherAccumulator,
  HessianAccumulator,
  init,
  KroneckerFactoredFisher,
  LowRankFisher,
  MAX_DIM,
  OutOfMemoryError,
  SymmetricMatrix,
} from "../src/index.js";
import { eigenvectorsPlanBytes, MAX_EIGENVECTOR_DIM, tridiagonalWorkBound } from "../src/linalg/eigen.js";
import { BACKENDS } from "./helpers/backends.js";
import { normal, sample } from "./helpers/random.js";

const TAIL_DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 129, 257];

/** Every backend with one thread, and the backends with a shared-memory build with two. */
const RUNTIMES: [string, BackendName, number][] = BACKENDS.flatMap((backend): [string, BackendName, number][] =>
  backend === "js" || sharedBuildOf(backend) === undefined
    ? [[`${backend}, 1 thread`, backend, 1]]
    : [
        [`${backend}, 1 thread`, backend, 1],
        [`${backend}, 2 threads`, backend, 2],
      ],
);

/** A runtime of `backend` with `threads` threads, checked to really have them. */
async function runtimeWith(backend: BackendName, threads: number): Promise<Runtime> {
  const runtime = await createRuntime({ backend, threads });
  expect(runtime.threads).toBe(threads);
  return runtime;
}

/** Records the most bytes a runtime's arena held at once while `body` runs. */
function peakLiveBytes(rt: Runtime, body: () => void): number {
  const arena = rt.arena;
  const alloc = arena.alloc.bind(arena);
  let peak = arena.liveBytes;
  arena.alloc = (bytes: number) => {
    const ptr = alloc(bytes);
    peak = Math.max(peak, arena.liveBytes);
    return ptr;
  };
  try {
    body();
  } finally {
    arena.alloc = alloc;
  }
  return peak;
}

describe("MAX_DIM is a dimension that works", () => {
  it("its plan fits in 4 GiB and the next dim's does not", () => {
    expect(MAX_DIM).toBe(22779);
    expect(accumulatorPlanBytes(MAX_DIM)).toBeLessThanOrEqual(MEMORY_LIMIT_BYTES);
    expect(accumulatorPlanBytes(MAX_DIM + 1)).toBeGreaterThan(MEMORY_LIMIT_BYTES);
  });

  it.each(BACKENDS)("%s: the plan bounds the kernel's scratch at every SIMD tail", async (name) => {
    const rt = await createRuntime({ backend: name });
    for (const d of [...TAIL_DIMS, 1000, MAX_DIM]) {
      expect(rt.kernels.syrkScratchBytes(256, d)).toBeLessThanOrEqual(syrkScratchBound(256, d));
    }
  });

  it.each(RUNTIMES)(
    "%s: the memory holds exactly 4 GiB, the limit every plan is checked against",
    async (_, backend, threads) => {
      const runtime = await runtimeWith(backend, threads);
      if (backend === "js") {
        // The plain-TypeScript memory copies itself on growth: ask for one page too many at once.
        expect(() => runtime.memory.grow(MAX_PAGES)).toThrow(RangeError);
      } else {
        // The module's (or, threaded, the shared memory's) declared maximum: growth reserves, and
        // does not touch, the pages, so this costs address space only.
        runtime.memory.grow(MAX_PAGES - runtime.memory.buffer.byteLength / 65536);
        expect(runtime.memory.buffer.byteLength).toBe(MEMORY_LIMIT_BYTES);
        expect(() => runtime.memory.grow(1)).toThrow(RangeError);
      }
      runtime.dispose();
    },
  );

  it.each(RUNTIMES)("%s: an accumulator's whole life holds no more than its plan", async (_, backend, threads) => {
    for (const d of [1, 2, 3, 5, 17, 64, 257]) {
      const rt = await runtimeWith(backend, threads);
      if (rt.pool) rt.pool.minSharedFlops = 0; // every SYRK and Cholesky is shared
      const base = rt.arena.liveBytes;
      const peak = peakLiveBytes(rt, () => {
        const a = new FisherAccumulator(d, { runtime: rt });
        const b = new FisherAccumulator(d, { runtime: rt });
        a.add(sample(600 * d, normal(d))); // three chunks: the rollback copy is held
        b.add(sample(3 * d, normal(d + 1)));
        a.merge(b).fisher();
        a.covariance();
        a.sum();
        b.dispose();
        const F = empiricalFisher(sample(300 * d, normal(d + 2)), d, { runtime: rt, centered: true });
        expect(F.dim).toBe(d);
        a.dispose();
      });
      // b's state is one more accumulator's state than the plan counts: subtract it.
      const second = 3 * Math.ceil((d * 8) / 16) * 16 + packedBytes(d);
      expect(peak - base - second).toBeLessThanOrEqual(accumulatorPlanBytes(d) - RESERVED_BYTES);
      rt.dispose();
    }
  });

  it.each(RUNTIMES)("%s: eigh and eigenvalues hold no more than eigh's plan", async (_, backend, threads) => {
    const rt = await runtimeWith(backend, threads);
    for (const d of [1, 2, 3, 5, 17, 33, 64, 129, 257]) {
      expect(rt.kernels.tridiagonalizeDenseWorkBytes(d)).toBeLessThanOrEqual(tridiagonalWorkBound(d));
      const matrix = SymmetricMatrix.fromPacked(sample(packedLength(d), normal(d)), d, { runtime: rt });
      const base = rt.arena.liveBytes;
      const peak = peakLiveBytes(rt, () => {
        matrix.eigh();
        matrix.eigenvalues();
      });
      expect(peak - base).toBeLessThanOrEqual(eigenvectorsPlanBytes(d) - RESERVED_BYTES);
    }
    for (const d of [MAX_EIGENVECTOR_DIM, MAX_DIM]) {
      expect(rt.kernels.tridiagonalizeDenseWorkBytes(d)).toBeLessThanOrEqual(tridiagonalWorkBound(d));
    }
    rt.dispose();
  });
});

describe("a size that cannot work fails at once, naming the dim and the limit", () => {
  beforeAll(async () => {
    await init({ backend: "wasm-simd" });
  });

  it.each(RUNTIMES)("%s: nothing is allocated before the error", async (_, backend, threads) => {
    const runtime = await runtimeWith(backend, threads);
    const bytes = runtime.memory.buffer.byteLength;
    const live = runtime.arena.liveBytes;
    const tooLarge = `the largest dim that fits is ${MAX_DIM}`;
    expect(() => new FisherAccumulator(MAX_DIM + 1, { runtime })).toThrow(tooLarge);
    expect(() => new FisherAccumulator(MAX_DIM + 1, { runtime })).toThrow(`\`dim\` = ${MAX_DIM + 1}`);
    expect(() => empiricalFisher(new Float64Array(0), MAX_DIM + 1, { runtime })).toThrow(tooLarge);
    expect(() => new HessianAccumulator(MAX_DIM + 1, { runtime })).toThrow(tooLarge);
    expect(() => SymmetricMatrix.fromPacked(new Float64Array(1), MAX_DIM + 1, { runtime })).toThrow(tooLarge);
    expect(() => new KroneckerFactoredFisher(16_200, 16_200, { runtime })).toThrow(
      /`inputDim` = 16200 and `outputDim` = 16200 are too large together.*4294967296/,
    );
    // eigh's five dim × dim work areas: refused before the packed matrix is even read.
    const wide = SymmetricMatrix.adopt(new Float64Array(0), 9_060, runtime);
    expect(eigenvectorsPlanBytes(9_060)).toBeGreaterThan(MEMORY_LIMIT_BYTES);
    expect(eigenvectorsPlanBytes(9_059)).toBeLessThanOrEqual(MEMORY_LIMIT_BYTES);
    expect(() => wide.eigh()).toThrow(/`dim` = 9060 is too large for eigh\(\).*the largest dim that fits is 9059/);
    expect(() => wide.clampEigenvalues(0)).toThrow(RangeError);
    expect(kroneckerPlanBytes(16_189, 16_189)).toBeLessThanOrEqual(MEMORY_LIMIT_BYTES);
    expect(runtime.memory.buffer.byteLength).toBe(bytes);
    expect(runtime.arena.liveBytes).toBe(live);
    runtime.dispose();
  });
});

/**
 * A runtime of `name` with `threads` threads whose memory refuses to grow past `pages` pages, as
 * an engine short of memory does; a threaded one shares all its calls, however small.
 */
async function cappedRuntime(name: BackendName, threads: number, pages: number): Promise<Runtime> {
  const capped = (memory: LinearMemory): LinearMemory => ({
    get buffer() {
      return memory.buffer;
    },
    grow(delta: number) {
      if (memory.buffer.byteLength / 65536 + delta > pages) throw new RangeError("WebAssembly.Memory.grow(): refused");
      return memory.grow(delta);
    },
  });
  if (name === "js") {
    const memory = capped(new JsMemory(1));
    return new Runtime("js", createJsKernels(memory), memory);
  }
  if (threads > 1) {
    const shared = await instantiateShared(sharedBuildOf(name) as NonNullable<ReturnType<typeof sharedBuildOf>>);
    const pool = await WorkerPool.start(shared.module, shared.memory, controlBlockPtr(shared.kernels), threads);
    pool.minSharedFlops = 0;
    const note = `${threads} threads: asked for`;
    return new Runtime(name, threadedKernels(shared.kernels, pool), capped(shared.memory), { threads, note, pool });
  }
  const { kernels, memory } = await instantiate(name);
  return new Runtime(name, kernels, capped(memory));
}

describe.each(RUNTIMES)("running out of memory on %s", (_, name, threads) => {
  it("dropped accumulators in a synchronous loop end in an OutOfMemoryError that counts them and says to dispose", async () => {
    const runtime = await cappedRuntime(name, threads, 256); // 16 MiB
    expect(runtime.threads).toBe(threads);
    const kept: FisherAccumulator[] = [];
    let error: unknown;
    try {
      for (let k = 0; k < 1000; k++) kept.push(new FisherAccumulator(256, { runtime }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error).toBeInstanceOf(RangeError);
    const oom = error as OutOfMemoryError;
    expect(oom.liveObjects).toBe(kept.length);
    expect(kept.length).toBeGreaterThan(10);
    expect(oom.liveBytes).toBeGreaterThanOrEqual(kept.length * 8 * (256 + (256 * 257) / 2));
    expect(oom.requestedBytes).toBeGreaterThanOrEqual((8 * (256 * 257)) / 2);
    expect(oom.limitBytes).toBe(2 ** 32);
    expect(oom.message).toContain(`${kept.length} live objects that were not disposed`);
    expect(oom.message).toContain("dispose()");
    expect(oom.message).toContain("`using`");
    // Disposing gives the memory back: the same loop runs on.
    for (const acc of kept) acc.dispose();
    for (let k = 0; k < 1000; k++) new FisherAccumulator(256, { runtime }).dispose();
    runtime.dispose();
  });

  it("an add that cannot get its rollback copy leaves the accumulator as it was", async () => {
    const runtime = await cappedRuntime(name, threads, 64); // 4 MiB
    const acc = new FisherAccumulator(300, { runtime }).add(sample(300, normal(1)));
    const before = acc.serialize();
    const filler: FisherAccumulator[] = [];
    try {
      for (;;) filler.push(new FisherAccumulator(300, { runtime }));
    } catch (e) {
      expect(e).toBeInstanceOf(OutOfMemoryError);
    }
    // The gaps left (a threaded add's rollback copy leaves one just smaller than an accumulator)
    // are filled with the smallest accumulators, so no rollback copy fits anywhere.
    try {
      for (;;) filler.push(new FisherAccumulator(1, { runtime }));
    } catch (e) {
      expect(e).toBeInstanceOf(OutOfMemoryError);
    }
    expect(() => acc.add(sample(300 * 600, normal(2)))).toThrow(OutOfMemoryError);
    expect(acc.serialize()).toEqual(before);
    for (const f of filler) f.dispose();
    acc.dispose();
    runtime.dispose();
  });
});

describe.each(RUNTIMES)("`using` and Symbol.dispose on %s", (_, name, threads) => {
  it("every object that owns runtime memory frees it with [Symbol.dispose]()", async () => {
    const runtime = await runtimeWith(name, threads);
    const live = runtime.arena.liveBytes;
    const objects = [
      new FisherAccumulator(5, { runtime }),
      new DiagonalFisherAccumulator(5, { runtime }),
      new HessianAccumulator(5, { runtime }),
      new KroneckerFactoredFisher(2, 3, { runtime }),
      LowRankFisher.fromScores(sample(10, normal(4)), 5, { runtime }),
    ];
    expect(runtime.liveObjects).toBe(5);
    for (const object of objects) {
      expect(typeof object[Symbol.dispose]).toBe("function");
      object[Symbol.dispose]();
      object[Symbol.dispose](); // twice is harmless, as dispose() is
    }
    expect(runtime.liveObjects).toBe(0);
    expect(runtime.arena.liveBytes).toBe(live);
    expect(() => (objects[0] as FisherAccumulator).serialize()).toThrow(/disposed/);
    runtime.dispose();
  });

  it("a `using` declaration disposes at the end of its block, also when it throws", async () => {
    const runtime = await runtimeWith(name, threads);
    {
      using acc = new FisherAccumulator(3, { runtime });
      acc.add(new Float64Array([1, 2, 3]));
      expect(runtime.liveObjects).toBe(1);
    }
    expect(runtime.liveObjects).toBe(0);
    expect(() => {
      using acc = new FisherAccumulator(3, { runtime });
      acc.add(new Float64Array([1, 2]));
    }).toThrow(RangeError);
    expect(runtime.liveObjects).toBe(0);
    runtime.dispose();
  });
});
