// Symmetric eigen-decomposition end to end (copies in and out included): eigenvalues
// only and the full eigh, on wasm-simd and (at d = 256) the plain-TypeScript backend,
// (each beside its BENCH_BASELINE twin, see lib/baseline.ts), the previous eigh (explicit
// basis rotated by QL) as a named variant, beside ml-matrix's dense EigenvalueDecomposition,
// which always forms the vectors, and native LAPACK's dsyevd with values only and with vectors
// (lib/native-lapack.ts, where the machine has it). A second table splits wasm-simd's eigh into
// its phases, the reduction beside the previous one (packed, one column at a time) and native
// dsytrd. Prints ms per call as markdown tables (also written to bench/results/eigen.md).
import type Benchmark from "benchmark";
import { type BackendName, SymmetricMatrix } from "fisher-wasm";
import { type Baseline, BaselineRatios, baselineColumn, loadBaseline } from "./lib/baseline.js";
import { eigenPhases, eighByQL, sourceRuntime } from "./lib/eigen-phases.js";
import { fail, measure, QUICK, SKIPPED, timeOnce } from "./lib/harness.js";
import { type LapackOperation, nativeLapack } from "./lib/native-lapack.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { type BackendRuntime, backendRuntimes, runtimeOf } from "./lib/runtimes.js";
import { fisherLikeSpd } from "./lib/spd-matrices.js";
import { mlMatrixEigenvalues } from "./peers/ml-matrix.js";

const DIMS = QUICK ? [64, 128] : [256, 512, 1024];
// One plain-TypeScript eigh at d = 512 takes over a second; the reference runs at the smaller size only.
const JS_MAX_DIM = QUICK ? 64 : 256;
// ml-matrix's decomposition at d = 1024 takes several seconds a call.
const ML_MATRIX_MAX_DIM = 512;
// Eigenvalues of a matrix with norm ≈ 5 from two backward-stable methods agree to a few ε·‖A‖.
const TOLERANCE = 1e-10;

interface Column {
  column: string;
  /** The library backend; ml-matrix has none. */
  backend?: BackendName;
  /** Eigenvalues only, or the full eigh (whose values are compared). */
  valuesOnly: boolean;
  maxDim?: number;
  /** A twin computed by the BENCH_BASELINE build, compared with the column of this name. */
  twinOf?: string;
  /** A column timed by the native LAPACK harness instead of Benchmark.js. */
  native?: LapackOperation;
  /** The previous eigh, explicit basis rotated by QL, from the source tree. */
  previous?: boolean;
}

const COLUMNS: Column[] = [
  { column: "wasm-simd eigenvalues", backend: "wasm-simd", valuesOnly: true },
  { column: "wasm-simd eigh", backend: "wasm-simd", valuesOnly: false },
  { column: "wasm-simd eigh (QL, previous)", backend: "wasm-simd", valuesOnly: false, previous: true },
  { column: "js eigenvalues", backend: "js", valuesOnly: true, maxDim: JS_MAX_DIM },
  { column: "js eigh", backend: "js", valuesOnly: false, maxDim: JS_MAX_DIM },
  { column: "ml-matrix eigh", valuesOnly: false, maxDim: ML_MATRIX_MAX_DIM },
];

/** The matrix in packed 'U' storage, as the native harness takes it. */
function packedOf(dense: Float64Array, d: number, runtimes: readonly BackendRuntime[]): Float64Array {
  return SymmetricMatrix.fromDense(dense, d, { runtime: runtimeOf(runtimes, "wasm-simd") }).packed;
}

/** The columns of this run: each library column followed by its twin when a baseline build is given and has its backend. */
async function columnsOf(baseline: Baseline | undefined): Promise<Column[]> {
  const columns: Column[] = [];
  for (const c of COLUMNS) {
    columns.push(c);
    if (c.backend !== undefined && !c.previous && (await baseline?.backend(c.backend))) {
      columns.push({ ...c, column: baselineColumn(c.column), twinOf: c.column });
    }
  }
  const lapack = nativeLapack();
  if (lapack) {
    columns.push({ column: `${lapack.label} dsyevd values`, valuesOnly: true, native: "syevd-values" });
    columns.push({ column: `${lapack.label} dsyevd vectors`, valuesOnly: false, native: "syevd-vectors" });
  }
  return columns;
}

/** A column's run, and what to await right before checking and timing it (the baseline's backend switch). */
interface Runner {
  run: () => Float64Array;
  prepare?: () => Promise<void>;
}

