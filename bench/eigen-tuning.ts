// `npx tsx bench/eigen-tuning.ts`: the two block sizes of eigh tried one value at a time on
// wasm-simd, each phase timed alone on the same reduced matrix (median of REPEATS runs, ms):
//   the divide and conquer for each leaf size, split into the GEMM kernel, the QL kernel on the
//   leaves and the rest (the O(n²) host TypeScript of each merge: gathers, deflation, secular
//   roots, Löwner vectors);
//   the back-transformation for each number of reflectors per compact-WY block.
// The values are timed in turn, round after round, so that none gets a warmer JIT than another.
// Env: EIGEN_DIMS=256,512 picks the sizes. Prints markdown tables (also written to
// bench/results/eigen-tuning.md).
import { createRuntime } from "../src/engine/init.js";
import type { Kernels } from "../src/engine/kernels.js";
import { Runtime } from "../src/engine/runtime.js";
import { withTridiagonal } from "../src/linalg/eigen.js";
import { applyReflectors, BLOCK, backTransformLengths } from "../src/linalg/householder-back-transform.js";
import { SymmetricMatrix } from "../src/linalg/symmetric-matrix.js";
import { divideConquerLengths, LEAF_SIZE, tridiagonalDivideConquer } from "../src/linalg/tridiagonal-divide-conquer.js";
import { report } from "./lib/report.js";
import { fisherLikeSpd } from "./lib/spd-matrices.js";

const DIMS = (process.env.EIGEN_DIMS ?? "256,512,1024").split(",").map(Number);
// Halving a power-of-two d gives leaves of 16, 32 or 64 alone: other values repeat one of these.
const LEAVES = [16, 32, 64];
const BLOCKS = [32, 48, 64, 96];
const WARMUP = 2;
const REPEATS = 7;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

/** Milliseconds spent in the kernels that the clock wraps, by kernel, since the last reset. */
const kernelMs = { gemm: 0, leaves: 0 };

/** A wasm-simd runtime whose GEMM and leaf QL kernels add their time to kernelMs. */
async function timedRuntime(): Promise<Runtime> {
  const plain = await createRuntime({ backend: "wasm-simd" });
  const k = plain.kernels;
  const kernels: Kernels = {
    ...k,
    gemm: (...args: Parameters<Kernels["gemm"]>) => {
      const t = performance.now();
      k.gemm(...args);
      kernelMs.gemm += performance.now() - t;
    },
    tridiagonalEigenvectors: (...args: Parameters<Kernels["tridiagonalEigenvectors"]>) => {
      const t = performance.now();
      const status = k.tridiagonalEigenvectors(...args);
      kernelMs.leaves += performance.now() - t;
      return status;
    },
  };
  // The plain runtime is never used again, so the new arena may own the memory from its base.
  return new Runtime("wasm-simd", kernels, plain.memory);
}

/** Packed reflectors, their scales and the tridiagonal matrix of the d×d test matrix. */
function reduce(rt: Runtime, d: number): { a: Float64Array; tau: Float64Array; diag: Float64Array; off: Float64Array } {
  const packed = SymmetricMatrix.fromDense(fisherLikeSpd(d, d), d, { runtime: rt }).packed;
  return withTridiagonal(rt, packed, d, (rt, t) => ({
    a: rt.read(t.a, d * d),
    tau: rt.read(t.tau, d - 1),
    diag: rt.read(t.diag, d),
    off: rt.read(t.offdiag, d - 1),
  }));
}

const rt = await timedRuntime();
const leafRows: string[][] = [];
const blockRows: string[][] = [];
/** One divide and conquer with leaves of `leaf`: total, GEMM and leaf QL milliseconds. */
function divideConquerRun(d: number, diag: Float64Array, off: Float64Array, leaf: number) {
  return rt.scoped(divideConquerLengths(d, leaf), (...regions) => {
    kernelMs.gemm = 0;
    kernelMs.leaves = 0;
    const t = performance.now();
    tridiagonalDivideConquer(rt, diag, off, d, regions, leaf);
    return { total: performance.now() - t, gemm: kernelMs.gemm, leaves: kernelMs.leaves };
  });
}
/** One back-transformation of the identity with `block` reflectors per block, ms. */
function backTransformRun(d: number, a: Float64Array, tau: Float64Array, z: Float64Array, block: number): number {
  return rt.scoped([d * d, d * d, ...backTransformLengths(d, block)], (aPtr, zPtr, ...regions) => {
    rt.write(aPtr as number, a);
    rt.write(zPtr as number, z);
    const t = performance.now();
    applyReflectors(rt, aPtr as number, tau, d, zPtr as number, regions, block);
    return performance.now() - t;
  });
}
for (const d of DIMS) {
  const { a, tau, diag, off } = reduce(rt, d);
  const z = new Float64Array(d * d);
  for (let i = 0; i < d; i++) z[i * d + i] = 1;
  const leafRuns = LEAVES.map(() => [] as { total: number; gemm: number; leaves: number }[]);
  const blockRuns = BLOCKS.map(() => [] as number[]);
  // Round robin, so that the JIT's warming and the host's drift fall on every value alike;
  // the first WARMUP rounds are not counted.
  for (let r = 0; r < WARMUP + REPEATS; r++) {
    LEAVES.forEach((leaf, i) => {
      const run = divideConquerRun(d, diag, off, leaf);
      if (r >= WARMUP) leafRuns[i]?.push(run);
    });
    BLOCKS.forEach((block, i) => {
      const ms = backTransformRun(d, a, tau, z, block);
      if (r >= WARMUP) blockRuns[i]?.push(ms);
    });
  }
  LEAVES.forEach((leaf, i) => {
    const runs = leafRuns[i] ?? [];
    const total = median(runs.map((x) => x.total));
    const host = median(runs.map((x) => x.total - x.gemm - x.leaves));
    const cells = [total, median(runs.map((x) => x.gemm)), median(runs.map((x) => x.leaves)), host];
    const mark = leaf === LEAF_SIZE ? " (current)" : "";
    leafRows.push([`${d}`, `${leaf}${mark}`, ...cells.map((ms) => ms.toFixed(1))]);
  });
  BLOCKS.forEach((block, i) => {
    const mark = block === BLOCK ? " (current)" : "";
    blockRows.push([`${d}`, `${block}${mark}`, median(blockRuns[i] ?? []).toFixed(1)]);
  });
  console.error(`d=${d} done`);
}
report(
  "eigen-tuning",
  `wasm-simd divide and conquer by leaf size: ms, median of ${REPEATS} runs (host = total − GEMM − leaf QL)`,
  ["d", "leaf size", "divide and conquer", "GEMM kernel", "leaf QL kernel", "host TypeScript"],
  leafRows,
  [
    {
      title: `wasm-simd back-transformation by reflectors per block: ms, median of ${REPEATS} runs`,
      header: ["d", "block", "back-transformation"],
      rows: blockRows,
    },
  ],
);
