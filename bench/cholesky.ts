// Packed Cholesky A + λI = UᵀU end to end (copies in and out included) on every
// backend (each beside its BENCH_BASELINE twin, see lib/baseline.ts), beside ml-matrix's dense
// CholeskyDecomposition and native LAPACK's dpptrf (lib/native-lapack.ts, where the machine has
// it), in GFLOP/s with d³/3 flops.
import type Benchmark from "benchmark";
import { SymmetricMatrix } from "fisher-wasm";
import { BaselineRatios, baselineColumn, loadBaseline } from "./lib/baseline.js";
import { fail, measure, QUICK, SKIPPED, timeOnce } from "./lib/harness.js";
import { nativeLapack } from "./lib/native-lapack.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { backendRuntimes } from "./lib/runtimes.js";
import { diagonallyDominantSpd } from "./lib/spd-matrices.js";
import { mlMatrixCholeskyUpper } from "./peers/ml-matrix.js";

const DIMS = QUICK ? [64, 256] : [256, 1024, 2048];
const TOLERANCE = 1e-10;
// One plain-JS call at d = 2048 takes several seconds; the unblocked reference beyond this is left out.
const JS_MAX_DIM = 1024;

interface Contender {
  column: string;
  skip?: boolean;
  /** Awaited right before the contender is checked and again before it is timed (the baseline's backend switch). */
  prepare?: () => Promise<void>;
  /** For a baseline twin: the column of this build it is compared with. */
  twinOf?: string;
  /** The upper factor U in packed 'U' order. */
  run: () => Float64Array;
}

export async function choleskySuite(): Promise<void> {
  const runtimes = await backendRuntimes();
  const baseline = await loadBaseline();
  const ratios = new BaselineRatios();
  let columns: string[] = [];
  const rows: string[][] = [];
  for (const d of DIMS) {
    const dense = diagonallyDominantSpd(d, d);
    // The same matrix in each backend's runtime, where its cholesky() then runs.
    const matrices = runtimes.map(({ name, runtime }) => ({
      name,
      matrix: SymmetricMatrix.fromDense(dense, d, { runtime }),
    }));
    const contenders: Contender[] = [];
    for (const { name, matrix } of matrices) {
      const skip = name === "js" && d > JS_MAX_DIM;
      contenders.push({ column: name, skip, run: () => matrix.cholesky().packed });
      const other = await baseline?.backend(name);
      if (other) {
        const old = other.fromDense(dense, d);
        contenders.push({
          column: baselineColumn(name),
          skip,
          prepare: other.prepare,
          twinOf: name,
          run: () => old.cholesky().packed,
        });
      }
    }
    contenders.push({ column: "ml-matrix", run: mlMatrixCholeskyUpper(dense, d) });
    const lapack = nativeLapack();
    const simd = matrices.find(({ name }) => name === "wasm-simd");
    if (!simd) fail("the wasm-simd backend, the reference, is not available in this engine.");
    const reference = simd.matrix.cholesky().packed;
    columns = contenders.map((c) => c.column);
    const cells = [`${d}`];
    const timings = new Map<string, Benchmark.Stats>();
    for (const c of contenders) {
      if (c.skip) {
        cells.push(SKIPPED);
        continue;
      }
      await c.prepare?.();
      const first = timeOnce(c.run);
      const error = relativeError(first.result, reference);
      if (!(error <= TOLERANCE)) fail(`d=${d}: ${c.column} factor differs from wasm-simd (relative error ${error}).`);
      await c.prepare?.();
      const stats = measure(`cholesky ${c.column} d=${d}`, c.run, first.seconds, (u) => u[0]);
      timings.set(c.column, stats);
      const current = c.twinOf === undefined ? undefined : timings.get(c.twinOf);
      if (c.twinOf !== undefined && current) ratios.record(`${d}`, c.twinOf, current, stats);
      const gflops = d ** 3 / 3 / stats.mean / 1e9;
      console.error(`cholesky d=${d} ${c.column}: ${gflops.toFixed(2)} GFLOP/s ±${stats.rme.toFixed(1)}%`);
      cells.push(`${gflops.toFixed(2)} (${(stats.mean * 1e3).toFixed(1)} ms)`);
    }
    if (lapack) {
      const native = lapack.time("pptrf", simd.matrix.packed, d);
      const error = relativeError(native.result, reference);
      if (!(error <= TOLERANCE))
        fail(`d=${d}: LAPACK dpptrf's factor differs from wasm-simd (relative error ${error}).`);
      const gflops = d ** 3 / 3 / native.mean / 1e9;
      console.error(`cholesky d=${d} ${lapack.label}: ${gflops.toFixed(2)} GFLOP/s ±${native.rme.toFixed(1)}%`);
      cells.push(`${gflops.toFixed(2)} (${(native.mean * 1e3).toFixed(1)} ms)`);
      if (!columns.includes(lapack.label)) columns.push(lapack.label);
    }
    rows.push(cells);
  }
  report(
    "cholesky",
    "Packed Cholesky end to end: GFLOP/s (ms per call), flops = d³/3, mean from Benchmark.js",
    ["d", ...columns],
    rows,
    [ratios.table("d")],
  );
}
