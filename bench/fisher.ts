// Times empiricalFisher end to end on every backend against plain-JS and library peers and
// native BLAS (OpenBLAS's dsyrk on one thread, where the machine has it), with the float32 and
// zero-copy inputs beside the float64 copy, and prints GFLOP/s as a markdown table (also written
// to bench/results/fisher.md).
// Env: BENCH_QUICK=1 for a smoke run, BENCH_SHAPES=16,256 to pick shapes by d, BENCH_BASELINE
// (see lib/baseline.ts) for another build's twin beside each library column.

import type Benchmark from "benchmark";
import { type BackendName, empiricalFisher, FisherAccumulator, type Runtime } from "fisher-wasm";
import { fisherFlops } from "../tools/gflops.js";
import { type Baseline, BaselineRatios, baselineColumn, loadBaseline } from "./lib/baseline.js";
import { fail, measure, QUICK, SKIPPED, timeOnce } from "./lib/harness.js";
import { nativeLapack } from "./lib/native-lapack.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { type BackendRuntime, backendRuntimes } from "./lib/runtimes.js";
import { mlMatrixGram } from "./peers/ml-matrix.js";
import { tfjsWasmGram, tfjsWasmReady } from "./peers/tfjs-wasm.js";
import { rank1JsFisherSum, tiledJsFisherSum } from "./peers/tiled-js.js";
import { SHAPES, shapeScores } from "./shapes.js";

const TOLERANCE = 1e-12;
// The float32 column's scores are the shape's rounded to float32: ~6e-8 relative per score.
const ROUNDED_TOLERANCE = 1e-6;
// float32 sums of N products: agreement to a few units of its 6e-8 rounding, scaled by √N-ish growth.
const FLOAT32_TOLERANCE = 1e-4;
// The rank-1 loop runs at about 1 GFLOP/s; above this many flops a call takes over a second.
const RANK1_MAX_FLOPS = 1e9;
// Rows of each shape on which the tiled peer, the reference for everything else, is checked against rank-1.
const PEER_CHECK_ROWS = 32;

/** One column of the table: what it runs, and how its result compares with the packed mean. */
interface Contender {
  column: string;
  /** The factor from the contender's result to the mean: 1, or 1/N for the peers, which return the sum. */
  toMean: number;
  /** Left out at this shape, because one call would take over a second. */
  skip?: boolean;
  /** The result is the dense row-major d×d matrix, not the packed upper triangle. */
  dense?: boolean;
  tolerance?: number;
  /** Awaited right before the contender is checked and again before it is timed (the baseline's backend switch). */
  prepare?: () => Promise<void>;
  /** For a baseline twin: the column of this build it is compared with. */
  twinOf?: string;
  run: () => Float64Array | Float32Array;
}

function selectShapes(): (typeof SHAPES)[number][] {
  let shapes = [...SHAPES];
  const wanted = process.env.BENCH_SHAPES;
  if (wanted) {
    const ds = wanted.split(",").map((v) => Number(v.trim()));
    const known = SHAPES.map(([, d]) => d);
    const unknown = ds.filter((d) => !known.includes(d));
    if (unknown.length > 0) fail(`BENCH_SHAPES has unknown d ${unknown.join(", ")}; known: ${known.join(", ")}.`);
    shapes = shapes.filter(([, d]) => ds.includes(d));
  }
  return QUICK ? shapes.slice(0, 2) : shapes;
}

/** The baseline build's twin of a library column on `backend`, or none when that build lacks the backend. */
async function baselineTwin(
  baseline: Baseline | undefined,
  column: string,
  backend: BackendName,
  run: (fisher: (scores: Float64Array, d: number, out?: Float64Array) => Float64Array) => () => Float64Array,
): Promise<Contender[]> {
  const other = await baseline?.backend(backend);
  if (!other) return [];
  const fisher = (scores: Float64Array, d: number, out?: Float64Array) =>
    other.empiricalFisher(scores, d, out ? { out } : {});
  return [{ column: baselineColumn(column), toMean: 1, prepare: other.prepare, twinOf: column, run: run(fisher) }];
}

