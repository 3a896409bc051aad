// Symmetric eigen-decomposition end to end (copies in and out included): eigenvalues
// only and the full eigh, on wasm-simd and (at d = 256) the plain-TypeScript backend,
// beside ml-matrix's dense EigenvalueDecomposition, which always forms the vectors.
// Prints ms per call as a markdown table (also written to bench/results/eigen.md).
import { type BackendName, SymmetricMatrix } from "fisher-wasm";
import { mulberry32 } from "../tools/seeded-random.js";
import { fail, measure, QUICK, SKIPPED, timeOnce } from "./lib/harness.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { type BackendRuntime, backendRuntimes, runtimeOf } from "./lib/runtimes.js";
import { mlMatrixEigenvalues } from "./peers/ml-matrix.js";

const DIMS = QUICK ? [64, 128] : [256, 512];
// One plain-TypeScript eigh at d = 512 takes over a second; the reference runs at the smaller size only.
const JS_MAX_DIM = QUICK ? 64 : 256;
// Eigenvalues of a matrix with norm ≈ 5 from two backward-stable methods agree to a few ε·‖A‖.
const TOLERANCE = 1e-10;

interface Column {
  column: string;
  /** The library backend; ml-matrix has none. */
  backend?: BackendName;
  /** Eigenvalues only, or the full eigh (whose values are compared). */
  valuesOnly: boolean;
  maxDim?: number;
}

const COLUMNS: Column[] = [
  { column: "wasm-simd eigenvalues", backend: "wasm-simd", valuesOnly: true },
  { column: "wasm-simd eigh", backend: "wasm-simd", valuesOnly: false },
  { column: "js eigenvalues", backend: "js", valuesOnly: true, maxDim: JS_MAX_DIM },
  { column: "js eigh", backend: "js", valuesOnly: false, maxDim: JS_MAX_DIM },
  { column: "ml-matrix eigh", valuesOnly: false },
];

/** Seeded SPD matrix B Bᵀ / d + I (B uniform on (−1, 1)): a Fisher-like spread of eigenvalues. */
function spd(d: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const b = Float64Array.from({ length: d * d }, () => 2 * next() - 1);
  const dense = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += b[i * d + k] * b[j * d + k];
      const v = sum / d + (i === j ? 1 : 0);
      dense[i * d + j] = v;
      dense[j * d + i] = v;
    }
  }
  return dense;
}

/** The ascending eigenvalues, computed as the column says: in its backend's runtime, or by ml-matrix. */
function runner(c: Column, runtimes: readonly BackendRuntime[], dense: Float64Array, d: number): () => Float64Array {
  if (c.backend === undefined) return mlMatrixEigenvalues(dense, d);
  const matrix = SymmetricMatrix.fromDense(dense, d, { runtime: runtimeOf(runtimes, c.backend) });
  return c.valuesOnly ? () => matrix.eigenvalues() : () => matrix.eigh().values;
}

export async function eigenSuite(): Promise<void> {
  const runtimes = await backendRuntimes();
  const rows: string[][] = [];
  for (const d of DIMS) {
    const dense = spd(d, d);
    const cells = [`${d}`];
    let reference: Float64Array | undefined;
    for (const c of COLUMNS) {
      if (c.maxDim !== undefined && d > c.maxDim) {
        cells.push(SKIPPED);
        continue;
      }
      const run = runner(c, runtimes, dense, d);
      const first = timeOnce(run);
      reference ??= first.result;
      const error = relativeError(first.result, reference);
      if (!(error <= TOLERANCE)) fail(`d=${d}: ${c.column} eigenvalues differ from the first column's (${error}).`);
      const stats = measure(`eigen d=${d} ${c.column}`, run, first.seconds, (values) => values[d - 1]);
      const spread = `±${stats.rme.toFixed(1)}% over ${stats.sample.length} samples`;
      console.error(`eigen d=${d} ${c.column}: ${(stats.mean * 1e3).toFixed(1)} ms ${spread}`);
      cells.push((stats.mean * 1e3).toFixed(1));
    }
    rows.push(cells);
  }
  report(
    "eigen",
    "Symmetric eigen-decomposition of a packed SPD matrix end to end: ms per call, mean from Benchmark.js",
    ["d", ...COLUMNS.map((c) => c.column)],
    rows,
  );
}
