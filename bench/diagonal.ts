// The diagonal Fisher against the copy it cannot avoid: diagonalFisher(scores, d) end to end
// on every backend, beside the time of copying the same batch into WebAssembly memory (one
// Float64Array.set into a view of a WebAssembly.Memory of the batch's size) and a plain
// JavaScript loop over the rows, all measured in this run. Target: the SIMD builds within
// 1.5× of the copy's time.
import { type BackendName, diagonalFisher } from "fisher-wasm";
import { randomScores } from "../tools/random-scores.js";
import { fail, measure, QUICK, timeOnce } from "./lib/harness.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { backendRuntimes } from "./lib/runtimes.js";

const SHAPES: [n: number, d: number][] = QUICK
  ? [
      [64, 20_000],
      [2000, 500],
    ]
  : [
      [256, 100_000],
      [10_000, 1000],
    ];
const TARGET_RATIO = 1.5;
const TOLERANCE = 1e-12;
const PAGE_BYTES = 65536;
const SIMD_BACKENDS: readonly BackendName[] = ["wasm-relaxed-simd", "wasm-simd"];

/** The mean Σ s_j² / N by the plainest loop: the reference and the plain-JavaScript column. */
function plainDiagonal(scores: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const row = r * d;
    for (let j = 0; j < d; j++) {
      const x = scores[row + j] as number;
      out[j] = (out[j] as number) + x * x;
    }
  }
  for (let j = 0; j < d; j++) out[j] = (out[j] as number) / n;
  return out;
}

const ms = (seconds: number): string => (seconds * 1e3).toFixed(seconds < 0.01 ? 2 : 1);

export async function diagonalSuite(): Promise<void> {
  const runtimes = await backendRuntimes();
  const rows: string[][] = [];
  for (const [n, d] of SHAPES) {
    const scores = randomScores(n, d, n + d);
    const bytes = scores.length * 8;
    const reference = plainDiagonal(scores, n, d);

    // The copy: the same batch into a view of WebAssembly memory of the same size.
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE_BYTES) });
    const view = new Float64Array(memory.buffer, 0, scores.length);
    const copy = () => {
      view.set(scores);
      return view;
    };
    const copied = timeOnce(copy);
    if (copied.result[scores.length - 1] !== scores[scores.length - 1] || copied.result[0] !== scores[0]) {
      fail(`copy ${n}×${d}: the view does not hold the batch.`);
    }
    const copyStats = measure(`copy ${n}×${d}`, copy, copied.seconds, (v) => v[0] as number);
    const row = [`${n}×${d}`, `${(bytes / 1e6).toFixed(0)} MB`, `${ms(copyStats.mean)} ms`];
    const log: string[] = [];

    for (const { name, runtime } of runtimes) {
      const run = () => diagonalFisher(scores, d, { runtime });
      const first = timeOnce(run);
      const error = relativeError(first.result, reference);
      if (!(error <= TOLERANCE)) fail(`${name} ${n}×${d}: diagonalFisher differs from the plain loop by ${error}.`);
      const stats = measure(`diagonalFisher ${name} ${n}×${d}`, run, first.seconds, (u) => u[0] as number);
      const ratio = stats.mean / copyStats.mean;
      const mark = SIMD_BACKENDS.includes(name) ? (ratio <= TARGET_RATIO ? " ✓" : " ✗") : "";
      row.push(`${ms(stats.mean)} ms (${ratio.toFixed(2)}×${mark})`);
      log.push(`${name} ${ratio.toFixed(3)}`);
    }

    const plain = () => plainDiagonal(scores, n, d);
    const plainStats = measure(`plain JS ${n}×${d}`, plain, timeOnce(plain).seconds, (u) => u[0] as number);
    row.push(`${ms(plainStats.mean)} ms (${(plainStats.mean / copyStats.mean).toFixed(2)}×)`);
    console.error(`diagonal ${n}×${d}: time / copy: ${log.join(", ")}`);
    rows.push(row);
  }
  report(
    "diagonal",
    `diagonalFisher(scores, d) end to end (mean, unweighted) beside one Float64Array.set of the same batch into WebAssembly memory: ms per call (time / copy's time); target ≤ ${TARGET_RATIO}× for the SIMD builds`,
    ["N×d", "batch", "copy into wasm memory", ...runtimes.map(({ name }) => name), "plain JS loop"],
    rows,
  );
}
