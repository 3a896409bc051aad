// Symmetric eigen-decomposition end to end (copies in and out included): eigenvalues
// only and the full eigh, on wasm-simd and (at d = 256) the plain-TypeScript backend,
// beside ml-matrix's dense EigenvalueDecomposition, which always forms the vectors.
// Prints ms per call as a markdown table (also written to bench/results/eigen.md).
// Part of `npm run bench`; alone: `node bench/eigen.mjs` after `npm run build`.
import { pathToFileURL } from "node:url";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { init, SymmetricMatrix } from "../dist/index.mjs";
import { mulberry32 } from "../tools/seeded-random.mjs";
import { fail, measure, QUICK, relativeError, report, timeOnce } from "./lib/harness.mjs";

const DIMS = QUICK ? [64, 128] : [256, 512];
// One plain-TypeScript eigh at d = 512 takes over a second; the reference runs at the smaller size only.
const JS_MAX_DIM = QUICK ? 64 : 256;
// Eigenvalues of a matrix with norm ≈ 5 from two backward-stable methods agree to a few ε·‖A‖.
const TOLERANCE = 1e-10;
const SKIPPED = "—";

/** Seeded SPD matrix B Bᵀ / d + I (B uniform on (−1, 1)): a Fisher-like spread of eigenvalues. */
function spd(d, seed) {
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

async function main() {
  const columns = [
    { column: "wasm-simd eigenvalues", backend: "wasm-simd", values: true },
    { column: "wasm-simd eigh", backend: "wasm-simd", values: false },
    { column: "js eigenvalues", backend: "js", values: true, maxDim: JS_MAX_DIM },
    { column: "js eigh", backend: "js", values: false, maxDim: JS_MAX_DIM },
    { column: "ml-matrix eigh", values: false },
  ];
  const rows = [];
  for (const d of DIMS) {
    const dense = spd(d, d);
    const matrix = SymmetricMatrix.fromDense(dense, d);
    const mlInput = new Matrix(Array.from({ length: d }, (_, i) => Array.from(dense.subarray(i * d, (i + 1) * d))));
    const cells = [`${d}`];
    let reference;
    for (const c of columns) {
      if (c.maxDim !== undefined && d > c.maxDim) {
        cells.push(SKIPPED);
        continue;
      }
      let run;
      if (c.backend === undefined) {
        run = () =>
          Float64Array.from(new EigenvalueDecomposition(mlInput, { assumeSymmetric: true }).realEigenvalues).sort();
      } else {
        await init({ backend: c.backend });
        run = c.values ? () => matrix.eigenvalues() : () => matrix.eigh().values;
      }
      const first = timeOnce(run);
      reference ??= first.packed;
      const error = relativeError(first.packed, reference);
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
    ["d", ...columns.map((c) => c.column)],
    rows,
  );
}

export const eigenSuite = main;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