/** What runs in each column for a shape: library backends (each with its baseline twin) first, then the peers. */
async function contenders(
  runtimes: BackendRuntime[],
  baseline: Baseline | undefined,
  scores: Float64Array,
  rows: number,
  d: number,
): Promise<Contender[]> {
  const list: Contender[] = [];
  for (const { name, runtime } of runtimes) {
    list.push({ column: name, toMean: 1, run: () => empiricalFisher(scores, d, { runtime }).packed });
    list.push(...(await baselineTwin(baseline, name, name, (fisher) => () => fisher(scores, d))));
  }
  // The same call writing into one result buffer kept across calls (not a fresh array each time).
  const simd: Runtime | undefined = runtimes.find((r) => r.name === "wasm-simd")?.runtime;
  if (simd) {
    const column = "wasm-simd, out reused";
    const out = new Float64Array((d * (d + 1)) / 2);
    list.push({ column, toMean: 1, run: () => empiricalFisher(scores, d, { out, runtime: simd }).packed });
    const baselineOut = new Float64Array((d * (d + 1)) / 2);
    list.push(...(await baselineTwin(baseline, column, "wasm-simd", (fisher) => () => fisher(scores, d, baselineOut))));
  }
  list.push(...inputVariants(runtimes, scores, rows, d));
  list.push({ column: "tiled JS", toMean: 1 / rows, run: () => tiledJsFisherSum(scores, rows, d) });
  list.push({
    column: "rank-1 JS",
    toMean: 1 / rows,
    skip: fisherFlops(rows, d) > RANK1_MAX_FLOPS,
    run: () => rank1JsFisherSum(scores, rows, d),
  });
  list.push({ column: "ml-matrix gram()", toMean: 1 / rows, dense: true, run: mlMatrixGram(scores, rows, d) });
  list.push({
    column: "tfjs-wasm f32",
    toMean: 1 / rows,
    dense: true,
    tolerance: FLOAT32_TOLERANCE,
    run: tfjsWasmGram(scores, rows, d),
  });
  return list;
}

/**
 * The same Fisher from the other inputs, on the fastest WebAssembly build: float32 scores (the
 * shape's rounded, widened while staged), and an accumulator fed by add() (a staging copy per
 * chunk) beside one fed by commit() of a batchBuffer() the scores were written into once, before
 * timing: a producer's own writes, which replace those that made the other columns' host array.
 * The accumulators keep the centered co-moment (a weighted mean and a centering pass per chunk),
 * so they are compared with each other; commit() re-reads the same buffer on every call, and the
 * sums grow from call to call (only the first, checked, result is the batch's).
 */
function inputVariants(runtimes: BackendRuntime[], scores: Float64Array, rows: number, d: number): Contender[] {
  const fastest = runtimes.find((r) => r.name !== "js" && r.name !== "wasm-scalar");
  if (!fastest) return [];
  const { name, runtime } = fastest;
  const out = new Float64Array((d * (d + 1)) / 2);
  const scores32 = Float32Array.from(scores);
  const viaAdd = new FisherAccumulator(d, { runtime });
  const viaCommit = new FisherAccumulator(d, { runtime });
  viaCommit.batchBuffer(rows).set(scores);
  return [
    {
      column: `${name} f32, out`,
      toMean: 1,
      tolerance: ROUNDED_TOLERANCE,
      run: () => empiricalFisher(scores32, d, { out, runtime }).packed,
    },
    { column: `${name} acc.add`, toMean: 1, run: () => viaAdd.add(scores).fisher().packed },
    {
      column: `${name} acc.commit (zero-copy)`,
      toMean: 1,
      run: () => {
        viaCommit.batchBuffer(rows); // the same memory, still holding the rows written before
        return viaCommit.commit().fisher().packed;
      },
    },
  ];
}

/** The upper triangle of a dense row-major d×d result, in packed 'U' order. */
function packUpper(dense: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array((d * (d + 1)) / 2);
  for (let j = 0; j < d; j++) for (let i = 0; i <= j; i++) out[i + (j * (j + 1)) / 2] = dense[i * d + j];
  return out;
}

/** Checks every contender against the tiled peer before anything is timed; returns seconds per call. */
async function verify(
  list: Contender[],
  scores: Float64Array,
  rows: number,
  d: number,
  label: string,
): Promise<Map<string, number>> {
  const head = Math.min(rows, PEER_CHECK_ROWS);
  const headScores = scores.subarray(0, head * d);
  const peerError = relativeError(tiledJsFisherSum(headScores, head, d), rank1JsFisherSum(headScores, head, d));
  if (!(peerError <= TOLERANCE)) fail(`${label}: tiled JS disagrees with rank-1 JS (relative error ${peerError}).`);

  const reference = tiledJsFisherSum(scores, rows, d).map((v) => v / rows);
  const seconds = new Map<string, number>();
  for (const contender of list) {
    if (contender.skip) continue;
    await contender.prepare?.();
    const { result, seconds: s } = timeOnce(contender.run);
    const packed = contender.dense ? packUpper(result, d) : result;
    const error = relativeError(
      Float64Array.from(packed, (v) => v * contender.toMean),
      reference,
    );
    const tolerance = contender.tolerance ?? TOLERANCE;
    if (!(error <= tolerance)) {
      fail(`${label}: ${contender.column} disagrees with tiled JS (relative max-abs error ${error} > ${tolerance}).`);
    }
    seconds.set(contender.column, s);
  }
  return seconds;
}

/**
 * OpenBLAS's dsyrk on one thread over the same scores (the sum, read in place, into one result
 * kept across calls), checked, as GFLOP/s, its column added to `columns`; undefined where the
 * machine has no native BLAS.
 */
