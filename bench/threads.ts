// Thread scaling: empiricalFisher with `{ out }` end to end at the fisher suite's shapes, and the
// packed Cholesky end to end, on the fastest backend with 1, 2 and 4 threads, beside tfjs-wasm's
// float32 matMul, all in one run. Every threaded result must equal the 1-thread one bit for bit.
// A thread count above the machine's hardware threads is marked oversubscribed.
// Env: BENCH_QUICK=1, BENCH_SHAPES=256,1024 (fisher shapes by d), BENCH_CHOLESKY=1024,2048.
import os from "node:os";
import { availableBackends, createRuntime, empiricalFisher, type Runtime, SymmetricMatrix } from "fisher-wasm";
import { fisherFlops } from "../tools/gflops.js";
import { fail, measure, QUICK, timeOnce } from "./lib/harness.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { diagonallyDominantSpd } from "./lib/spd-matrices.js";
import { tfjsWasmGram, tfjsWasmReady } from "./peers/tfjs-wasm.js";
import { SHAPES, shapeScores } from "./shapes.js";

const COUNTS = [1, 2, 4];
const FLOAT32_TOLERANCE = 1e-4;

function numbers(env: string | undefined): number[] | undefined {
  return env?.split(",").map((v) => Number(v.trim()));
}

function columnName(threads: number): string {
  const cores = os.availableParallelism();
  return threads > cores
    ? `${threads} threads (oversubscribed: ${cores} cores)`
    : `${threads} thread${threads > 1 ? "s" : ""}`;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/** Times `run` and returns its mean seconds per call (after a first call that warms it up). */
function seconds(name: string, run: () => ArrayLike<number>, probe: number): number {
  const first = timeOnce(run);
  return measure(name, run, first.seconds, (r) => r[probe] as number).mean;
}

async function fisherScaling(runtimes: Runtime[]): Promise<void> {
  await tfjsWasmReady();
  const wanted = numbers(process.env.BENCH_SHAPES);
  const shapes = SHAPES.filter(([, d]) => (wanted ? wanted.includes(d) : true)).slice(0, QUICK ? 2 : undefined);
  const header = ["N × d", ...runtimes.map((rt) => columnName(rt.threads)), "tfjs-wasm f32", "2 t / 1 t", "2 t / tfjs"];
  const table: string[][] = [];
  for (const [rows, d] of shapes) {
    const label = `${rows} × ${d}`;
    const scores = shapeScores(rows, d);
    const probe = (d * (d + 1)) / 2 - 1;
    const outs = runtimes.map(() => new Float64Array((d * (d + 1)) / 2));
    const runs = runtimes.map((runtime, i) => () => empiricalFisher(scores, d, { runtime, out: outs[i] }).packed);
    const reference = Float64Array.from(runs[0]?.() ?? fail("no runtime"));
    for (const [i, run] of runs.entries()) {
      if (!sameBits(run(), reference)) fail(`${label}: ${runtimes[i]?.threads} threads differ from 1 thread.`);
    }
    const tfjs = tfjsWasmGram(scores, rows, d);
    const dense = tfjs();
    const packed = new Float64Array(reference.length);
    for (let j = 0; j < d; j++)
      for (let i = 0; i <= j; i++) packed[i + (j * (j + 1)) / 2] = (dense[i * d + j] as number) / rows;
    const error = relativeError(packed, reference);
    if (!(error <= FLOAT32_TOLERANCE)) fail(`${label}: tfjs-wasm disagrees (relative error ${error}).`);
    const times = runs.map((run, i) => seconds(`fisher ${label} ${runtimes[i]?.threads}t`, run, probe));
    const tfjsTime = seconds(`fisher ${label} tfjs`, tfjs, probe);
    const gflops = (s: number) => (fisherFlops(rows, d) / s / 1e9).toFixed(1);
    const [one = 0, two = 0] = times;
    table.push([
      label,
      ...times.map(gflops),
      gflops(tfjsTime),
      `${(one / two).toFixed(2)}×`,
      `${(tfjsTime / two).toFixed(2)}×`,
    ]);
    console.error(table.at(-1)?.join("  "));
  }
  report(
    "threads-fisher",
    "empiricalFisher with `{ out }` end to end by thread count: GFLOP/s, flops = N·d·(d+1), mean time per call from Benchmark.js; the ratios are of times",
    header,
    table,
  );
}

function choleskyScaling(runtimes: Runtime[]): void {
  const dims = numbers(process.env.BENCH_CHOLESKY) ?? (QUICK ? [256] : [256, 1024, 2048]);
  const header = ["d", ...runtimes.map((rt) => columnName(rt.threads)), "2 t / 1 t"];
  const table: string[][] = [];
  for (const d of dims) {
    const dense = diagonallyDominantSpd(d, d);
    const runs = runtimes.map((runtime) => {
      const matrix = SymmetricMatrix.fromDense(dense, d, { runtime });
      return () => matrix.cholesky().packed;
    });
    const reference = runs[0]?.() ?? fail("no runtime");
    for (const [i, run] of runs.entries()) {
      if (!sameBits(run(), reference)) fail(`cholesky d=${d}: ${runtimes[i]?.threads} threads differ from 1 thread.`);
    }
    const times = runs.map((run, i) => seconds(`cholesky d=${d} ${runtimes[i]?.threads}t`, run, 0));
    const [one = 0, two = 0] = times;
    table.push([
      `${d}`,
      ...times.map((s) => `${(d ** 3 / 3 / s / 1e9).toFixed(1)} (${(s * 1e3).toFixed(1)} ms)`),
      `${(one / two).toFixed(2)}×`,
    ]);
    console.error(table.at(-1)?.join("  "));
  }
  report(
    "threads-cholesky",
    "Packed Cholesky end to end by thread count: GFLOP/s (ms per call), flops = d³/3, mean from Benchmark.js",
    header,
    table,
  );
}

export async function threadsSuite(): Promise<void> {
  const backend = availableBackends()[0] ?? fail("no backend");
  const runtimes = await Promise.all(COUNTS.map((threads) => createRuntime({ backend, threads })));
  for (const rt of runtimes) console.error(`${backend}: ${rt.threadsNote}`);
  await fisherScaling(runtimes);
  choleskyScaling(runtimes);
  for (const rt of runtimes) rt.dispose();
}
