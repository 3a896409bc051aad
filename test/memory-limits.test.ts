// Memory limits: MAX_DIM is a dimension that works (its plan, checked against what objects
// really hold, fits in 4 GiB), a size that cannot work fails at once with the dim and the
// limit, and running out of memory with undisposed objects is a typed error that says so.
import { beforeAll, describe, expect, it } from "vitest";
import {
  accumulatorPlanBytes,
  kroneckerPlanBytes,
  MEMORY_LIMIT_BYTES,
  packedBytes,
  RESERVED_BYTES,
  syrkScratchBound,
} from "../src/base/memory-limits.js";
import { createJsKernels } from "../src/engine/backends/js-kernels.js";
import { JsMemory } from "../src/engine/backends/js-memory.js";
import type { LinearMemory } from "../src/engine/kernels.js";
import { Runtime } from "../src/engine/runtime.js";
import { instantiate } from "../src/engine/wasm/instantiate.js";
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
import { eigenvectorsPlanBytes } from "../src/linalg/eigen.js";
import { BACKENDS } from "./helpers/backends.js";
import { normal, sample } from "./helpers/random.js";

const TAIL_DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 129, 257];

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

  it.each(BACKENDS)("%s: an accumulator's whole life holds no more than its plan", async (name) => {
    for (const d of [1, 2, 3, 5, 17, 64, 257]) {
      const rt = await createRuntime({ backend: name });
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
    }
  });
});

describe("a size that cannot work fails at once, naming the dim and the limit", () => {
  beforeAll(async () => {
    await init({ backend: "wasm-simd" });
  });

  it.each(BACKENDS)("%s: nothing is allocated before the error", async (name: BackendName) => {
    const runtime = await createRuntime({ backend: name });
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
    const wide = SymmetricMatrix.adopt(new Float64Array(0), 9_447, runtime);
    expect(eigenvectorsPlanBytes(9_447)).toBeGreaterThan(MEMORY_LIMIT_BYTES);
    expect(eigenvectorsPlanBytes(9_446)).toBeLessThanOrEqual(MEMORY_LIMIT_BYTES);
    expect(() => wide.eigh()).toThrow(/`dim` = 9447 is too large for eigh\(\).*the largest dim that fits is 9446/);
    expect(() => wide.clampEigenvalues(0)).toThrow(RangeError);
    expect(kroneckerPlanBytes(16_189, 16_189)).toBeLessThanOrEqual(MEMORY_LIMIT_BYTES);
    expect(runtime.memory.buffer.byteLength).toBe(bytes);
    expect(runtime.arena.liveBytes).toBe(live);
  });
});

/** A runtime of `name` whose memory refuses to grow past `pages` pages, as an engine short of memory does. */
async function cappedRuntime(name: BackendName, pages: number): Promise<Runtime> {
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
  const { kernels, memory } = await instantiate(name);
  return new Runtime(name, kernels, capped(memory));
}

describe.each(BACKENDS)("running out of memory on %s", (name) => {
  it("dropped accumulators in a synchronous loop end in an OutOfMemoryError that counts them and says to dispose", async () => {
    const runtime = await cappedRuntime(name, 256); // 16 MiB
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
  });

  it("an add that cannot get its staging area leaves the accumulator as it was", async () => {
    const runtime = await cappedRuntime(name, 64); // 4 MiB
    const acc = new FisherAccumulator(300, { runtime }).add(sample(300, normal(1)));
    const before = acc.serialize();
    const filler: FisherAccumulator[] = [];
    try {
      for (;;) filler.push(new FisherAccumulator(300, { runtime }));
    } catch (e) {
      expect(e).toBeInstanceOf(OutOfMemoryError);
    }
    expect(() => acc.add(sample(300 * 600, normal(2)))).toThrow(OutOfMemoryError);
    expect(acc.serialize()).toEqual(before);
    for (const f of filler) f.dispose();
    acc.dispose();
  });
});

describe.each(BACKENDS)("`using` and Symbol.dispose on %s", (name) => {
  it("every object that owns runtime memory frees it with [Symbol.dispose]()", async () => {
    const runtime = await createRuntime({ backend: name });
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
  });

  it("a `using` declaration disposes at the end of its block, also when it throws", async () => {
    const runtime = await createRuntime({ backend: name });
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
  });
});