function nativeCell(
  scores: Float64Array,
  rows: number,
  d: number,
  label: string,
  columns: string[],
): string | undefined {
  const lapack = nativeLapack();
  if (!lapack) return undefined;
  const column = lapack.label.replace(/^LAPACK/, "BLAS dsyrk");
  if (!columns.includes(column)) columns.push(column);
  const native = lapack.time("syrk", scores, d);
  const reference = tiledJsFisherSum(scores, rows, d);
  const error = relativeError(native.result, reference);
  if (!(error <= TOLERANCE)) fail(`${label}: ${column} disagrees with tiled JS (relative max-abs error ${error}).`);
  const gflops = fisherFlops(rows, d) / native.mean / 1e9;
  console.error(`${label} ${column}: ${gflops.toFixed(2)} GFLOP/s ±${native.rme.toFixed(1)}%`);
  return gflops.toFixed(1);
}

export async function fisherSuite(): Promise<void> {
  await tfjsWasmReady();
  const runtimes = await backendRuntimes();
  const baseline = await loadBaseline();
  const ratios = new BaselineRatios();
  const table: string[][] = [];
  let columns: string[] = [];
  const freshRows: string[][] = [];
  for (const [rows, d] of selectShapes()) {
    const label = `${rows} × ${d}`;
    const scores = shapeScores(rows, d);
    const list = await contenders(runtimes, baseline, scores, rows, d);
    columns = list.map((c) => c.column);
    const seconds = await verify(list, scores, rows, d, label);
    // The last diagonal entry, C[d-1][d-1]: a sum of squares, so never zero for random scores.
    const probe = (d * (d + 1)) / 2 - 1;
    const cells = [label];
    const timings = new Map<string, Benchmark.Stats>();
    for (const contender of list) {
      const verified = seconds.get(contender.column);
      if (verified === undefined) {
        cells.push(SKIPPED);
        continue;
      }
      await contender.prepare?.();
      const stats = measure(`${contender.column} ${label}`, contender.run, verified, (p) => p[probe]);
      const gflops = fisherFlops(rows, d) / stats.mean / 1e9;
      const spread = `±${stats.rme.toFixed(1)}% over ${stats.sample.length} samples`;
      console.error(`${label} ${contender.column}: ${gflops.toFixed(2)} GFLOP/s ${spread}`);
      cells.push(gflops.toFixed(1));
      timings.set(contender.column, stats);
      const current = contender.twinOf === undefined ? undefined : timings.get(contender.twinOf);
      if (contender.twinOf !== undefined && current) ratios.record(label, contender.twinOf, current, stats);
    }
    const native = nativeCell(scores, rows, d, label, columns);
    if (native !== undefined) cells.push(native);
    table.push(cells);
    const fresh = freshResultRow(label, timings, runtimes, scores, d, probe);
    if (fresh) freshRows.push(fresh);
  }
  report(
    "fisher",
    "empiricalFisher end to end: GFLOP/s, flops = N·d·(d+1), mean time per call from Benchmark.js",
    ["N × d", ...columns],
    table,
    [
      ratios.table("N × d"),
      {
        title:
          "What a fresh result costs (wasm-simd): ms per call with a new result array and with `{ out }`, and ms of the new array alone (`new Float64Array(p)` filled from the result, page faults and zero-filling included) beside the same copy into one array reused across calls",
        header: ["N × d", "fresh result", "{ out }", "gap", "new array + copy", "copy into a reused array"],
        rows: freshRows,
      },
    ],
  );
}

/**
 * The cost of a fresh result at one shape: the two wasm-simd columns' mean times, and the time of
 * the new packed array alone (allocated and filled from the result) beside the same copy into an
 * array kept across calls, so the gap between the calls can be set against the array's own cost.
 */
function freshResultRow(
  label: string,
  timings: Map<string, Benchmark.Stats>,
  runtimes: BackendRuntime[],
  scores: Float64Array,
  d: number,
  probe: number,
): string[] | undefined {
  const fresh = timings.get("wasm-simd");
  const reused = timings.get("wasm-simd, out reused");
  const runtime = runtimes.find((r) => r.name === "wasm-simd")?.runtime;
  if (!fresh || !reused || !runtime) return undefined;
  const result = empiricalFisher(scores, d, { runtime }).packed;
  const kept = new Float64Array(result.length);
  const copyNew = () => {
    const a = new Float64Array(result.length);
    a.set(result);
    return a;
  };
  const copyKept = () => {
    kept.set(result);
    return kept;
  };
  const ms = (s: number) => (s * 1e3).toFixed(2);
  const newArray = measure(`new result array ${label}`, copyNew, timeOnce(copyNew).seconds, (p) => p[probe] as number);
  const keptArray = measure(`reused array ${label}`, copyKept, timeOnce(copyKept).seconds, (p) => p[probe] as number);
  return [label, ms(fresh.mean), ms(reused.mean), ms(fresh.mean - reused.mean), ms(newArray.mean), ms(keptArray.mean)];
}