/** The ascending eigenvalues, computed as the column says: in its backend's runtime, by the baseline build, or by ml-matrix. */
async function runner(
  c: Column,
  runtimes: readonly BackendRuntime[],
  baseline: Baseline | undefined,
  dense: Float64Array,
  d: number,
): Promise<Runner> {
  if (c.backend === undefined) return { run: mlMatrixEigenvalues(dense, d) };
  if (c.previous) return { run: eighByQL(await sourceRuntime(c.backend), packedOf(dense, d, runtimes), d) };
  if (c.twinOf !== undefined) {
    const other = await baseline?.backend(c.backend);
    if (!other) fail(`the baseline build lacks the ${c.backend} backend.`);
    const old = other.fromDense(dense, d);
    return { run: c.valuesOnly ? () => old.eigenvalues() : () => old.eigh().values, prepare: other.prepare };
  }
  const matrix = SymmetricMatrix.fromDense(dense, d, { runtime: runtimeOf(runtimes, c.backend) });
  return { run: c.valuesOnly ? () => matrix.eigenvalues() : () => matrix.eigh().values };
}

export async function eigenSuite(): Promise<void> {
  const runtimes = await backendRuntimes();
  const baseline = await loadBaseline();
  const columns = await columnsOf(baseline);
  const ratios = new BaselineRatios();
  const rows: string[][] = [];
  const phaseRows: string[][] = [];
  for (const d of DIMS) {
    const dense = fisherLikeSpd(d, d);
    const cells = [`${d}`];
    const timings = new Map<string, Benchmark.Stats>();
    let reference: Float64Array | undefined;
    for (const c of columns) {
      if (c.maxDim !== undefined && d > c.maxDim) {
        cells.push(SKIPPED);
        continue;
      }
      if (c.native !== undefined) {
        const lapack = nativeLapack();
        if (!lapack || !reference) fail(`${c.column} has no harness or no reference to check it against.`);
        const native = lapack.time(c.native, packedOf(dense, d, runtimes), d);
        const error = relativeError(native.result, reference);
        if (!(error <= TOLERANCE)) fail(`d=${d}: ${c.column} eigenvalues differ from the first column's (${error}).`);
        console.error(`eigen d=${d} ${c.column}: ${(native.mean * 1e3).toFixed(1)} ms ±${native.rme.toFixed(1)}%`);
        cells.push((native.mean * 1e3).toFixed(1));
        continue;
      }
      const { run, prepare } = await runner(c, runtimes, baseline, dense, d);
      await prepare?.();
      const first = timeOnce(run);
      reference ??= first.result;
      const error = relativeError(first.result, reference);
      if (!(error <= TOLERANCE)) fail(`d=${d}: ${c.column} eigenvalues differ from the first column's (${error}).`);
      await prepare?.();
      const stats = measure(`eigen d=${d} ${c.column}`, run, first.seconds, (values) => values[d - 1]);
      timings.set(c.column, stats);
      const current = c.twinOf === undefined ? undefined : timings.get(c.twinOf);
      if (c.twinOf !== undefined && current) ratios.record(`${d}`, c.twinOf, current, stats);
      const spread = `±${stats.rme.toFixed(1)}% over ${stats.sample.length} samples`;
      console.error(`eigen d=${d} ${c.column}: ${(stats.mean * 1e3).toFixed(1)} ms ${spread}`);
      cells.push((stats.mean * 1e3).toFixed(1));
    }
    rows.push(cells);
    const phases = eigenPhases(await sourceRuntime("wasm-simd"), packedOf(dense, d, runtimes), d, QUICK ? 1 : 5);
    const lapack = nativeLapack();
    const sytrd = lapack ? (lapack.time("sytrd", packedOf(dense, d, runtimes), d).mean * 1e3).toFixed(1) : SKIPPED;
    phaseRows.push([
      `${d}`,
      ...[phases.reduction, phases.packedReduction].map((ms) => ms.toFixed(1)),
      sytrd,
      ...[phases.divideConquer, phases.backTransform].map((ms) => ms.toFixed(1)),
    ]);
  }
  report(
    "eigen",
    "Symmetric eigen-decomposition of a packed SPD matrix end to end: ms per call, mean from Benchmark.js",
    ["d", ...columns.map((c) => c.column)],
    rows,
    [
      ratios.table("d"),
      {
        title: "wasm-simd eigh by phase: ms, median of 5 runs",
        header: [
          "d",
          "tridiagonal reduction (panels)",
          "reduction (packed, by columns, previous)",
          "LAPACK dsytrd",
          "divide and conquer",
          "back-transformation",
        ],
        rows: phaseRows,
      },
    ],
  );
}
